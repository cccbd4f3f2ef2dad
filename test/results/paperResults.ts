// Regenerates the committed results of the paper scenarios: for each one in
// scenarios/paper/ listed by `vmmsim predict`, results/paper/NAME/ gets
// results.json, results.csv and table.txt (run --out), charts/ with the
// Figure 5 form and where the time goes (SVG and PNG), and report.html (the
// self-contained page; it shows results/validation.md when that exists).
//
//   npm run results:paper            (builds first; a few minutes on one core)
//   npm run results:paper -- forkwait apache-lin     (only these)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PAPER_SCENARIOS } from '../../src/cli/commands/predict.js';

const CLI = 'dist/cli/main.js';
const VALIDATION = 'results/validation.md';

function vmmsim(args: string[]): void {
  process.stderr.write(`vmmsim ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`paperResults: vmmsim ${args[0]} failed (status ${r.status})\n`);
    process.exit(1);
  }
}

const names = process.argv.slice(2);
for (const n of names) {
  if (!(PAPER_SCENARIOS as readonly string[]).includes(n)) {
    process.stderr.write(`paperResults: no paper scenario named ${n} (one of ${PAPER_SCENARIOS.join(', ')})\n`);
    process.exit(2);
  }
}
for (const name of names.length ? names : PAPER_SCENARIOS) {
  const scenario = `scenarios/paper/${name}.yaml`;
  const out = `results/paper/${name}`;
  vmmsim(['run', scenario, '--out', out, '--charts', '--force']);
  vmmsim(['report', out, '--scenario', scenario, ...(existsSync(VALIDATION) ? ['--validation', VALIDATION] : [])]);
}
