// docs/report.md against the code and the committed results: its excerpt is
// in the committed table, the charts it names are committed, the flags it
// names are in --help, every paper scenario has its committed page, and the
// committed forkwait results are what the command writes today.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAPER_SCENARIOS } from '../src/cli/commands/predict.js';

const DOC = readFileSync('docs/report.md', 'utf8');
const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });
const REGENERATE = 'regenerate with: npm run results:paper';

describe('docs/report.md', () => {
  it('quotes the per-VM split exactly as the committed forkwait table shows it', () => {
    const excerpt = /From `results\/paper\/forkwait\/table\.txt`:\n\n<!-- checked: [^\n]*-->\n```text\n([\s\S]*?)```/.exec(DOC)?.[1];
    expect(excerpt).toBeDefined();
    expect(readFileSync('results/paper/forkwait/table.txt', 'utf8'), `docs/report.md is stale; copy the split from results/paper/forkwait/table.txt`).toContain(excerpt!);
  });

  it('names charts that are committed for the paper scenarios, and flags that report --help lists', () => {
    const charts = readdirSync('results/paper/forkwait/charts');
    for (const name of ['cycles', 'overhead', 'figure5', 'time-breakdown']) {
      expect(DOC).toContain(`\`${name}\``);
      expect(charts).toContain(`${name}.png`);
      expect(charts).toContain(`${name}.svg`);
    }
    const help = cli('report', '--help').stdout;
    for (const flag of ['--out', '--scenario', '--validation']) {
      expect(DOC).toContain(flag);
      expect(help).toContain(flag);
    }
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts['results:paper']).toMatch(/test\/results\/paperResults\.ts/);
  });

  it('every paper scenario has its committed results, charts and report page', () => {
    for (const name of PAPER_SCENARIOS) {
      const dir = `results/paper/${name}`;
      for (const f of ['results.json', 'results.csv', 'table.txt', 'report.html', 'charts/figure5.png', 'charts/time-breakdown.png']) {
        expect(existsSync(join(dir, f)), `${dir}/${f} is missing; ${REGENERATE}`).toBe(true);
      }
    }
  });

  it('the committed forkwait results are what vmmsim writes today', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vmmsim-docs-')), 'forkwait');
    const r = cli('run', 'scenarios/paper/forkwait.yaml', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ['results.csv', 'table.txt']) {
      expect(readFileSync(join(out, f), 'utf8'), `results/paper/forkwait/${f} is stale; ${REGENERATE}`).toBe(readFileSync(`results/paper/forkwait/${f}`, 'utf8'));
    }
  });
});
