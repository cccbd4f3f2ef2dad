// The committed microarch sweeps (results/microarch-sweep, the nanobenchmarks
// on every CPU preset; results/microarch-forkwait, forkwait on the presets
// with a measured native time) are what the command writes today: no number
// in them is typed in or stale.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const COMMITTED = 'results/microarch-sweep';
const REGENERATE = 'regenerate with: node dist/cli/main.js sweep scenarios/paper/microarch-sweep.yaml --out results/microarch-sweep --charts';

describe('results/microarch-sweep', () => {
  it('results.csv and summary.csv equal a fresh run of scenarios/paper/microarch-sweep.yaml', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vmmsim-microarch-')), 'out');
    const r = spawnSync(process.execPath, ['dist/cli/main.js', 'sweep', 'scenarios/paper/microarch-sweep.yaml', '--out', out, '--jobs', '1', '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const f of ['results.csv', 'summary.csv']) {
      expect(readFileSync(join(COMMITTED, f), 'utf8'), `${COMMITTED}/${f} is stale; ${REGENERATE}`).toBe(readFileSync(join(out, f), 'utf8'));
    }
  });

  it('covers every CPU preset × mode and commits its charts as SVG and PNG', () => {
    const csv = readFileSync(join(COMMITTED, 'results.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const cpus = new Set(csv.map((c) => c[6]));
    const modes = new Set(csv.map((c) => c[5]));
    expect([...cpus].sort()).toEqual(readdirSync('models/cpu').map((f) => f.replace(/\.yaml$/, '')).sort());
    expect([...modes].sort()).toEqual(['hardware', 'native', 'nested', 'software']);
    const charts = readdirSync(join(COMMITTED, 'charts')).sort();
    expect(charts).toEqual(['cycles.png', 'cycles.svg', 'lines-cpu.png', 'lines-cpu.svg', 'overhead.png', 'overhead.svg']);
    for (const c of charts.filter((n) => n.endsWith('.png'))) expect(readFileSync(join(COMMITTED, 'charts', c)).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('results/microarch-forkwait', () => {
  it('the hardware-VMM point on the Pentium 4 (shard 3 of 8) equals its committed rows', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vmmsim-forkwait-')), 'out');
    const r = spawnSync(process.execPath, ['dist/cli/main.js', 'sweep', 'scenarios/paper/microarch-forkwait.yaml', '--out', out, '--shard', '3/8', '--jobs', '1', '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const fresh = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    const committed = readFileSync('results/microarch-forkwait/results.csv', 'utf8').trim().split('\n');
    expect(fresh.slice(1).every((l) => l.startsWith('2,0,1,microarch-forkwait,forkwait,hardware,pentium4,'))).toBe(true);
    expect(committed.filter((l) => l.startsWith('2,')), `results/microarch-forkwait is stale; regenerate with: node dist/cli/main.js sweep scenarios/paper/microarch-forkwait.yaml --out results/microarch-forkwait --charts`).toEqual(fresh.slice(1));
    expect(committed[0]).toBe(fresh[0]);
    expect(new Set(committed.slice(1).map((l) => l.split(',').slice(5, 7).join('/')))).toEqual(new Set(['pentium4', 'core2'].flatMap((c) => ['native', 'software', 'hardware', 'nested'].map((m) => `${m}/${c}`))));
    expect(readdirSync('results/microarch-forkwait/charts').sort()).toEqual(['cycles.png', 'cycles.svg', 'figure5.png', 'figure5.svg', 'lines-cpu.png', 'lines-cpu.svg', 'overhead.png', 'overhead.svg', 'time-breakdown.png', 'time-breakdown.svg']);
  });
});
