// Trace replay from the parsed form: random traces replayed from the form
// parsed once (shared by every mode), from a spill file or parsed again in
// small windows (the paths of traces too long to hold), and as a plain op
// tree built line by line must give byte-identical records; a broken line
// gives the same file:line error on every path, after the same replayed prefix.
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, type LoadedScenario } from '../src/config/load.js';
import { toJson } from '../src/report/json.js';
import { runScenario } from '../src/run/runScenario.js';
import { simulate } from '../src/run/simulate.js';
import type { StreamItem } from '../src/workload/control.js';
import { OP_KINDS } from '../src/workload/ops.js';
import { retargetCr3 } from '../src/workload/retarget.js';
import { ONCE_LEAF, type OpNode } from '../src/workload/stream.js';
import { TRACE_SITE_BASE, TraceCache, TraceCursor } from '../src/workload/traceCursor.js';
import { parseTrace, TraceParser } from '../src/workload/traceProgram.js';
import { TraceWindow } from '../src/workload/traceWindow.js';
import { SpilledTrace, spillTrace } from '../src/workload/traceSpill.js';

let tmp = '';
let n = 0;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vmmsim-replay-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Operation lines a trace is drawn from (the seven nanobenchmark operations, and lines that exercise counts, composites and memory). */
const OPS = [
  { op: 'syscall' }, { op: 'io', dir: 'in', port: 128 }, { op: 'cr8write' }, { op: 'callret' }, { op: 'pgfault' },
  { op: 'exception', vector: 'divzero' }, { op: 'pteWrite' }, { op: 'pteWrite', count: 20 }, { op: 'syscall', count: 5 },
  { op: 'compute', cycles: 700, mode: 'kernel' }, { use: 'cowFault' }, { use: 'cowFault', count: 2 },
  { op: 'memory', accesses: 300, workingSetBytes: 1 << 20, pattern: 'uniform' }, { op: 'cr3write', asid: 3, pages: 4 },
];

const line = fc.record({
  kind: fc.constantFrom('op', 'op', 'op', 'op', 'comment', 'blank'),
  op: fc.integer({ min: 0, max: OPS.length - 1 }),
  dt: fc.option(fc.integer({ min: 0, max: 4000 }), { freq: 6 }),
  stream: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 3 }),
});

/** A trace file (JSONL) from drawn lines; timestamps only ever grow. */
function traceText(lines: Array<{ kind: string; op: number; dt: number | null; stream: number | null }>): string {
  let t = 0;
  return lines.map((l) => {
    if (l.kind === 'comment') return '# a comment';
    if (l.kind === 'blank') return '';
    const o: Record<string, unknown> = { ...OPS[l.op] };
    if (l.dt !== null) o.t = t += l.dt;
    if (l.stream !== null) o.stream = l.stream;
    return JSON.stringify(o);
  }).join('\n') + '\n';
}

function scenarioFor(trace: string, guest = true): string {
  const k = n++;
  writeFileSync(join(tmp, `t${k}.jsonl`), trace);
  const yaml = join(tmp, `t${k}.yaml`);
  writeFileSync(yaml, `name: replay\nseed: 5\ncpu: pentium4\n${guest ? 'guest: linux-2.6\n' : ''}vmms: [native, software, hardware, nested]\nworkloads:\n  - name: t\n    trace: t${k}.jsonl\n`);
  return yaml;
}

