// One bench entry measured in a process of its own, as `vmmsim run` runs one
// scenario. harness.ts spawns it compiled, in plain Node (`node
// build/bench/entryProcess.js ID SIZE REPS CAP [--pair]`); vitest's tiny
// bench, from the sources (`node --import tsx test/bench/entryProcess.ts …`).
// In one process for all entries, V8's feedback from the entries timed
// before made the later ones' call sites polymorphic, and their op-by-op
// rates moved by up to 40% with what ran before them (test/bench/README.md,
// "Each entry in a process of its own"). Prints JSON: the entry's figures
// (none with REPS 0) and, with CAP > 0, the costs recorded from it for the
// references. With --pair, stdin holds costs recorded before (by another
// process: recording here would change V8's feedback before the timing) and
// the SimPy model is timed on them in the same rounds as vmmsim (pairing.ts).
import { readFileSync } from 'node:fs';
import { costTable, measureWorkload, tableCycles, type CostRun, type Partner, type WorkloadResult } from './measure.js';
import { SimpyPartner } from './pairing.js';
import { BENCH_DIR, REPO_ROOT } from './paths.js';
import type { BenchSize } from './sections.js';
import { BENCH_WORKLOADS } from './workloads.js';

/** The SimPy model as timed beside the entry (--pair). */
export interface PairedSimpy {
  available: boolean;
  missing?: string;
  version?: string;
  /** Per recorded run (stdin's order): whether SimPy's simulated end equalled the run's summed costs, every time. */
  chargedTable: boolean[];
}

/** What the process prints. */
export interface EntryOutput {
  result: WorkloadResult | null;
  runs: CostRun[];
  simpy?: PairedSimpy;
  /** This process's peak RSS. */
  peakRssMB: number;
  /** Node's options of this process (none as `npm run bench` runs it: no loader such as tsx's, which slows vmmsim). */
  execArgv: string[];
}

const pair = process.argv.includes('--pair');
const [id, size, reps, cap] = process.argv.slice(2).filter((a) => a !== '--pair');
const entry = BENCH_WORKLOADS.find((w) => w.id === id);
if (entry === undefined || (size !== 'full' && size !== 'tiny') || !(Number(reps) >= 0) || !(Number(cap) >= 0)) {
  process.stderr.write(`entryProcess: usage: ID full|tiny REPS CAP [--pair] (got ${process.argv.slice(2).join(' ')})\n`);
  process.exit(2);
}
let simpy: PairedSimpy | undefined;
let partner: Partner | undefined;
let close = () => {};
if (pair) {
  const recorded = JSON.parse(readFileSync(0, 'utf8')) as CostRun[];
  const started = await SimpyPartner.start(BENCH_DIR, recorded);
  if ('missing' in started) simpy = { available: false, missing: started.missing, chargedTable: [] };
  else {
    const { partner: p, version } = started;
    const sims = { available: true, version, chargedTable: recorded.map(() => true) };
    simpy = sims;
    const sums = recorded.map(tableCycles);
    partner = (mode) => {
      const k = recorded.findIndex((r) => r.mode === mode);
      if (k < 0) return null;
      return p.time(k).then((t) => {
        if (t.end !== sums[k]) sims.chargedTable[k] = false;
        return t.seconds;
      });
    };
    close = () => p.close();
  }
}
try {
  const result = Number(reps) > 0 ? await measureWorkload(REPO_ROOT, entry, size as BenchSize, Number(reps), partner) : null;
  const runs = Number(cap) > 0 ? costTable(REPO_ROOT, entry, size as BenchSize, Number(cap)) : [];
  const out: EntryOutput = { result, runs, ...(simpy ? { simpy } : {}), peakRssMB: process.resourceUsage().maxRSS / 1024, execArgv: process.execArgv };
  process.stdout.write(JSON.stringify(out));
} finally {
  close();
}
