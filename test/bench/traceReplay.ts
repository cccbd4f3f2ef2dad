// The bench's trace-replay section: a random JSONL trace of the seven
// nanobenchmark operations (1 M lines at full size) replayed under the four
// modes by runScenario, parsing included (a fresh parse per repetition, shared
// by the four modes as in any run), against the SimPy model's op rate of the
// same bench run; beside it the parse alone and a bare JSON.parse loop. Its
// lines repeat seven texts, so parsing is mostly a cache hit; a second trace,
// reported beside it without a target, is what a measured trace looks like:
// every other line a computation of its own length (a distinct operation).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../dist/config/load.js';
import { runScenario } from '../../dist/run/runScenario.js';
import { TraceCache } from '../../dist/workload/traceCursor.js';
import { parseTrace } from '../../dist/workload/traceProgram.js';
import { median, since } from './measure.js';

/** Lines of the trace by bench size. */
export const TRACE_LINES = { full: 1_000_000, tiny: 1000 } as const;

/** The seven Figure 4 nanobenchmark operations, as trace lines. */
const SEVEN = ['{"op":"syscall"}', '{"op":"io","dir":"in","port":128}', '{"op":"cr8write"}', '{"op":"callret"}', '{"op":"pgfault"}', '{"op":"exception","vector":"divzero"}', '{"op":"pteWrite"}'];

/** What the section measured. */
export interface TraceReplayResult {
  lines: number;
  modes: string[];
  /** Operations of one four-mode run. */
  operations: number;
  /** Median wall seconds of one four-mode run, parse included. */
  seconds: number;
  opsPerSecond: number;
  /** Median wall seconds of the parse alone, and its rate. */
  parseSeconds: number;
  parseLinesPerSecond: number;
  /** A bare JSON.parse loop over the same lines (what parsing every line would cost). */
  jsonParseLinesPerSecond: number;
  /** The SimPy model's op rate in this bench run (null: not measured) and vmmsim's over it. */
  simpyOpsPerSecond: number | null;
  overSimpy: number | null;
  /** The same measure on a trace of as many lines whose every other line is a computation of its own length (reported, no target). */
  distinct: { distinctOperations: number; operations: number; seconds: number; opsPerSecond: number; overSimpy: number | null };
}

/** Write a trace of `lines` lines, line i being `line(i, seven)` where `seven` is one of the seven operations drawn at random (xorshift from `seed`: the same file every run). */
function writeTrace(file: string, lines: number, seed: number, line: (i: number, seven: string) => string): void {
  let s = seed;
  const out: string[] = new Array(lines);
  for (let i = 0; i < lines; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = line(i, SEVEN[(s >>> 0) % 7]);
  }
  writeFileSync(file, `${out.join('\n')}\n`);
}

/** Write a random trace of the seven operations, `lines` lines. */
export function writeRandomTrace(file: string, lines: number): void {
  writeTrace(file, lines, 0x9e3779b9, (_, seven) => seven);
}

/** A trace of `lines` lines: the seven operations at random on even lines, a computation of 1,000 + i cycles on odd line i (each distinct). */
export function writeDistinctTrace(file: string, lines: number): void {
  writeTrace(file, lines, 0x2545f491, (i, seven) => (i % 2 ? `{"op":"compute","cycles":${1000 + i}}` : seven));
}

/** Measure: one warm-up, then `reps` timed four-mode runs (each parses the file anew), medians; then the SimPy rate it is compared with (`simpyNow`, measured at once). */
export function measureTraceReplay(size: keyof typeof TRACE_LINES, reps: number, simpyNow: () => number | null): TraceReplayResult {
  const dir = mkdtempSync(join(tmpdir(), 'vmmsim-bench-trace-'));
  try {
    const lines = TRACE_LINES[size];
    const trace = join(dir, 'random.jsonl');
    writeRandomTrace(trace, lines);
    const scenario = join(dir, 'replay.yaml');
    writeFileSync(scenario, 'name: bench-trace\nseed: 1\ncpu: pentium4\nvmms: [native, software, hardware, nested]\nworkloads:\n  - name: random\n    trace: random.jsonl\n');
    const loaded = loadScenario(scenario);
    const distinctTrace = join(dir, 'distinct.jsonl');
    writeDistinctTrace(distinctTrace, lines);
    writeFileSync(join(dir, 'distinct.yaml'), readFileSync(scenario, 'utf8').replace('random.jsonl', 'distinct.jsonl'));
    const loadedDistinct = loadScenario(join(dir, 'distinct.yaml'));
    const timed = (l: typeof loaded) => {
      const t0 = process.hrtime.bigint();
      const records = runScenario(l, { traces: new TraceCache() });
      return { seconds: since(t0), operations: records.reduce((a, r) => a + r.metrics.operations, 0) };
    };
    const once = () => timed(loaded);
    let run = once(); // warm-up
    const walls: number[] = [];
    const parses: number[] = [];
    const jsons: number[] = [];
    const text = readFileSync(trace, 'utf8').split('\n');
    for (let r = 0; r < reps; r++) {
      run = once();
      walls.push(run.seconds);
      let t0 = process.hrtime.bigint();
      parseTrace(trace, 'jsonl');
      parses.push(since(t0));
      t0 = process.hrtime.bigint();
      let keys = 0;
      for (const l of text) if (l !== '') keys += Object.keys(JSON.parse(l) as object).length;
      jsons.push(since(t0) + (keys < 0 ? 1 : 0));
    }
    let other = timed(loadedDistinct); // warm-up
    const otherWalls: number[] = [];
    for (let r = 0; r < reps; r++) {
      other = timed(loadedDistinct);
      otherWalls.push(other.seconds);
    }
    const seconds = median(walls);
    const opsPerSecond = run.operations / seconds;
    const otherRate = other.operations / median(otherWalls);
    const simpyOpsPerSecond = simpyNow(); // right after the timed runs: the machine's speed drifts over a bench
    return {
      lines, modes: [...loaded.scenario.vmms], operations: run.operations, seconds, opsPerSecond,
      parseSeconds: median(parses), parseLinesPerSecond: lines / median(parses), jsonParseLinesPerSecond: lines / median(jsons),
      simpyOpsPerSecond, overSimpy: simpyOpsPerSecond ? opsPerSecond / simpyOpsPerSecond : null,
      distinct: {
        distinctOperations: parseTrace(distinctTrace, 'jsonl')!.shapes.length, operations: other.operations, seconds: median(otherWalls), opsPerSecond: otherRate,
        overSimpy: simpyOpsPerSecond ? otherRate / simpyOpsPerSecond : null,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