/** Records, or the error message, of a run with `cache`. */
function outcome(loaded: LoadedScenario, cache: TraceCache, options: { tapes?: boolean; tapedOps?: number } = {}): string {
  try {
    return toJson(runScenario(loaded, { traces: cache, ...options }));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

/**
 * A scenario loaded with a one-line trace that is then replaced by `trace`:
 * its run meets on replay what the check at load refuses (a file changed
 * after loading), so replay's own errors can be compared with the check's.
 */
function loadedThenReplaced(trace: string, guest = true, maxOpsPerRun?: number): { loaded: LoadedScenario; yaml: string } {
  const yaml = scenarioFor('{"op": "syscall"}\n', guest);
  const loaded = loadScenario(yaml, { limits: { maxOpsPerRun } });
  writeFileSync(yaml.replace(/\.yaml$/, '.jsonl'), trace);
  return { loaded, yaml };
}

/** The error loading `yaml` gives, as {@link outcome} writes it; null if it loads. */
function loadError(yaml: string, maxOpsPerRun?: number): string | null {
  try {
    loadScenario(yaml, { limits: { maxOpsPerRun } });
    return null;
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

/** The reference: the trace as one op tree built line by line (no parsed form, no windows), run through the plain cursor. */
function referenceCycles(loaded: LoadedScenario, trace: string, mode: string): number {
  const compiler = loaded.compiler;
  const clockHz = loaded.cpu.clockGHz * 1e9;
  const body: OpNode[] = [];
  let stream: number | null = null;
  for (const text of trace.split('\n')) {
    const l = text.trim();
    if (l === '' || l.startsWith('#')) continue;
    const { t, stream: s, ...spec } = JSON.parse(l) as Record<string, unknown> & { t?: number; stream?: number; count?: number };
    if (t !== undefined) body.push({ op: { kind: 'waitUntil', cycles: (t * clockHz) / 1e9 } as StreamItem, count: 1 });
    if (s !== undefined) {
      if (stream !== null && s !== stream) body.push({ body: retargetCr3(compiler.compositeBody('contextSwitch')!, s), count: 1 });
      stream = s;
    }
    const count = (spec.count as number | undefined) ?? 1;
    if ('use' in spec) body.push({ body: compiler.compositeBody(spec.use as string)!, count });
    else {
      const op = spec.op as (typeof OP_KINDS)[number];
      const defaults = loadScenario(scenarioOf(op, spec)).scenario.workloads[0].ops![0] as Record<string, unknown>;
      body.push({ op: compiler.primitive({ ...defaults, site: TRACE_SITE_BASE + OP_KINDS.indexOf(op) } as never), count });
    }
  }
  const w = { name: 't', repeat: 1, body };
  return simulate(loaded.cpu, mode, mode === 'native' ? null : loaded.vmmParams[mode], w, loaded.scenario.seed, { compiler }).cycles;
}

/** A one-op scenario, so the reference gets each primitive's schema defaults from the scenario loader. */
function scenarioOf(op: string, spec: Record<string, unknown>): string {
  const yaml = join(tmp, `op${n++}.yaml`);
  writeFileSync(yaml, `name: op\nworkloads:\n  - name: w\n    ops: [${JSON.stringify({ ...spec, op, count: 1 })}]\n`);
  return yaml;
}

describe('trace replay from the parsed form', () => {
  it('parsed once, streamed in windows of 1–7 lines (by length, or by distinct operations), or built as a plain op tree: the same records', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (lines, windowLines) => {
        const trace = traceText(lines);
        if (!lines.some((l) => l.kind === 'op')) {
          expect(() => loadScenario(scenarioFor(trace))).toThrow('the trace has no operations'); // comments and blanks only
          return;
        }
        const loaded = loadScenario(scenarioFor(trace));
        const shared = outcome(loaded, new TraceCache());
        expect(outcome(loaded, new TraceCache(0, windowLines))).toBe(shared); // longer than held: spilled, read back window by window
        expect(outcome(loaded, new TraceCache(0, windowLines, undefined, false))).toBe(shared); // or parsed again by each run
        expect(outcome(loaded, new TraceCache(undefined, windowLines, 2))).toBe(shared); // more distinct operations than held: spilled
        expect(outcome(loaded, new TraceCache(undefined, windowLines, 2, false))).toBe(shared);
        // Streamed, its operations new objects window by window, through actors that remember two operations at most; and op by op.
        expect(outcome(loaded, new TraceCache(0, windowLines), { tapedOps: 2 })).toBe(shared);
        expect(outcome(loaded, new TraceCache(0, windowLines, undefined, false), { tapedOps: 2 })).toBe(shared);
        expect(outcome(loaded, new TraceCache(), { tapes: false })).toBe(shared);
        const records = JSON.parse(shared) as Array<{ vmm: string; cycles: number }>;
        for (const r of records) expect(r.cycles).toBe(referenceCycles(loaded, trace, r.vmm));
      }),
      { numRuns: 25 },
    );
  });

  it('a broken line anywhere gives the same file:line error whether the trace is held whole or streamed, and the check at load gives it first', () => {
    const broken = ['{"op": "syscall", "count": 2', '{"op": "compute", "cycles": -5}', '{"op": "sycall"}', '{"t": 1, "op": "syscall"}', '[1, 2]'];
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), fc.nat(), fc.constantFrom(...broken), fc.integer({ min: 1, max: 5 }), (lines, at, bad, windowLines) => {
        const text = traceText(lines).split('\n');
        const k = at % text.length;
        text.splice(k, 0, bad);
        const { loaded, yaml } = loadedThenReplaced(text.join('\n'));
        const shared = outcome(loaded, new TraceCache());
        expect(outcome(loaded, new TraceCache(0, windowLines))).toBe(shared);
        expect(outcome(loaded, new TraceCache(0, windowLines, undefined, false))).toBe(shared);
        if (bad !== '{"t": 1, "op": "syscall"}') expect(shared).toMatch(new RegExp(`\\.jsonl:${k + 1}:\\d+: `));
        if (shared.startsWith('error: ')) expect(loadError(yaml)).toBe(shared);
      }),
      { numRuns: 25 },
    );
  });

  it('a composite the guest profile lacks and --max-ops are found at their line on replay, with the same message either way, and by the check at load', () => {
    const trace = '{"op": "syscall"}\n# c\n{"op": "pteWrite", "count": 40}\n{"use": "cowFault"}\n';
    const bare = loadedThenReplaced(trace, false);
    expect(outcome(bare.loaded, new TraceCache())).toMatch(/\.jsonl:4:9: use: unknown composite operation "cowFault"/);
    expect(outcome(bare.loaded, new TraceCache(0, 1))).toBe(outcome(bare.loaded, new TraceCache()));
    expect(outcome(bare.loaded, new TraceCache(0, 1, undefined, false))).toBe(outcome(bare.loaded, new TraceCache()));
    expect(loadError(bare.yaml)).toBe(outcome(bare.loaded, new TraceCache()));
    const capped = loadedThenReplaced(trace, true, 30);
    expect(outcome(capped.loaded, new TraceCache())).toMatch(/\.jsonl:3:1: the trace reaches 41 operations/);
    expect(outcome(capped.loaded, new TraceCache(0, 2))).toBe(outcome(capped.loaded, new TraceCache()));
    expect(outcome(capped.loaded, new TraceCache(0, 2, undefined, false))).toBe(outcome(capped.loaded, new TraceCache()));
    expect(loadError(capped.yaml, 30)).toBe(outcome(capped.loaded, new TraceCache()));
  });

  it('a trace is parsed once per cache, into one shape per distinct operation', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify(OPS[i % 7]));
    const yaml = scenarioFor(lines.join('\n'));
    const file = yaml.replace(/\.yaml$/, '.jsonl');
    const program = parseTrace(file, 'jsonl')!;
    expect(program.shapes).toHaveLength(7);
    expect(program.window.length).toBe(5000);
    expect(program.window.tNs).toBeNull(); // no timestamps, no array for them
    const cache = new TraceCache();
    const first = cache.program(file, 'jsonl');
    expect(cache.program(file, 'jsonl')).toBe(first);
    expect(new TraceCache(4999).program(file, 'jsonl')).toBeInstanceOf(SpilledTrace); // longer than the cache holds: spilled
    expect(new TraceCache(undefined, undefined, 6).program(file, 'jsonl')).toBeInstanceOf(SpilledTrace); // more distinct operations than it holds
    expect(new TraceCache(4999, undefined, undefined, false).program(file, 'jsonl')).toBeNull(); // not spilled: each run parses again
  });

  it('lines that all differ, past what the raw-line cache holds, then lines seen before: the same shapes, lines and errors as a parse of each line alone', () => {
    // 24,000 distinct computations fill the cache (16K lines) and make it give up for 64K lines; the
    // repeats after them, and a broken line among them, are parsed without it, then with it again.
    const distinct = Array.from({ length: 24_000 }, (_, i) => JSON.stringify({ op: 'compute', cycles: 1000 + i }));
    const repeats = Array.from({ length: 90_000 }, (_, i) => (i % 3 === 0 ? JSON.stringify(OPS[i % 7]) : distinct[i % 24_000]));
    const file = scenarioFor([...distinct, ...repeats].join('\n')).replace(/\.yaml$/, '.jsonl');
    const program = parseTrace(file, 'jsonl')!;
    expect(program.error).toBeNull();
    expect(program.shapes).toHaveLength(24_000 + 7);
    expect(program.window.length).toBe(114_000);
    // Each repeated line has the shape its first occurrence got.
    const shapeOf = new Map<string, number>();
    [...distinct, ...repeats].forEach((text, i) => {
      const s = program.window.shape[i];
      if (!shapeOf.has(text)) shapeOf.set(text, s);
      expect(s).toBe(shapeOf.get(text));
    });
    const broken = [...distinct, ...repeats];
    broken[30_000] = '{"op": "compute", "cycles": -1}';
    const brokenFile = scenarioFor(broken.join('\n')).replace(/\.yaml$/, '.jsonl');
    expect(parseTrace(brokenFile, 'jsonl')!.error?.message).toMatch(/\.jsonl:30001:\d+: cycles/);
  });

  it('the operation of a line met once, without copies, is handed out as met once (ONCE_LEAF), held, spilled or streamed; a repeated one, or one with copies, is not', () => {
    const lines = ['{"op":"compute","cycles":5}', '{"op":"compute","cycles":6}', '{"op":"compute","cycles":5}', '{"op":"compute","cycles":7,"count":2}', '{"op":"syscall"}', '{"op":"io","port":9}', '{"op":"syscall"}'];
    const once = [false, true, false, false, false, true, false]; // by line; the run of 7 has a copy
    const yaml = scenarioFor(lines.join('\n'));
    const loaded = loadScenario(yaml);
    const file = yaml.replace(/\.yaml$/, '.jsonl');
    // Held whole, spilled in windows of 7 lines, streamed in windows of 7 (the whole file: a window sees what the trace has).
    for (const cache of [new TraceCache(), new TraceCache(0, 7), new TraceCache(0, 7, undefined, false)]) {
      const cursor = new TraceCursor(file, 'jsonl', { compiler: loaded.compiler, clockHz: 1e9 }, cache);
      const got: boolean[] = [];
      for (let item = cursor.next(); item !== null; item = cursor.next()) {
        got.push(cursor.leafId === ONCE_LEAF);
        if (cursor.repeats > 0) cursor.take(cursor.repeats);
      }
      expect(got).toEqual(once);
    }
  });

  it('a parse on course for more distinct operations than it may hold gives up after 64K lines, and the trace streamed gives the same records', () => {
    // 70,000 distinct computations, then one line repeated: 70,001 shapes in all (41 bytes each held, 2.9 MB), under a
    // cap of 4 MB; but after the first 65,536 lines every one was new, which projects to far more than the cap.
    const lines = [...Array.from({ length: 70_000 }, (_, i) => JSON.stringify({ op: 'compute', cycles: 500 + i })), ...Array(330_000).fill('{"op":"syscall"}')];
    const yaml = scenarioFor(lines.join('\n'));
    const file = yaml.replace(/\.yaml$/, '.jsonl');
    expect(parseTrace(file, 'jsonl', undefined, 4_000_000)).toBeNull();
    const held = parseTrace(file, 'jsonl', undefined, 100_000_000)!;
    expect(held.shapes).toHaveLength(70_001);
    expect(held.shapes.bytes).toBe(70_000 * 41 + 33); // a computation (op, count, cycles, mode) 41 bytes, a syscall (op, count) 33
    // Mostly repeated lines project under the cap, and are held.
    const few = scenarioFor(Array.from({ length: 200_000 }, (_, i) => JSON.stringify(OPS[i % 7])).join('\n')).replace(/\.yaml$/, '.jsonl');
    expect(parseTrace(few, 'jsonl', undefined, 4_000_000)).not.toBeNull();
    const loaded = loadScenario(yaml, { set: ['vmms=[hardware]'] });
    expect(outcome(loaded, new TraceCache(undefined, undefined, 4_000_000))).toBe(outcome(loaded, new TraceCache(undefined, undefined, 100_000_000)));
  });
});

