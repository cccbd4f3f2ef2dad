// `vmmsim merge DIR… --out DIR`: combine the shard directories of one sweep
// into one results directory, byte-identical to running the sweep unsharded.
import { checkChartable, workloadCount } from '../../report/chartLimit.js';
import { Command } from 'commander';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../config/errors.js';
import { DEFAULT_LIMITS } from '../../config/limits.js';
import type { ResultRecord } from '../../run/record.js';
import { replicateSeed } from '../../config/sweep.js';
import { checkTaskRecords, readManifest, readTask, taskPath, writeManifest, writeTask, type RecordIdentity, type SweepManifest, type TaskExpectation, type TaskFile } from '../sweepStore.js';
import { identityOf, OutputDir } from '../files.js';
import { resultsBytesOption } from './common.js';
import { SWEEP_FILES, writeSweepOutputs } from './outputs.js';

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
      // Merging into a shard would turn it into the merged sweep (its sweep.json rewritten, the other shards'
      // points added): a failure half-way leaves neither, and the shard can no longer be merged again.
      const outPath = canonical(opts.out);
      const shard = dirs.find((d) => canonical(d) === outPath);
      if (shard !== undefined) throw new InputError(`names the shard directory ${shard}; merge into a new directory, so the shards stay as they are`, { source: `--out ${opts.out}` });
      const manifests = dirs.map((d) => ({ dir: d, m: readManifest(d, maxBytes) }));
      const first = manifests[0];
      for (const { dir, m } of manifests) {
        if (m.sweep !== first.m.sweep) {
          throw new InputError(`holds a different sweep (${m.scenario}, ${m.tasks} tasks, id ${m.sweep}) from ${first.dir} ` +
            `(${first.m.scenario}, ${first.m.tasks} tasks, id ${first.m.sweep}); only shards of the same sweep can be merged`, { source: dir });
        }
      }
      // Every task file is checked before anything is written: its shape, and that it holds the
      // records the sweep's other tasks say it should (replicates of a point, points of the sweep).
      const tasks: TaskFile[] = [];
      const missing: number[] = [];
      const checker = new SweepConsistency();
      for (let t = 0; t < first.m.tasks; t++) {
        const found = findTask(manifests.map((x) => x.dir), first.m, t, checker, maxBytes);
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
      const out = OutputDir.claim(opts.out, identity, { force: opts.force, subdirs: opts.charts ? ['points', 'charts'] : ['points'], files: SWEEP_FILES });
      out.lock();
      try {
        out.write({}, SWEEP_FILES);
        for (const tf of tasks) writeTask(out, tf);
        writeManifest(out, { ...first.m, shard: null });
        await writeSweepOutputs(out, tasks.flatMap((tf) => tf.records), { charts: opts.charts });
      } finally {
        out.release();
      }
    });
}

/** `dir` with links resolved when it exists (so two spellings of one directory compare equal), else its absolute path. */
function canonical(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

/**
 * Task `t` from the first directory that holds it with the manifest's
 * fingerprint (failed tasks included), or null. A file of the task that
 * cannot be read, is not valid JSON or does not hold the task's records is
 * an InputError naming it, in whichever directory it is.
 */
function findTask(dirs: readonly string[], m: SweepManifest, t: number, checker: SweepConsistency, maxBytes: number): TaskFile | null {
  const where = { index: t, point: Math.floor(t / m.replicates), replicate: t % m.replicates };
  let found: TaskFile | null = null;
  for (const dir of dirs) {
    const expect = checker.expect(where);
    const tf = readTask(dir, where, m.fingerprints[t], expect, maxBytes);
    if (tf && !found) {
      found = tf;
      checker.add(taskPath(dir, where), tf);
    }
  }
  return found;
}

/**
 * What a task of a sweep must hold, from the tasks read before it (in task
 * order): a later replicate what replicate 0 of its point holds, with its own
 * replicate number and seed; replicate 0 of a later point what point 0 holds,
 * except what its swept keys may change (workloads, modes, scenario name, cpu,
 * seed); every task the same components or none. Without the scenario, this
 * is as much as merge can know.
 */
class SweepConsistency {
  /** Replicate 0 of each point read so far. */
  private readonly zeros = new Map<number, { path: string; records: ResultRecord[] }>();
  /** Whether the first task that did not fail records components. */
  private components: boolean | undefined;

  /** The expectation for task `t` (see readTask). */
  expect(t: { point: number; replicate: number }): TaskExpectation {
    const zero = this.zeros.get(t.point);
    if (t.replicate === 0 || !zero) return { records: null, components: this.components };
    const seed = replicateSeed(zero.records[0].seed, t.replicate);
    return { records: zero.records.map((r) => ({ ...recordIdentity(r), replicate: t.replicate, seed })), from: ` as in ${zero.path}`, components: this.components };
  }

  /** Check task `tf` (read from `path`, already checked against {@link expect}) against point 0, and remember it. */
  add(path: string, tf: TaskFile): void {
    if (tf.replicate === 0) {
      const zero = this.zeros.get(0);
      if (zero && tf.point !== 0) checkTaskRecords(path, tf.records, likePointZero(zero.records, zero.path, tf, path), ` as in ${zero.path}`);
      this.zeros.set(tf.point, { path, records: tf.records });
    }
    const ok = tf.records.find((r) => r.error === undefined);
    if (ok && this.components === undefined) this.components = ok.components !== undefined;
  }
}

/** The identity fields of a record. */
function recordIdentity(r: ResultRecord): RecordIdentity {
  const { scenario, point, params, replicate, workload, vmm, cpu, seed } = r;
  return { scenario, point, params, replicate, workload, vmm, cpu, seed };
}

/**
 * The records replicate 0 of `tf`'s point (read from `path`) holds if it is a
 * point of the same sweep as point 0 (`zero`, read from `zeroPath`): the
 * same swept keys, and what no swept key can change equal to point 0's.
 */
function likePointZero(zero: readonly ResultRecord[], zeroPath: string, tf: TaskFile, path: string): RecordIdentity[] {
  const own = tf.records[0];
  const swept = Object.keys(zero[0].params);
  const keys = (p: ResultRecord['params']) => Object.keys(p).sort().join(', ');
  if (keys(own.params) !== keys(zero[0].params)) {
    throw new InputError(`expected the swept keys ${keys(zero[0].params) || '(none)'} as in ${zeroPath}, got ${keys(own.params) || '(none)'}`, { source: path }, ['records', 0, 'params']);
  }
  const varies = (k: string) => swept.some((s) => s === k || s.startsWith(`${k}.`));
  const units = varies('workloads') || varies('vmm') || varies('vmms') ? tf.records : zero;
  return units.map((r) => ({
    scenario: (varies('name') ? own : zero[0]).scenario,
    point: tf.point,
    params: own.params,
    replicate: 0,
    workload: r.workload,
    vmm: r.vmm,
    cpu: (varies('cpu') ? own : zero[0]).cpu,
    seed: (varies('seed') ? own : zero[0]).seed,
  }));
}
