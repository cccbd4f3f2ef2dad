// One bench entry measured in a process of its own, as `vmmsim run` runs one
// scenario (harness.ts spawns it: `node --import tsx entryProcess.ts ID SIZE
// REPS CAP`). In one process for all entries, V8's feedback from the
// entries timed before made the later ones' call sites polymorphic, and
// their op-by-op rates moved by up to 40% with what ran before them (test/bench/README.md,
// "Each entry in a process of its own"). Prints JSON: the entry's figures
// and, with CAP > 0, the costs recorded from it for the references.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { costTable, measureWorkload, type CostRun, type WorkloadResult } from './measure.js';
import type { BenchSize } from './sections.js';
import { BENCH_WORKLOADS } from './workloads.js';

/** What the process prints. */
export interface EntryOutput {
  result: WorkloadResult;
  runs: CostRun[];
  /** This process's peak RSS. */
  peakRssMB: number;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [id, size, reps, cap] = process.argv.slice(2);
const entry = BENCH_WORKLOADS.find((w) => w.id === id);
if (entry === undefined || (size !== 'full' && size !== 'tiny') || !(Number(reps) >= 1) || !(Number(cap) >= 0)) {
  process.stderr.write(`entryProcess: usage: ID full|tiny REPS CAP (got ${process.argv.slice(2).join(' ')})\n`);
  process.exit(2);
}
const result = measureWorkload(root, entry, size as BenchSize, Number(reps));
const runs = Number(cap) > 0 ? costTable(root, entry, size as BenchSize, Number(cap)) : [];
const out: EntryOutput = { result, runs, peakRssMB: process.resourceUsage().maxRSS / 1024 };
process.stdout.write(JSON.stringify(out));
