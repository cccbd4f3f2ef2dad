// Entry of `npm run bench [-- --json] [--tiny] [--reps N]`: runs the
// benchmark once and prints the report (text, or JSON with --json).
import { REPO_ROOT, runBench } from './harness.js';
import { formatReport } from './format.js';
import { formatExtraSections, runExtraSections } from './extraSections.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const repsAt = argv.indexOf('--reps');
const tiny = flag('--tiny');
const reps = repsAt >= 0 ? Number(argv[repsAt + 1]) : tiny ? 1 : 5;
if (!(Number.isInteger(reps) && reps >= 1)) {
  process.stderr.write('bench: --reps needs a whole number ≥ 1\n');
  process.exit(2);
}
const size = tiny ? 'tiny' : 'full';
const report = runBench({ size, reps });
const extra = runExtraSections({ root: REPO_ROOT, size, reps: Math.min(reps, 3), simpyOpsPerSecond: report.simpy.available ? report.simpy.opsPerSecond : null, sweep: report.sweep });
process.stdout.write(flag('--json') ? `${JSON.stringify({ ...report, extraSections: extra }, null, 2)}\n` : formatReport(report) + formatExtraSections(extra));
