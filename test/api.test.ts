// The library API (src/index.ts): every export documented, overrides in code
// equal to --set, sweeps identical across threads and shards, bad input a
// located InputError, and the CLI's records equal to the API's.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { InputError, loadScenario, MODES, planScenario, runScenario, runTasks, simulate, summarize, sweep, toCsv, toJson, toTable } from '../src/index.js';

const SMALL = 'test/fixtures/sweep/small.yaml';

describe('src/index.ts', () => {
  it('only re-exports, and every export has a doc comment', () => {
    const program = ts.createProgram(['src/index.ts'], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true });
    const source = program.getSourceFile('src/index.ts')!;
    expect(source.statements.filter((s) => !(ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined)).map((s) => s.getText(source))).toEqual([]);
    const checker = program.getTypeChecker();
    const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
    expect(exported.map((e) => e.name)).toEqual(expect.arrayContaining(['loadScenario', 'simulate', 'runScenario', 'sweep', 'MODES', 'ResultRecord', 'LoadedScenario']));
    const undocumented = exported.filter((e) => {
      const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === '';
    });
    expect(undocumented.map((e) => e.name)).toEqual([]);
  }, 60_000);

  it('package.json points import and types at the built index', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, { types: string; import: string }>; types: string };
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(pkg.types).toBe('./dist/index.d.ts');
  });
});

describe('overrides in code', () => {
  it('an object of dotted keys loads the same scenario as the equivalent --set strings', () => {
    const a = loadScenario(SMALL, { set: { cpu: 'core2', 'cpu.vmx.vmExitCycles': 999, vmms: ['native', 'hardware'] } });
    const b = loadScenario(SMALL, { set: ['cpu=core2', 'cpu.vmx.vmExitCycles=999', 'vmms=[native, hardware]'] });
    expect(a.cpu.vmx.vmExitCycles).toBe(999);
    expect(a.scenario.vmms).toEqual(['native', 'hardware']);
    expect(runScenario(a)).toEqual(runScenario(b));
  });

  it('a misspelt key in code is a located InputError with a suggestion', () => {
    expect(() => loadScenario(SMALL, { set: { 'cpu.vmx.vmExitCycle': 1 } })).toThrow(InputError);
    expect(() => loadScenario(SMALL, { set: { 'cpu.vmx.vmExitCycle': 1 } })).toThrow(/--set cpu\.vmx\.vmExitCycle=1: .*unknown key "vmExitCycle"; did you mean "vmExitCycles"\?/);
  });
});

