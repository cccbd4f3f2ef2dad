// `vmmsim merge DIR… --out DIR`: combine the shard directories of one sweep
// into one results directory, byte-identical to running the sweep unsharded.
import { checkChartable, workloadCount } from '../../report/chartLimit.js';
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { InputError } from '../../config/errors.js';
import { DEFAULT_LIMITS } from '../../config/limits.js';
import { readJsonFile, readManifest, taskPath, writeManifest, writeTask, type SweepManifest, type TaskFile } from '../sweepStore.js';
import { identityOf, OutputDir } from '../files.js';
import { resultsBytesOption } from './common.js';
import { writeSweepOutputs } from './outputs.js';

interface MergeOptions {
  out: string;
  charts: boolean;
  force: boolean;
  maxResultsBytes?: number;
}

/** The `merge` command. */
export function mergeCommand(): Command {
  return new Command('merge')
    .description('merge the --out directories of the shards of one sweep (vmmsim sweep --shard i/n) into one results directory')
    .argument('<dirs...>', 'shard results directories (each holds sweep.json and points/)')
    .requiredOption('-o, --out <dir>', 'merged results directory')
    .option('--charts', 'also render charts (SVG and PNG) into DIR/charts', false)
    .option('--force', 'write into --out even if it holds results of a different scenario or files vmmsim did not write', false)
    .addOption(resultsBytesOption())
    .action(async (dirs: string[], opts: MergeOptions) => {
      const maxBytes = opts.maxResultsBytes ?? DEFAULT_LIMITS.maxResultBytes;
      const manifests = dirs.map((d) => ({ dir: d, m: readManifest(d, maxBytes) }));
      const first = manifests[0];
      for (const { dir, m } of manifests) {
        if (m.sweep !== first.m.sweep) {
          throw new InputError(`holds a different sweep (${m.scenario}, ${m.tasks} tasks, id ${m.sweep}) from ${first.dir} ` +
            `(${first.m.scenario}, ${first.m.tasks} tasks, id ${first.m.sweep}); only shards of the same sweep can be merged`, { source: dir });
        }
      }
      const tasks: TaskFile[] = [];
      const missing: number[] = [];
      for (let t = 0; t < first.m.tasks; t++) {
        const found = findTask(manifests.map((x) => x.dir), first.m, t, maxBytes);
        if (found) tasks.push(found);
        else missing.push(t);
      }
      if (missing.length > 0) {
        const t = missing[0];
        throw new InputError(`${missing.length} of ${first.m.tasks} tasks have no results in ${dirs.join(', ')} (first: point ` +
          `${Math.floor(t / first.m.replicates)}, replicate ${t % first.m.replicates}); run the missing shards, then merge again`, { source: 'merge' });
      }
      if (opts.charts) checkChartable(workloadCount(tasks.flatMap((tf) => tf.records)), '--charts'); // before --out is claimed
      // The shards' scenario identity claims --out, as the unsharded sweep would have.
      // (Shards without one are claimed under the sweep's id.)
      const identity = identityOf(first.dir) ?? { scenario: first.m.scenario, hash: `sweep:${first.m.sweep}` };
      const out = OutputDir.claim(opts.out, identity, { force: opts.force });
      out.lock();
      try {
        out.write({});
        for (const tf of tasks) writeTask(out, tf);
        writeManifest(out, { ...first.m, shard: null });
        await writeSweepOutputs(out, tasks.flatMap((tf) => tf.records), { charts: opts.charts });
      } finally {
        out.release();
      }
    });
}

/**
 * Task `t` from the first directory that holds it with the manifest's
 * fingerprint (failed tasks included), or null. A task file that cannot be
 * read or is not valid JSON is an InputError naming it: the task is there,
 * damaged, and rerunning its shard is not the remedy.
 */
function findTask(dirs: readonly string[], m: SweepManifest, t: number, maxBytes: number): TaskFile | null {
  const where = { point: Math.floor(t / m.replicates), replicate: t % m.replicates };
  for (const dir of dirs) {
    const path = taskPath(dir, where);
    if (!existsSync(path)) continue;
    const tf = readJsonFile(path, 'task', maxBytes) as TaskFile;
    if (tf.fingerprint === m.fingerprints[t] && Array.isArray(tf.records)) return tf;
  }
  return null;
}