describe('a trace spilled to a file', () => {
  it('reads back, window by window, the lines, operations, counts and error a parse of each window gives', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 9 }), fc.option(fc.nat(), { nil: undefined }), (lines, windowLines, brokenAt) => {
        const text = traceText(lines).split('\n');
        if (brokenAt !== undefined) text.splice(brokenAt % text.length, 0, '{"op": "compute", "cycles": -5}');
        const file = scenarioFor(text.join('\n')).replace(/\.yaml$/, '.jsonl');
        const spill = spillTrace(file, 'jsonl', windowLines, `test:${n}`)!;
        const reader = spill.reader();
        const parser = new TraceParser(file, 'jsonl');
        const [a, b] = [new TraceWindow(windowLines), new TraceWindow(windowLines)];
        for (;;) {
          const more = parser.nextWindow(a, windowLines);
          expect(reader.nextWindow(b)).toBe(more);
          if (!more) break;
          expect(b.length).toBe(a.length);
          for (let i = 0; i < a.length; i++) {
            expect(b.lineOf(i)).toBe(a.lineOf(i));
            expect(reader.shapes.get(b.shape[i])).toEqual(parser.shapes.get(a.shape[i]));
            expect(reader.shapes.col(b.shape[i])).toBe(parser.shapes.col(a.shape[i]));
            expect(reader.shapes.metAgain(b.shape[i])).toBe(parser.shapes.metAgain(a.shape[i]));
            expect(b.tNs?.[i] ?? NaN).toBe(a.tNs?.[i] ?? NaN);
            expect(b.switchTo?.[i] ?? -1).toBe(a.switchTo?.[i] ?? -1);
          }
          expect([reader.lines, reader.switches]).toEqual([parser.lines, parser.switches]);
        }
        expect(reader.error?.message).toBe(parser.error?.message);
        parser.close();
      }),
      { numRuns: 60 },
    );
  });

  it('has no name while it is used, and a spill over its size limit is given up (each run then parses again)', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ op: 'compute', cycles: i }));
    const file = scenarioFor(lines.join('\n')).replace(/\.yaml$/, '.jsonl');
    const spill = spillTrace(file, 'jsonl', 1000, 'test:limit')!;
    expect(spill.chunks).toHaveLength(3);
    expect(readlinkSync(`/proc/self/fd/${spill.fd}`)).toMatch(/vmmsim-spill-.*\(deleted\)$/);
    expect(spillTrace(file, 'jsonl', 1000, 'test:limit', spill.bytes - 1)).toBeNull();
    expect(spillTrace(file, 'jsonl', 1000, 'test:limit', spill.bytes)).not.toBeNull();
  });

  it('is handed to worker threads, which read it back through the same descriptor instead of parsing; a changed file is parsed again', async () => {
    const { spillTrace: spillBuilt, spillHandoffs, registeredSpill } = await import('../dist/workload/traceSpill.js'); // worker threads run dist/
    const lines = Array.from({ length: 2500 }, (_, i) => JSON.stringify(i % 3 ? { op: 'compute', cycles: i } : OPS[i % 7]));
    const file = scenarioFor(lines.join('\n')).replace(/\.yaml$/, '.jsonl');
    const key = `handoff:${file}`;
    const spill = spillBuilt(file, 'jsonl', 1000, key)!;
    const { handoffs, spills } = spillHandoffs();
    expect(spills).toContain(spill);
    const handoff = handoffs.find((h) => h.key === key)!;
    expect(handoff.fd).toBe(spill.fd);
    const reply = await readInWorker(key, file, handoffs);
    expect(reply.fd).toBe(spill.fd); // this thread's descriptor, shared by the process's threads
    expect(reply.lines).toEqual(parsedOps(file));
    expect(registeredSpill(key, file)).toBe(spill);
    writeFileSync(file, `${lines.slice(1).join('\n')}\n`);
    expect(registeredSpill(key, file)).toBeUndefined(); // rewritten: not read back, parsed again
  });

  it('a trace held whole is spilled as one window when workers start, and they read it instead of parsing', async () => {
    const { spillHandoffs } = await import('../dist/workload/traceSpill.js');
    const { TraceCache: BuiltCache } = await import('../dist/workload/traceCursor.js');
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ ...(i % 2 ? { op: 'compute', cycles: i } : OPS[i % OPS.length]), ...(i % 700 === 0 ? { stream: 1 + (i % 3), t: i } : {}) }));
    const file = scenarioFor(lines.join('\n')).replace(/\.yaml$/, '.jsonl');
    const cache = new BuiltCache();
    const program = cache.program(file, 'jsonl')!;
    expect(program).not.toBeInstanceOf((await import('../dist/workload/traceSpill.js')).SpilledTrace); // held whole
    const key = `jsonl:${cache.key}:${file}`;
    const handoff = spillHandoffs().handoffs.find((h) => h.key === key)!;
    expect(handoff.chunks).toHaveLength(1);
    const reply = await readInWorker(key, file, [handoff]);
    expect(reply.lines).toEqual(parsedOps(file));
  });
});

