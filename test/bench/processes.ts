// Measurements that need a process of their own, run on the built CLI
// (dist/): peak memory of a long run, and a sweep at --jobs 1 vs --jobs 2.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, since } from './measure.js';

/** One CLI invocation's cost. */
export interface ProcessRun {
  args: string[];
  exitCode: number;
  wallSeconds: number;
  /** Peak resident set of the process, MB (process.resourceUsage().maxRSS). */
  peakRssMB: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `vmmsim ARGS` from dist/ in a fresh Node process that reports its own
 * peak RSS when the command returns (no dependency on /usr/bin/time).
 */
export function runCli(root: string, args: readonly string[]): ProcessRun {
  const program = pathToFileURL(join(root, 'dist/cli/program.js')).href;
  const script = [
    `import { main } from ${JSON.stringify(program)};`,
    'const code = await main(JSON.parse(process.env.VMMSIM_BENCH_ARGS));',
    'process.stderr.write(`\\nVMMSIM_BENCH_RSS ${process.resourceUsage().maxRSS}\\n`);',
    'process.exitCode = code;',
  ].join('\n');
  const t0 = process.hrtime.bigint();
  const p = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, VMMSIM_BENCH_ARGS: JSON.stringify(args) },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const wallSeconds = since(t0);
  const m = /VMMSIM_BENCH_RSS (\d+)/.exec(p.stderr ?? '');
  return {
    args: [...args],
    exitCode: p.status ?? -1,
    wallSeconds,
    peakRssMB: m ? Number(m[1]) / 1024 : NaN,
    stdout: p.stdout ?? '',
    stderr: (p.stderr ?? '').replace(/\nVMMSIM_BENCH_RSS \d+\n/, ''),
  };
}

/** A long run: operations, time and peak memory. */
export interface LongRunResult {
  label: string;
  operations: number;
  wallSeconds: number;
  peakRssMB: number;
  /** The same scenario at `smallOperations`, for comparison: memory should not grow with run length. */
  smallOperations: number;
  smallPeakRssMB: number;
  error?: string;
}

/**
 * `vmmsim run SCENARIO` with every workload's repeat set so the run totals
 * about `operations` guest operations (`opsPerIteration` per iteration of
 * each workload), and again at `smallOperations` to show memory is flat.
 */
export function longRun(root: string, label: string, scenario: string, workloads: number, opsPerIteration: number, operations: number, smallOperations: number): LongRunResult {
  const at = (total: number) => {
    const repeat = Math.max(1, Math.ceil(total / (workloads * opsPerIteration)));
    const sets = Array.from({ length: workloads }, (_, i) => ['--set', `workloads.${i}.repeat=${repeat}`]).flat();
    const run = runCli(root, ['run', join(root, scenario), '--format', 'json', '--set', 'vmms=[native]', ...sets]);
    const ops = run.exitCode === 0 ? (JSON.parse(run.stdout) as Array<{ metrics: { operations: number } }>).reduce((a, r) => a + r.metrics.operations, 0) : 0;
    return { run, ops };
  };
  const small = at(smallOperations);
  const big = at(operations);
  const failed = [small, big].find((x) => x.run.exitCode !== 0);
  return {
    label,
    operations: big.ops,
    wallSeconds: big.run.wallSeconds,
    peakRssMB: big.run.peakRssMB,
    smallOperations: small.ops,
    smallPeakRssMB: small.run.peakRssMB,
    ...(failed ? { error: `vmmsim exited ${failed.run.exitCode}: ${failed.run.stderr.trim().split('\n')[0]}` } : {}),
  };
}

