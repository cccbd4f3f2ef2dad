// The Slurm recipe of the distributed-runs docs, run for real: a single-node
// Slurm on localhost (started by test/support/slurmCluster.ts), the job-array
// script submitted with sbatch (one shard per array task), then merge; the
// merged directory must be byte-identical to the unsharded sweep.
//
// Needs slurm-wlm (sbatch, slurmctld, slurmd, munged) and root. Without
// sbatch it skips off CI and fails in CI (test/support/tools.ts). If Slurm is
// installed but cannot start in this sandbox, it skips with the reason, in CI
// too: the one skip CI allows.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSlurm, type SlurmCluster } from './support/slurmCluster.js';
import { requireTool } from './support/tools.js';
import { tree } from './support/tree.js';

const CLI = resolve('dist/cli/main.js');
const SCENARIO = 'test/fixtures/sweep/small.yaml';
const SHARDS = 3;

/** The page holding the Slurm recipe: the distributed-runs docs page once it exists, else the README. */
const RECIPE_PAGE = existsSync('docs/distributed.md') ? 'docs/distributed.md' : 'README.md';

/** The recipe: the job-array script (the sh block with #SBATCH --array) and the merge command after it. */
function recipe(): { script: string; merge: string } {
  const text = readFileSync(RECIPE_PAGE, 'utf8');
  const script = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('#SBATCH --array'));
  const after = script === undefined ? '' : text.slice(text.indexOf(script) + script.length);
  const merge = /`(vmmsim merge out\/shard-\* --out out\/all[^`]*)`/.exec(after)?.[1];
  if (script === undefined || merge === undefined) throw new Error(`${RECIPE_PAGE} has no Slurm recipe (an sh block with #SBATCH --array, then \`vmmsim merge out/shard-* …\`)`);
  return { script, merge };
}

const needsSlurm = requireTool('sbatch', 'runs the Slurm job-array recipe on a single-node Slurm on localhost', { apt: 'slurm-wlm' });
const base = mkdtempSync(join(tmpdir(), 'vmmsim-slurm-'));
const cluster: SlurmCluster | null = needsSlurm ? null : await startSlurm(join(base, 'cluster'));
if (cluster !== null && !cluster.ok) console.warn(`vmmsim test: skipped (Slurm is installed but could not start here: ${cluster.reason})`);

afterAll(() => {
  if (cluster?.ok) cluster.stop();
});

describe('Slurm', () => {
  it('the recipe is an sbatch job array over --shard, then merge', () => {
    const { script, merge } = recipe();
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toContain('--shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}"');
    expect(merge).toBe('vmmsim merge out/shard-* --out out/all --charts');
  });

  it.skipIf(!cluster?.ok)('the job array (sbatch --array, one shard per task) then merge gives files byte-identical to the unsharded sweep', () => {
    if (!cluster?.ok) return;
    const { script, merge } = recipe();
    const work = join(base, 'work');
    const bin = join(base, 'bin');
    mkdirSync(work);
    mkdirSync(bin);
    // `vmmsim` on PATH, as after `npm install -g`; jobs inherit the environment (sbatch --export=ALL).
    writeFileSync(join(bin, 'vmmsim'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
    chmodSync(join(bin, 'vmmsim'), 0o755);
    copyFileSync(SCENARIO, join(work, 'scen.yaml'));
    writeFileSync(join(work, 'sweep.sbatch'), script);
    const env = { ...cluster.env, PATH: `${bin}:${cluster.env.PATH}` };
    // The recipe as written, with the array and cores this one-node, 2-CPU cluster has
    // (options on the command line override the script's #SBATCH lines); --wait returns when the array has finished.
    const sb = spawnSync('sbatch', ['--wait', `--array=1-${SHARDS}`, '--cpus-per-task=1', `--chdir=${work}`, `--output=${join(work, 'slurm-%A_%a.out')}`, 'sweep.sbatch'],
      { cwd: work, env, encoding: 'utf8', timeout: 240_000 });
    const logs = readdirSync(work).filter((f) => f.startsWith('slurm-')).map((f) => `${f}: ${readFileSync(join(work, f), 'utf8')}`).join('\n');
    expect(sb.status, `${sb.stdout}${sb.stderr}\n${logs}`).toBe(0);
    expect(sb.stdout).toMatch(/^Submitted batch job \d+/);
    expect(readdirSync(join(work, 'out')).sort()).toEqual(Array.from({ length: SHARDS }, (_, i) => `shard-${i + 1}`));
    const m = spawnSync('bash', ['-c', merge], { cwd: work, env, encoding: 'utf8', timeout: 120_000 });
    expect(m.status, m.stderr).toBe(0);
    const ref = spawnSync('vmmsim', ['sweep', 'scen.yaml', '--out', 'unsharded', '--charts', '--jobs', '1', '--quiet'], { cwd: work, env, encoding: 'utf8', timeout: 120_000 });
    expect(ref.status, ref.stderr).toBe(0);
    const merged = tree(join(work, 'out', 'all'));
    expect(Object.keys(merged)).toContain('charts/cycles.png');
    expect(merged).toEqual(tree(join(work, 'unsharded')));
  }, 600_000);
});