/** In a worker thread: adopt `spills`, read the one under `key` back, and give each line's operation (as JSON) and the descriptor it read through. */
async function readInWorker(key: string, file: string, spills: unknown[]): Promise<{ fd: number; lines: string[] }> {
  const script = `
    const { parentPort, workerData } = require('node:worker_threads');
    Promise.all([import(workerData.module), import(workerData.windowModule)]).then(([{ adoptSpills, registeredSpill }, { TraceWindow }]) => {
      adoptSpills(workerData.spills);
      const spill = registeredSpill(workerData.key, workerData.file);
      const reader = spill.reader();
      const w = new TraceWindow(1);
      const out = [];
      while (reader.nextWindow(w)) for (let i = 0; i < w.length; i++) out.push(JSON.stringify([reader.shapes.get(w.shape[i]), w.lineOf(i), w.tNs?.[i] ?? null, w.switchTo?.[i] ?? null]));
      parentPort.postMessage({ fd: spill.fd, lines: out });
    });`;
  const { Worker } = await import('node:worker_threads');
  const dist = join(process.cwd(), 'dist/workload');
  return new Promise((resolve, reject) => {
    const w = new Worker(script, { eval: true, workerData: { module: `file://${dist}/traceSpill.js`, windowModule: `file://${dist}/traceWindow.js`, key, file, spills } });
    w.once('message', (m) => resolve(m as { fd: number; lines: string[] }));
    w.once('error', reject);
  });
}