/** Sweep speed-up from worker threads. */
export interface SweepResult {
  available: boolean;
  missing?: string;
  points: number;
  secondsJobs1: number;
  secondsJobs2: number;
  /** `--jobs 1` wall / `--jobs 2` wall of each repetition (its two runs back to back), median over repetitions. */
  speedup: number;
  /**
   * The reference for the speed-up: two `--jobs 1` processes started
   * together, each on half the tasks (`--shard 1/2`, `--shard 2/2`), wall
   * until both end (median), and `--jobs 1` wall / that wall of each
   * repetition (median): what two independent processes reach, each with
   * its own module load and JIT warm-up, on the same machine at the same
   * time. NaN when a shard failed.
   */
  secondsShards: number;
  speedupShards: number;
  /** CPU seconds (all threads) of each, NaN without GNU time: how much work the worker threads added. */
  cpuSecondsJobs1: number;
  cpuSecondsJobs2: number;
  /** results.csv of both runs byte-identical (determinism across thread counts). */
  identical: boolean;
  /**
   * Cores that other processes kept busy during the runs (median over every
   * run; NaN where /proc/stat or GNU time is missing): above about 0.1, the
   * walls and so the speed-up are those of a shared machine.
   */
  otherCores: number;
  error?: string;
}

/** Busy CPU seconds of the whole machine since boot, from /proc/stat (NaN elsewhere). */
function machineBusySeconds(): number {
  try {
    // cpu  user nice system idle iowait irq softirq steal …, in USER_HZ (100 a second on Linux)
    const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq) / 100;
  } catch {
    return NaN;
  }
}

/** GNU time, when installed: it reports a child's CPU seconds, which Node cannot. */
const GNU_TIME = '/usr/bin/time';

/**
 * `vmmsim ARGS` from dist/ as a plain process (worker threads inherit no
 * extra Node flags): wall time, and CPU seconds (user + system, all threads)
 * when GNU time is installed (else NaN).
 */