describe('simulate', () => {
  it('runs one workload under one mode, with the totals runScenario reports for it', () => {
    const loaded = loadScenario(SMALL, { set: { vmms: ['native', 'hardware'] } });
    const one = simulate(loaded, 'mix', 'hardware');
    const record = runScenario(loaded).find((r) => r.workload === 'mix' && r.vmm === 'hardware')!;
    expect(one.cycles).toBe(record.cycles);
    expect(one.operations).toBe(record.metrics.operations);
    expect(one.breakdown.pgfault!.cycles).toBe(record.breakdown.pgfault!.cycles);
    expect(Object.keys(one.components)).toContain('vmExit');
  });

  it('an unknown workload or mode names the closest one', () => {
    const loaded = loadScenario(SMALL);
    expect(() => simulate(loaded, 'mixx', 'native')).toThrow(/no workload "mixx" in the scenario; did you mean "mix"\?/);
    expect(() => simulate(loaded, 'mix', 'hardwre')).toThrow(/unknown mode "hardwre"; did you mean "hardware"\?/);
    expect(() => simulate(loaded, 'mix', 'nested')).toThrow(/not among the scenario's vmms/);
    expect(Object.keys(MODES)).toContain('nested');
  });
});

describe('sweep', () => {
  it('gives the same records with one thread or two, and its shards concatenate to the whole in task order', async () => {
    // The built package (worker threads run dist/run/sweepWorker.js), by its own name.
    const { sweep } = await import('vmmsim');
    const set = { 'workloads.0.repeat': 200, 'workloads.1.repeat': 200 };
    const one = await sweep(SMALL, { set, jobs: 1 });
    expect(one).toHaveLength(6 * 2 * 2);
    expect(await sweep(SMALL, { set, jobs: 2 })).toEqual(one);
    const shards = await Promise.all([1, 2, 3].map((index) => sweep(SMALL, { set, jobs: 1, shard: { index, count: 3 } })));
    const byTask = (r: { point: number; replicate: number }) => r.point * 2 + r.replicate;
    expect(shards.flat().sort((a, b) => byTask(a) - byTask(b))).toEqual(one);
  });

  it('the package can be imported, and run, in a worker thread a user started: importing it starts no worker service', async () => {
    const { Worker } = await import('node:worker_threads');
    const code = `const { parentPort } = require('node:worker_threads');
      import('vmmsim').then(async (m) => { const r = await m.sweep(${JSON.stringify(SMALL)}, { set: ['workloads.0.repeat=20', 'workloads.1.repeat=20'], jobs: 1 }); parentPort.postMessage(r.length); });`;
    // workerData that is not the package's: a worker of its own would misread it (or crash, as it did with none).
    const w = new Worker(code, { eval: true, workerData: { user: 'data' } });
    const got: unknown[] = [];
    w.on('message', (m) => got.push(m));
    // It ends by itself once it has answered (nothing the package started keeps it alive), without an error.
    const exit = await new Promise<number>((resolve, reject) => {
      w.once('exit', resolve);
      w.once('error', reject);
    });
    expect(got).toEqual([6 * 2 * 2]);
    expect(exit).toBe(0);
  });

  it('returns what `vmmsim run --format json` prints for the same scenario and overrides', async () => {
    const records = await sweep(SMALL, { set: ['workloads.0.repeat=50', 'workloads.1.repeat=50'], jobs: 1 });
    const cli = spawnSync(process.execPath, ['dist/cli/main.js', 'run', SMALL, '--set', 'workloads.0.repeat=50', '--set', 'workloads.1.repeat=50', '--format', 'json'], { encoding: 'utf8' });
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(JSON.stringify(records)));
  });
});