/** Each line's operation, line number, timestamp and switch, as a parse of `file` in windows gives them (as readInWorker writes them). */
function parsedOps(file: string): string[] {
  const parser = new TraceParser(file, 'jsonl');
  const a = new TraceWindow(1000);
  const out: string[] = [];
  while (parser.nextWindow(a, 1000)) for (let i = 0; i < a.length; i++) out.push(JSON.stringify([parser.shapes.get(a.shape[i]), a.lineOf(i), a.tNs?.[i] ?? null, a.switchTo?.[i] ?? null]));
  parser.close();
  return out;
}

describe('a trace on worker threads', () => {
  it('a swept trace scenario gives the same records on one thread or two (workers load its points themselves, reading the trace the main thread parsed)', async () => {
    const { sweep } = await import('vmmsim'); // the built package: worker threads run dist/
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ ...OPS[i % OPS.length], ...(i % 50 === 0 ? { stream: 1 + (i % 3) } : {}) }));
    const yaml = scenarioFor(lines.join('\n'));
    writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}sweep:\n  grid:\n    cpu.vmx.vmExitCycles: [500, 1000, 1500]\n`);
    const one = await sweep(yaml, { jobs: 1 });
    expect(one).toHaveLength(3 * 4);
    expect(await sweep(yaml, { jobs: 2 })).toEqual(one);
  });

  it('runScenarios replays a trace on worker threads as runScenario does in this thread', async () => {
    const { runScenarios } = await import('../dist/run/runScenarios.js');
    const { loadScenario: load } = await import('../dist/config/load.js');
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify(OPS[(i * 5) % OPS.length]));
    const yaml = scenarioFor(lines.join('\n'));
    const loaded = load(yaml);
    const source = { file: yaml, set: [] };
    const [two] = await runScenarios([{ loaded, source }], { jobs: 2 });
    const [one] = await runScenarios([{ loaded, source }], { jobs: 1 });
    expect(toJson(two)).toBe(toJson(one));
    expect(toJson(one)).toBe(toJson(runScenario(loadScenario(yaml))));
  });
});