function runPlainCli(root: string, args: readonly string[]): { exitCode: number; wallSeconds: number; cpuSeconds: number; otherCores: number; stderr: string } {
  const cli = [process.execPath, join(root, 'dist/cli/main.js'), ...args];
  const timed = existsSync(GNU_TIME);
  const busy0 = machineBusySeconds();
  const t0 = process.hrtime.bigint();
  const p = timed
    ? spawnSync(GNU_TIME, ['-f', 'VMMSIM_BENCH_CPU %U %S', ...cli], { encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cli[0], cli.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallSeconds = since(t0);
  const busy = machineBusySeconds() - busy0;
  const m = /VMMSIM_BENCH_CPU ([\d.]+) ([\d.]+)/.exec(p.stderr ?? '');
  const cpuSeconds = m ? Number(m[1]) + Number(m[2]) : NaN;
  return { exitCode: p.status ?? -1, wallSeconds, cpuSeconds, otherCores: Math.max(0, (busy - cpuSeconds) / wallSeconds), stderr: p.stderr ?? '' };
}

/**
 * `vmmsim sweep FILE --jobs 1` and `--jobs 2`, `reps` times each alternately;
 * median walls. Each repetition also times two `--shard` processes side by
 * side, unless `shards` is false (their figures are then NaN).
 */
export function sweepSpeedup(root: string, scenario: string, points: number, sets: readonly string[], reps: number, shards = true): SweepResult {
  const none = { points, secondsJobs1: 0, secondsJobs2: 0, speedup: 0, secondsShards: NaN, speedupShards: NaN, cpuSecondsJobs1: NaN, cpuSecondsJobs2: NaN, identical: false, otherCores: NaN };
  if (runPlainCli(root, ['sweep', '--help']).exitCode !== 0) return { ...none, available: false, missing: '`vmmsim sweep` is not on this checkout' };
  const file = join(root, scenario);
  if (!existsSync(file)) return { ...none, available: false, missing: `${scenario} is not on this checkout` };
  const walls: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const cpu: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const csv: Record<1 | 2, string> = { 1: '', 2: '' };
  const others: number[] = [];
  const shardWalls: number[] = [];
  for (let r = 0; r < reps; r++) {
    shardWalls.push(shards ? twoShards(root, file, sets) : NaN);
    for (const jobs of [1, 2] as const) {
      const out = mkdtempSync(join(tmpdir(), 'vmmsim-bench-sweep-'));
      try {
        const run = runPlainCli(root, ['sweep', file, '--out', out, '--jobs', String(jobs), '--quiet', ...sets.flatMap((s) => ['--set', s])]);
        if (run.exitCode !== 0) return { ...none, available: true, error: `sweep --jobs ${jobs} exited ${run.exitCode}: ${run.stderr.trim().split('\n')[0]}` };
        walls[jobs].push(run.wallSeconds);
        cpu[jobs].push(run.cpuSeconds);
        others.push(run.otherCores);
        csv[jobs] = readFileSync(join(out, 'results.csv'), 'utf8');
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
  }
  const s1 = median(walls[1]);
  const s2 = median(walls[2]);
  return {
    available: true, points, secondsJobs1: s1, secondsJobs2: s2, speedup: pairedSpeedup(walls[1], walls[2]),
    secondsShards: median(shardWalls), speedupShards: pairedSpeedup(walls[1], shardWalls),
    cpuSecondsJobs1: median(cpu[1]), cpuSecondsJobs2: median(cpu[2]), identical: csv[1] === csv[2] && csv[1].length > 0, otherCores: median(others),
  };
}

/** Wall seconds of `vmmsim sweep FILE --jobs 1 --shard 1/2` and `--shard 2/2` started together, until both end; NaN if either fails. */
function twoShards(root: string, file: string, sets: readonly string[]): number {
  const outs = [1, 2].map(() => mkdtempSync(join(tmpdir(), 'vmmsim-bench-shard-')));
  const cli = (i: 1 | 2) => [process.execPath, join(root, 'dist/cli/main.js'), 'sweep', file, '--out', outs[i - 1], '--jobs', '1', '--shard', `${i}/2`, '--quiet', ...sets.flatMap((x) => ['--set', x])];
  const quote = (args: string[]) => args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // Both in the background of one shell, which exits non-zero if either did.
  const script = `${quote(cli(1))} & a=$!; ${quote(cli(2))}; b=$?; wait $a; exit $(( $? | b ))`;
  try {
    const t0 = process.hrtime.bigint();
    const p = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const wall = since(t0);
    return p.status === 0 ? wall : NaN;
  } finally {
    for (const o of outs) rmSync(o, { recursive: true, force: true });
  }
}

/**
 * The speed-up of repetitions whose two runs (`jobs1[r]`, then `jobs2[r]`)
 * followed each other: each repetition's ratio, then their median, so the
 * machine's speed moving between repetitions (by up to 2× over minutes
 * here) does not enter it, as it would a ratio of the two medians.
 */
export function pairedSpeedup(jobs1: readonly number[], jobs2: readonly number[]): number {
  return median(jobs1.map((w, r) => w / jobs2[r]));
}

/** `vmmsim predict` timed as a user runs it. */
export interface PredictResult {
  args: string[];
  wallSeconds: number;
  /** CPU seconds of all threads (NaN without GNU time); over wall, the cores it kept busy. */
  cpuSeconds: number;
  threads: number;
  error?: string;
}

/** `vmmsim predict --no-write` (every paper scenario, every mode, both CPUs; `scenarios` narrows it) on all cores: wall and CPU seconds. */
export function predictWall(root: string, scenarios: string | null): PredictResult {
  const args = ['predict', '--no-write', ...(scenarios ? ['--scenarios', scenarios] : [])];
  const run = runPlainCli(root, args);
  return {
    args, wallSeconds: run.wallSeconds, cpuSeconds: run.cpuSeconds, threads: availableParallelism(),
    ...(run.exitCode !== 0 ? { error: `vmmsim predict exited ${run.exitCode}: ${run.stderr.trim().split('\n')[0]}` } : {}),
  };
}