describe('the library checks its arguments as input: an InputError naming the function and the option, never a NaN in a record', () => {
  const loaded = () => loadScenario(SMALL, { set: ['workloads.0.repeat=10', 'workloads.1.repeat=10'] });
  /** [call, the message it must throw]. */
  const cases: Array<[string, () => unknown, string]> = [
    ['loadScenario(42)', () => loadScenario(42 as never), 'loadScenario() file: expected a non-empty string, got number 42'],
    ['loadScenario(f, null)', () => loadScenario(SMALL, null as never), 'loadScenario() options: expected an object of options or nothing, got null'],
    ['a NaN limit (it turned the limit off)', () => loadScenario(SMALL, { limits: { maxOpsPerRun: NaN } }),
      'loadScenario() options: limits.maxOpsPerRun: expected a finite number, got NaN (in the options of loadScenario())'],
    ['a negative limit', () => loadScenario(SMALL, { limits: { maxEvents: -1 } }), 'loadScenario() options: limits.maxEvents: expected > 0, got number -1 (in the options of loadScenario())'],
    ['a NaN override (written as null)', () => loadScenario(SMALL, { set: { 'workloads.0.repeat': NaN } }),
      'loadScenario() options: set.workloads.0.repeat: expected a string or a number or true or false or null or a list or record, got NaN (in the options of loadScenario())'],
    ['an override key holding "=" (its value was dropped)', () => loadScenario(SMALL, { set: { 'workloads.0.repeat=7 #': 123 } }),
      'loadScenario() options: set.workloads.0.repeat=7 #: bad key "workloads.0.repeat=7 #": an override key has no "=" (the value goes in the value) (in the options of loadScenario())'],
    ['a circular override value (a TypeError from JSON)', () => {
      const self: Record<string, unknown> = {};
      self.self = self;
      return loadScenario(SMALL, { set: { 'workloads.0.repeat': self } });
    }, 'loadScenario() options: set: a value refers to itself (a circular object); expected values that can be written as JSON'],
    ['an override value nested 100,000 deep (the schema\'s recursion overflowed the stack: a RangeError)', () => {
      let deep: unknown = 1;
      for (let i = 0; i < 100_000; i++) deep = { a: deep };
      return loadScenario(SMALL, { set: { 'workloads.0': deep } });
    }, 'loadScenario() options: set: a value nests more than 64 levels deep; expected values of a parameter\'s modest depth'],
    ['simulate with a NaN seed', () => simulate(loaded(), 'syscalls', 'native', { seed: NaN }), 'simulate() options: seed: expected a finite number, got NaN (in the options of simulate())'],
    ['simulate(null, …)', () => simulate(null as never, 'syscalls', 'native'), 'simulate() loaded: expected a loaded scenario (what loadScenario() returns), got null'],
    ['runScenario of an object built by hand (a TypeError inside)', () => runScenario({ scenario: { vmms: ['native'] }, cpu: {}, workloads: [{}] } as never),
      "runScenario() loaded: expected a loaded scenario (what loadScenario() returns), got an object loadScenario() did not return (a copy, or one built by hand); change parameters with loadScenario()'s set option, which checks them"],
    ['runScenario of a copy with a workload changed (repeat: Infinity ran without end)', () => {
      const l = loaded();
      return runScenario({ ...l, workloads: [{ ...l.workloads[0], repeat: Infinity }] });
    }, "runScenario() loaded: expected a loaded scenario (what loadScenario() returns), got an object loadScenario() did not return (a copy, or one built by hand); change parameters with loadScenario()'s set option, which checks them"],
    ['simulate of a copy', () => simulate({ ...loaded() }, 'syscalls', 'native'),
      "simulate() loaded: expected a loaded scenario (what loadScenario() returns), got an object loadScenario() did not return (a copy, or one built by hand); change parameters with loadScenario()'s set option, which checks them"],
    ['runScenario with an observer that is not one (a TypeError inside the run)', () => runScenario(loaded(), { observer: 5 as never }),
      "runScenario() options: observer: expected an observer with a started() method (for the command line's own use: leave it unset) (in the options of runScenario())"],
    ['runScenario with a traces cache that is not one', () => runScenario(loaded(), { traces: {} as never }),
      "runScenario() options: traces: expected a TraceCache (for the command line's own use: leave it unset) (in the options of runScenario())"],
    ['toTable with null options (a TypeError)', () => toTable([], null as never), 'toTable() options: expected a mapping, got null (in the options of toTable())'],
    ['toTable with a misspelt option (ignored before)', () => toTable([], { component: true } as never),
      'toTable() options: component: unknown key "component"; did you mean "components"? (in the options of toTable())'],
    ['runScenario with an infinite seed', () => runScenario(loaded(), { seed: Infinity }), 'runScenario() options: seed: expected a finite number, got Infinity (in the options of runScenario())'],
    ['runScenario with a NaN point', () => runScenario(loaded(), { point: NaN }), 'runScenario() options: point: expected a finite number, got NaN (in the options of runScenario())'],
    ['runScenario with a NaN parameter value', () => runScenario(loaded(), { params: { x: NaN } }), 'runScenario() options: params.x: expected a string or a number or true or false, got NaN (in the options of runScenario())'],
  ];
  it.each(cases.map((c, i) => [c[0], i] as const))('%s', (_name, i) => {
    const [, call, message] = cases[i];
    let thrown: unknown;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as Error).message).toBe(message);
  });

  it('a loaded scenario is frozen: a change after loadScenario() (a NaN clock rate, an infinite repeat, a NaN seed) fails where it is written, not inside a run', () => {
    const l = loaded();
    expect(() => { (l.cpu as { clockGHz: number }).clockGHz = NaN; }).toThrow(TypeError);
    expect(() => { (l.workloads[0] as { repeat: number }).repeat = Infinity; }).toThrow(TypeError);
    expect(() => { (l.scenario as { seed: number }).seed = NaN; }).toThrow(TypeError);
    expect(() => { (l.scenario.vmms as string[]).push('bogus'); }).toThrow(TypeError);
    expect(() => { (l as { workloads: unknown }).workloads = []; }).toThrow(TypeError);
    expect(runScenario(l).every((r) => Number.isFinite(r.seed) && Number.isFinite(r.cycles))).toBe(true);
    expect(runScenario(l)).toEqual(runScenario(loaded())); // running it changes nothing either
  });

  it.each([
    ['jobs 0', { jobs: 0 }, 'sweep() options: jobs: expected > 0, got number 0 (in the options of sweep())'],
    ['jobs NaN', { jobs: NaN }, 'sweep() options: jobs: expected a finite number, got NaN (in the options of sweep())'],
    ['shard 5 of 2 (it ran nothing)', { shard: { index: 5, count: 2 } }, 'sweep() options: shard.index: expected 1 ≤ index ≤ count (in the options of sweep())'],
    ['shard 0 of 1', { shard: { index: 0, count: 1 } }, 'sweep() options: shard.index: expected > 0, got number 0 (in the options of sweep())'],
  ] as const)('sweep with %s is refused', async (_name, options, message) => {
    await expect(sweep(SMALL, options as never)).rejects.toThrow(message);
  });

  it('runTasks refuses a warm or observer option that is not the command line\'s own (a TypeError, or an error record, before)', async () => {
    const plan = planScenario(SMALL, { set: ['workloads.0.repeat=10', 'workloads.1.repeat=10'] });
    await expect(runTasks(plan, [0], { warm: 5 as never })).rejects.toThrow(
      "runTasks() options: warm: expected the workers warmWorkersFor() started (for the command line's own use: leave it unset) (in the options of runTasks())");
    await expect(runTasks(plan, [0], { observer: {} as never })).rejects.toThrow(
      "runTasks() options: observer: expected an observer with a started() method (for the command line's own use: leave it unset) (in the options of runTasks())");
  });

  it('runTasks refuses a task listed twice (it ran again each time: 10^7 zeros ran out of memory)', async () => {
    const plan = planScenario(SMALL, { set: ['workloads.0.repeat=10', 'workloads.1.repeat=10'] });
    await expect(runTasks(plan, [0, 0])).rejects.toThrow('runTasks() tasks: [1]: task 0 is listed twice (first at [0]); expected each task once');
    await expect(runTasks(plan, new Array(10_000_000).fill(0))).rejects.toThrow(InputError);
  });

  it('runTasks refuses task numbers the plan does not have (a TypeError before; 0.5 ran a half replicate)', async () => {
    const plan = planScenario(SMALL);
    for (const bad of [-1, 0.5, plan.taskCount]) {
      await expect(runTasks(plan, [bad])).rejects.toThrow(`runTasks() tasks: [0]: expected whole numbers from 0 to ${plan.taskCount - 1} (the plan has ${plan.taskCount} tasks), got number ${bad}`);
    }
  });

  it('jobs above the number of cores is capped, as --jobs is (100 workers took 700 MB for two tasks)', async () => {
    // The built package: its worker threads run dist/ (from src/, a worker could not start, and the test
    // passed only when the main thread had run every task before that error arrived).
    const { sweep: built } = await import('vmmsim');
    const set = ['workloads.0.repeat=10', 'workloads.1.repeat=10'];
    expect(await built(SMALL, { set, jobs: 100 })).toEqual(await built(SMALL, { set, jobs: 1 }));
  });
});

