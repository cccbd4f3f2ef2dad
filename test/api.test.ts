// The library API (src/index.ts): every export documented, overrides in code
// equal to --set, sweeps identical across threads and shards, bad input a
// located InputError, and the CLI's records equal to the API's.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { InputError, loadScenario, MODES, runScenario, simulate, sweep } from '../src/index.js';

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

  it('returns what `vmmsim run --format json` prints for the same scenario and overrides', async () => {
    const records = await sweep(SMALL, { set: ['workloads.0.repeat=50', 'workloads.1.repeat=50'], jobs: 1 });
    const cli = spawnSync(process.execPath, ['dist/cli/main.js', 'run', SMALL, '--set', 'workloads.0.repeat=50', '--set', 'workloads.1.repeat=50', '--format', 'json'], { encoding: 'utf8' });
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(JSON.stringify(records)));
  });
});
