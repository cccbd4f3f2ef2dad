// Test support: a single-node Slurm cluster on localhost, started by the test
// itself from Debian's slurm-wlm: munged on a private socket and key,
// slurmctld and slurmd in the foreground with a minimal slurm.conf in a
// temporary directory, on free ports. Nothing is installed or left running:
// stop() ends the three daemons by the process ids it started.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** A running cluster, or why none could be started. */
export type SlurmCluster =
  | { ok: true; env: NodeJS.ProcessEnv; dir: string; stop(): void }
  | { ok: false; reason: string };

/** Daemons the cluster needs, by path (Debian's slurm-wlm and munge put them in /usr/sbin). */
const DAEMONS = { munged: '/usr/sbin/munged', slurmctld: '/usr/sbin/slurmctld', slurmd: '/usr/sbin/slurmd' } as const;

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The last lines of a log file, for a failure message. */
function tail(path: string, lines = 6): string {
  if (!existsSync(path)) return '(no log)';
  return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join(' | ');
}

/**
 * Start munged, slurmctld and slurmd under `dir` and wait (up to `timeoutMs`)
 * until the node is idle in `sinfo`. Needs root (slurmd runs jobs as their
 * user). On any failure, what was started is stopped and the reason returned.
 */
export async function startSlurm(dir: string, timeoutMs = 60_000): Promise<SlurmCluster> {
  for (const [name, path] of Object.entries(DAEMONS)) if (!existsSync(path)) return { ok: false, reason: `${name} is not installed (${path}; apt-get install -y slurm-wlm munge)` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'slurmd must run as root to start jobs, and this test runs as a normal user' };
  for (const d of ['state', 'spool', 'log']) mkdirSync(join(dir, d), { recursive: true });
  const children: ChildProcess[] = [];
  const stop = () => {
    for (const c of children.reverse()) if (c.exitCode === null && c.pid !== undefined) c.kill('SIGTERM');
  };
  const fail = (reason: string): SlurmCluster => {
    stop();
    return { ok: false, reason };
  };
  const daemon = (path: string, args: string[], log: string, env: NodeJS.ProcessEnv = process.env) => {
    const c = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const chunks: string[] = [];
    c.stdout!.on('data', (b: Buffer) => chunks.push(b.toString()));
    c.stderr!.on('data', (b: Buffer) => chunks.push(b.toString()));
    c.on('exit', () => writeFileSync(join(dir, 'log', log), chunks.join('')));
    c.on('error', (e) => chunks.push(String(e)));
    children.push(c);
    return { c, output: () => chunks.join('') };
  };

  // munge: a fresh key and a private socket, so the machine's own munged (if any) is untouched.
  const key = join(dir, 'munge.key');
  writeFileSync(key, randomBytes(1024));
  chmodSync(key, 0o400);
  const socket = join(dir, 'munge.sock');
  const munged = daemon(DAEMONS.munged, ['--foreground', '--force', `--socket=${socket}`, `--key-file=${key}`,
    `--log-file=${join(dir, 'log', 'munged.log')}`, `--pid-file=${join(dir, 'munged.pid')}`, `--seed-file=${join(dir, 'munged.seed')}`], 'munged.out');
  for (let i = 0; i < 50 && !existsSync(socket); i++) {
    if (munged.c.exitCode !== null) break;
    await sleep(100);
  }
  if (!existsSync(socket)) return fail(`munged did not start: ${munged.output().trim() || tail(join(dir, 'log', 'munged.log'))}`);

  const node = hostname();
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(conf, [
    'ClusterName=vmmsimtest',
    `SlurmctldHost=${node}(127.0.0.1)`,
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${dPort}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${socket}`,
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
    `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
    // No cgroups, accounting or MPI: the fewest moving parts that run a job array.
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'MpiDefault=none',
    'SchedulerType=sched/builtin',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'ReturnToService=2',
    `NodeName=${node} NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN`,
    'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
    '',
  ].join('\n'));
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf };
  const ctld = daemon(DAEMONS.slurmctld, ['-D', '-i', '-f', conf], 'slurmctld.out', env);
  const slurmd = daemon(DAEMONS.slurmd, ['-D', '-f', conf, '-N', node], 'slurmd.out', env);
  const deadline = Date.now() + timeoutMs;
  let state = '';
  while (Date.now() < deadline) {
    if (ctld.c.exitCode !== null) return fail(`slurmctld exited with status ${ctld.c.exitCode}: ${ctld.output().trim().split('\n').slice(-4).join(' | ')}`);
    if (slurmd.c.exitCode !== null) return fail(`slurmd exited with status ${slurmd.c.exitCode}: ${slurmd.output().trim().split('\n').slice(-4).join(' | ')}`);
    const r = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8', env, timeout: 10_000 });
    state = `${r.stdout}${r.stderr}`.trim();
    if (r.status === 0 && /^idle/m.test(state)) return { ok: true, env, dir, stop };
    await sleep(500);
  }
  return fail(`the node did not become idle within ${timeoutMs / 1000} s (sinfo: ${state || 'no answer'}; slurmctld: ${tail(join(dir, 'log', 'slurmctld.log'), 3)}; slurmd: ${tail(join(dir, 'log', 'slurmd.log'), 3)})`);
}