describe('the report functions check the records they are given', () => {
  it('a hand-built record with a NaN, a missing field or a negative count is an InputError, not NaN in the CSV', () => {
    const [record] = runScenario(loadScenario(SMALL, { set: ['workloads.0.repeat=10', 'workloads.1.repeat=10', 'vmms=[native]'] }));
    expect(() => toCsv([record])).not.toThrow();
    const bad: Array<[unknown, string]> = [
      [[{ ...record, cycles: NaN }], 'toCsv() records: [0].cycles: expected a finite number, got NaN (in the records)'],
      [[{ ...record, seed: -1 }], 'toCsv() records: [0].seed: expected ≥ 0, got number -1 (in the records)'],
      [[{}], 'toCsv() records: [0].scenario: missing required key (expected a string) (in the records)'],
    ];
    for (const [records, message] of bad) expect(() => toCsv(records as never)).toThrow(message);
    expect(() => toTable([{ ...record, seconds: Infinity }])).toThrow(/^toTable\(\) records: \[0\]\.seconds: /);
    expect(() => summarize(null as never)).toThrow(/^summarize\(\) records: /);
    expect(() => toJson([{ ...record, params: { x: NaN } }])).toThrow(/^toJson\(\) records: \[0\]\.params\.x: /);
  });
});
