// Entry of `npm run bench [-- --json] [--tiny] [--reps N] [--in-process]`:
// runs the benchmark once and prints the report (text, or JSON with --json).
// Flags are parsed strictly: a misspelt one must not start a 12-minute run
// that ignores it.
import { parseArgs } from 'node:util';
import { runBench } from './harness.js';
import { formatReport } from './format.js';

const USAGE = `Usage: npm run -s bench -- [--json] [--tiny] [--reps N] [--in-process]

Builds vmmsim, times it against the bare loop and the SimPy model (when
/usr/bin/python3 has simpy), and prints every figure with a verdict line per
target of issue 13 (test/bench/README.md says what each figure counts).
A full run takes about 12 minutes on the 2-core machine.

  --json        print the report as JSON instead of text
  --tiny        every section at toy sizes, in seconds (what test/bench.test.ts runs);
                its figures are not measurements
  --reps N      repetitions, a whole number >= 1 (default 5 for the headline
                entry, at most 3 for the others; 1 with --tiny)
  --in-process  skip the sections after the entries (long runs, the sweep,
                trace replay, predict, the MMU against Python)
  -h, --help    print this and exit
`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message} (npm run -s bench -- --help lists the flags)\n`);
  process.exit(2);
}

let values: { json?: boolean; tiny?: boolean; reps?: string; 'in-process'?: boolean; help?: boolean };
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    allowPositionals: false,
    options: {
      json: { type: 'boolean' },
      tiny: { type: 'boolean' },
      reps: { type: 'string' },
      'in-process': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (e) {
  fail((e as Error).message);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const tiny = values.tiny === true;
const reps = values.reps !== undefined ? (/^[0-9]+$/.test(values.reps) ? Number(values.reps) : NaN) : tiny ? 1 : 5;
if (!(Number.isSafeInteger(reps) && reps >= 1)) fail(`--reps needs a whole number ≥ 1, not '${values.reps}'`);
const report = runBench({ size: tiny ? 'tiny' : 'full', reps, inProcessOnly: values['in-process'] === true });
process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
