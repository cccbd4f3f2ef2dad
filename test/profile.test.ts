// `vmmsim profile` on real runs (no mocks): small programs whose counts are
// known, measured with perf, strace or the process tree's resource usage
// alone; the failure paths (timeout, failed command, bad import); and the
// written scenario loading and running under all four modes.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { factsOf } from '../src/profile/facts.js';
import { measure } from '../src/profile/measure.js';
import { detectTools, tracefsEvents, which } from '../src/profile/tools.js';
import { type CliResult, runCli, STACK_LINE } from './support/runCli.js';
import { requireTool } from './support/tools.js';

const needPerf = (why: string) => requireTool('perf', why, { apt: 'linux-perf', probe: ['perf', 'stat', '-e', 'page-faults', 'true'] });
/** perf's per-call counts read tracepoints, whose definitions live in tracefs: a kernel may have it without it being mounted (.ci/run mounts it). */
const needTracefs = (why: string) => requireTool('tracefs', why, {
  probe: () => tracefsEvents() !== null,
  provide: 'as root: mount -t tracefs nodev /sys/kernel/tracing',
});
const needStrace = (why: string) => requireTool('strace', why);
const needGcc = (why: string) => requireTool('gcc', why);
/** GNU time, by path: `command -v time` finds the shell keyword. */
const needTime = (why: string) => requireTool('time', why, { probe: () => existsSync('/usr/bin/time') });
const work = mkdtempSync(join(tmpdir(), 'vmmsim-profile-test-'));
const bin = (name: string) => join(work, name);
const hasGcc = which('gcc') !== null;

beforeAll(() => {
  if (!hasGcc) return;
  for (const p of ['forkwait', 'touchpages', 'getppid']) {
    const r = spawnSync('gcc', ['-O2', '-o', bin(p), `test/fixtures/profile/${p}.c`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`gcc failed on ${p}.c: ${r.stderr}`);
  }
});

/** forkwait N: the C program where gcc exists, else a shell loop of N subshells (each one fork). */
const forkwait = (n: number): string[] => (hasGcc ? [bin('forkwait'), String(n)] : ['/bin/sh', '-c', `i=0; while [ $i -lt ${n} ]; do (exit 0); i=$((i+1)); done`]);

type Entry = string | { use?: string; op?: string; count?: number; loop?: Entry[] };
/** Uses of composite `name` over a whole profile: setup once, body × repeat. */
function totalUses(yamlText: string, name: string): number {
  const proc = (parse(yamlText) as { workloads: Array<{ processes: Array<{ repeat: number; setup: Entry[]; ops: Entry[] }> }> }).workloads[0].processes[0];
  const count = (list: Entry[]): number =>
    list.reduce((s, e) => s + (typeof e === 'string' ? (e === name ? 1 : 0) : e.loop ? (e.count ?? 1) * count(e.loop) : e.use === name || e.op === name ? (e.count ?? 1) : 0), 0);
  return count(proc.setup) + proc.repeat * count(proc.ops);
}

describe('vmmsim profile on real runs', () => {
  it.skipIf(needPerf('profiles forkwait 2000') || needTracefs('counts forks by perf tracepoints'))('profile -- forkwait 2000 counts 2000 forks (±1%) and writes a scenario that runs under all four modes', async () => {
    const out = join(work, 'forkwait.yaml');
    const r = await runCli(['profile', '--out', out, '--', ...forkwait(2000)]);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(Math.abs(totalUses(text, 'fork') - 2000)).toBeLessThanOrEqual(20);
    expect(text).toMatch(/^# +command: +.*2000$/m);
    expect(text).toMatch(/^# +perf +sched:sched_process_fork +200[01] /m);
    const run = await runCli(['run', out, '--format', 'json']);
    expect(run.status, run.stderr).toBe(0);
    const records = JSON.parse(run.stdout) as Array<{ vmm: string; seconds: number; error?: string }>;
    expect(records.map((x) => x.vmm)).toEqual(['native', 'software', 'hardware', 'nested']);
    for (const x of records) expect(x.error).toBeUndefined();
  }, 120_000);

  it.skipIf(needPerf('counts the faults of touchpages') || needGcc('compiles touchpages.c'))('a program that touches N new pages makes at least N minor faults, counted by perf and by the resource usage alone', async () => {
    const n = 5000;
    for (const choice of [{ perf: true, strace: false }, { perf: false, strace: false }]) {
      const tools = detectTools(choice);
      const m = await measure([bin('touchpages'), String(n)], tools, { timeoutSeconds: 60, stdoutFd: 2 });
      const facts = factsOf(m.set, m.wrapper);
      expect(facts.minorFaults!.value, JSON.stringify(choice)).toBeGreaterThanOrEqual(n);
      expect(facts.minorFaults!.value).toBeLessThan(n + 1000);
    }
  }, 120_000);

  it.skipIf(needPerf('counts getppid calls') || needTracefs('counts getppid calls by perf tracepoints') || needStrace('counts getppid calls') || needGcc('compiles getppid.c'))('N getppid calls are counted by name, by perf tracepoints and by strace alike', async () => {
    const n = 3000;
    for (const choice of [{ perf: true, strace: false }, { perf: false, strace: true }]) {
      const tools = detectTools(choice);
      expect(choice.perf ? tools.perf?.tracepoints : tools.strace).toBeTruthy();
      const m = await measure([bin('getppid'), String(n)], tools, { timeoutSeconds: 60, stdoutFd: 2 });
      const got = factsOf(m.set, m.wrapper).syscalls!.get('getppid');
      expect(got, JSON.stringify(choice)).toBeGreaterThanOrEqual(n);
      expect(got).toBeLessThanOrEqual(n + 2);
    }
  }, 120_000);

  it.skipIf(needStrace('profiles forkwait without perf'))('without perf, strace counts the forks of forkwait (±1%) and the profile says perf was turned off', async () => {
    const out = join(work, 'forkwait-strace.yaml');
    const r = await runCli(['profile', '--no-perf', '--out', out, '--', ...forkwait(300)]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/perf: turned off \(--no-perf\)/);
    const text = readFileSync(out, 'utf8');
    expect(Math.abs(totalUses(text, 'fork') - 300)).toBeLessThanOrEqual(3);
    expect(text).toMatch(/strace -- version .* -f -c|strace.* -f -c/);
    expect((await runCli(['check', out])).status).toBe(0);
  }, 120_000);

  it('with no perf, strace or GNU time on PATH, the profile comes from the resource usage alone and says which tools were missing', async () => {
    const out = join(work, 'bare.yaml');
    const r = await runCli(['profile', '--out', out, '--', '/bin/sh', '-c', 'i=0; while [ $i -lt 50 ]; do (exit 0); i=$((i+1)); done'], { PATH: join(work, 'no-such-dir') });
    expect(r.status, r.stderr).toBe(0);
    for (const tool of ['perf: not found on PATH', 'strace: not found on PATH', 'GNU time: not found']) expect(r.stderr).toContain(tool);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# +rusage +rusage:minorFaults +\d+/m);
    expect(text).toMatch(/system calls: not measured/);
    expect((await runCli(['check', out])).status).toBe(0);
  }, 60_000);

  it('a command that runs past --timeout has its whole process group killed, and nothing is written', async () => {
    const out = join(work, 'timeout.yaml');
    const pids = join(work, 'pids');
    const r = await runCli(['profile', '--no-perf', '--no-strace', '--timeout', '1', '--out', out, '--', '/bin/sh', '-c', `echo $$ > ${pids}; sleep 30 & echo $! >> ${pids}; wait`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ran longer than --timeout 1 s; its process group was killed and nothing was written/);
    expect(existsSync(out)).toBe(false);
    // A killed process whose parent died with it may stay a zombie until init reaps it: that is not running.
    const running = (pid: number) => {
      try {
        return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false; // gone
      }
    };
    const alive = readFileSync(pids, 'utf8').trim().split('\n').map(Number).filter(running);
    expect(alive).toEqual([]);
  }, 60_000);

  it('a command that fails is reported with its exit status and writes nothing, unless --keep-failed', async () => {
    const out = join(work, 'failed.yaml');
    const r = await runCli(['profile', '--no-perf', '--no-strace', '--out', out, '--', '/bin/sh', '-c', 'exit 3']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the command exited with status 3; no profile written \(--keep-failed writes one anyway\)/);
    expect(existsSync(out)).toBe(false);
    const kept = await runCli(['profile', '--no-perf', '--no-strace', '--keep-failed', '--out', out, '--', '/bin/sh', '-c', 'exit 3']);
    expect(kept.status, kept.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^# +exit status: 3$/m);
  }, 60_000);

  it.skipIf(needTime('reports the signal that ended the command'))('a command a signal killed is reported as killed, not as exit status 0, and writes nothing, unless --keep-failed', async () => {
    // GNU time's %x is 0 for a signalled command: its "Command terminated by signal N" line says what happened.
    const out = join(work, 'killed.yaml');
    const r = await runCli(['profile', '--no-perf', '--no-strace', '--out', out, '--', '/bin/sh', '-c', 'kill -TERM $$']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/the command was killed by SIGTERM; no profile written/);
    expect(existsSync(out)).toBe(false);
    const kept = await runCli(['profile', '--no-perf', '--no-strace', '--keep-failed', '--out', out, '--', '/bin/sh', '-c', 'kill -KILL $$']);
    expect(kept.status, kept.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^# +exit status: killed by SIGKILL$/m);
  }, 60_000);
});

describe('vmmsim profile as a user without the right to trace the kernel', () => {
  // Root can drop to `nobody` (setpriv): perf_event_paranoid then limits perf to user mode and
  // forbids tracepoints. Needs a checkout that user can read.
  const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
  const readable = process.getuid?.() === 0 && which('setpriv') !== null &&
    spawnSync(asNobody[0], [...asNobody.slice(1), process.execPath, 'dist/cli/main.js', '--version'], { encoding: 'utf8' }).status === 0;
  const paranoid = existsSync('/proc/sys/kernel/perf_event_paranoid') ? Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8')) : NaN;
  if (!readable || !(paranoid >= 0)) console.log(`skipping the unprivileged profile tests: ${!readable ? 'not root, no setpriv, or the checkout is not readable by nobody' : `kernel.perf_event_paranoid=${paranoid} lets anyone trace`}`);
  const nobody = (args: string[]) => spawnSync(asNobody[0], [...asNobody.slice(1), process.execPath, 'dist/cli/main.js', ...args], { encoding: 'utf8', env: { ...process.env, TMPDIR: '/tmp' } });
  const loop = ['/bin/sh', '-c', 'i=0; while [ $i -lt 40 ]; do (exit 0); i=$((i+1)); done'];

  it.skipIf(!readable || !(paranoid >= 0) || needPerf('is refused tracepoints') || needStrace('is the fallback'))('refused perf tracepoints fall back to strace, and the message names perf_event_paranoid', () => {
    const r = nobody(['profile', '--', ...loop]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/perf tracepoints: .*kernel\.perf_event_paranoid=-?\d/);
    expect(r.stdout).toMatch(/^# +strace +strace:clone +41 /m); // the loop's 40 and GNU time's own
    expect(r.stdout).toMatch(/^# +fork \(asid 2\) × 40 /m);
  }, 120_000);

  it.skipIf(process.getuid?.() === 0 && !readable)('an unreadable --from file is exit 2 naming the file, not an internal error', () => {
    // Not in `work`, which nobody cannot enter: the file must be found, and only its reading refused.
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-profile-unreadable-'));
    let r;
    const file = join(dir, 'perf.txt');
    try {
      chmodSync(dir, 0o755);
      copyFileSync('test/fixtures/profile/perf-x.txt', file);
      chmodSync(file, 0o000);
      r = process.getuid?.() === 0 ? nobody(['profile', '--from', file]) : spawnSync(process.execPath, ['dist/cli/main.js', 'profile', '--from', file], { encoding: 'utf8' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(r.stderr).toBe(`vmmsim: ${file}: --from file cannot be read: permission denied\n`);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  }, 60_000);

  it.skipIf(!readable || !(paranoid >= 0) || needPerf('counts user mode only'))('perf limited to user mode still counts faults, and the profile takes them from the resource usage', () => {
    const r = nobody(['profile', '--no-strace', '--', ...loop]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/perf: counts user mode only \(kernel\.perf_event_paranoid=\d/);
    expect(r.stdout).toMatch(/^# +perf +page-faults:u +\d+/m);
    expect(r.stdout.replace(/\n#\s+/g, ' ')).toContain('rusage: minor faults of the process tree (perf could count user mode only)');
  }, 120_000);
});

describe('vmmsim profile names', () => {
  it('quotes the scenario name, so a command called true or null is still a name', async () => {
    const out = join(work, 'named-true.yaml');
    const r = await runCli(['profile', '--no-perf', '--no-strace', '--name', 'true', '--out', out, '--', 'true']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^name: "true"$/m);
    expect((await runCli(['check', out])).status).toBe(0);
  }, 120_000);
});

describe('vmmsim profile --from', () => {
  it('imports perf stat -x, output and strace -c output into scenarios that pass check', async () => {
    for (const f of ['perf-x', 'perf-table-en_US', 'strace-fc']) {
      const out = join(work, `from-${f}.yaml`);
      const r = await runCli(['profile', '--from', `test/fixtures/profile/${f}.txt`, '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(out, 'utf8')).toMatch(new RegExp(`^name: "${f.replaceAll('-', '\\-')}"$`, 'm'));
      expect((await runCli(['check', out])).status, f).toBe(0);
    }
  }, 60_000);

  it('an unparseable file exits 2 with file:line and writes nothing', async () => {
    const out = join(work, 'bad.yaml');
    const r = await runCli(['profile', '--from', 'test/fixtures/profile/strace-fc-bad.txt', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vmmsim: test\/fixtures\/profile\/strace-fc-bad\.txt:8:1: cannot read this line/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('refuses a directory, a missing file and a FIFO at once, naming the file', async () => {
    const fifo = join(work, 'from.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [file, why] of [[work, 'is a directory'], [join(work, 'no-such.txt'), 'not found'], [fifo, 'is not a regular file \\(a device, FIFO or socket\\)']]) {
      const r = await runCli(['profile', '--from', file]);
      expect(r.status, file).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^vmmsim: ${file}: --from file ${why}`));
      expect(r.stdout).toBe('');
    }
  }, 60_000);

  it('reads a file whose size stat does not tell (/proc/self/pagemap: 0 bytes, really the whole address space) within the limit, and fails fast', () => {
    const r = spawnSync(process.execPath, ['dist/cli/main.js', 'profile', '--from', '/proc/self/pagemap'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal, 'killed by the timeout: the file was read without a bound').toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vmmsim: \/proc\/self\/pagemap: --from file /);
  }, 60_000);

  it('a counter no run can have (negative, infinite, 10^29 events) or a summary with no rows is exit 2 at its file:line, and nothing is written', async () => {
    const perfX = readFileSync('test/fixtures/profile/perf-x.txt', 'utf8');
    const table = readFileSync('test/fixtures/profile/perf-table-en_US.txt', 'utf8');
    const cases: Array<[string, string, RegExp]> = [
      ['negative.txt', perfX.replace(/^3861,,page-faults/m, '-5,,page-faults'), /:3:1: page-faults -5 is negative/],
      ['task-clock.txt', perfX.replace(/^39\.90,msec,task-clock/m, '-1,msec,task-clock'), /:8:1: task-clock -1 msec is negative/],
      ['absurd.txt', perfX.replace(/^3861,,page-faults/m, `1${'0'.repeat(29)},,page-faults`), /:3:1: page-faults 1×10\^29 is more than/],
      ['infinite.txt', table.replace(/^ +14,801 +page-faults/m, `14${',999'.repeat(110)}      page-faults`), /:6:1: page-faults: the value is too large to be a number/],
      ['header-only.txt', readFileSync('test/fixtures/profile/strace-fc.txt', 'utf8').split('\n').slice(0, 2).join('\n'), /:1:1: the strace -c summary counts no system call/],
    ];
    for (const [name, text, why] of cases) {
      const from = join(work, name);
      writeFileSync(from, text);
      const out = join(work, `${name}.yaml`);
      const r = await runCli(['profile', '--from', from, '--out', out]);
      expect(r.status, name).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^vmmsim: ${from}${why.source}`));
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
  }, 60_000);

  it('counts that each pass but add up past what a scenario replays are exit 2 naming the file, not an internal error', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => `  1.00    0.001000           1  900000000000           call${i}\n`).join('');
    const from = join(work, 'adds-up.txt');
    writeFileSync(from, `% time     seconds  usecs/call     calls    errors syscall\n------ ----------- ----------- --------- --------- ----------------\n${rows}`);
    const r = await runCli(['profile', '--from', from]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^vmmsim: ${from}: the counts add up to 4\\.5×10\\^12 × syscallShort over the run, more than the 10\\^12 a scenario can replay`));
    expect(r.stdout).toBe('');
  }, 60_000);

  it('a profile longer than run\'s default limits is written, with the flags that run it', async () => {
    const big = 999_999_999_999;
    const from = join(work, 'long-run.txt');
    writeFileSync(from, readFileSync('test/fixtures/profile/perf-x.txt', 'utf8').replace(/^3861,,(page|minor)-faults/gm, `${big},,$1-faults`));
    const out = join(work, 'long-run.yaml');
    const r = await runCli(['profile', '--from', from, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const flag = /run it with (--max-ops \d+)/.exec(r.stderr);
    expect(flag, r.stderr).not.toBeNull();
    const check = await runCli(['check', out, '--no-estimate', ...flag![1].split(' '), ...(/run it with (--max-sim-seconds \d+)/.exec(r.stderr)?.[1].split(' ') ?? [])]);
    expect(check.status, check.stderr).toBe(0);
  }, 60_000);

  it('a counter named like an Object property (constructor, __proto__, toString) is an ordinary counter, not an internal error', async () => {
    const perfX = readFileSync('test/fixtures/profile/perf-x.txt', 'utf8');
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'syscalls:sys_enter_constructor', 'syscalls:sys_enter___proto__'];
    for (const name of names) {
      const from = join(work, `object-name-${name.replace(/\W/g, '_')}.txt`);
      writeFileSync(from, `${perfX}5,,${name},39899510,100.00,,\n`);
      const out = join(work, `object-name-${name.replace(/\W/g, '_')}.yaml`);
      const r = await runCli(['profile', '--from', from, '--out', out]);
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(readFileSync(out, 'utf8')).toContain(name);
      expect((await runCli(['check', out, '--no-estimate'])).status, name).toBe(0);
    }
  }, 60_000);

  it('a wall time too short for a finite rate shows no rate rather than Infinity', async () => {
    const from = join(work, 'short.txt');
    writeFileSync(from, readFileSync('test/fixtures/profile/perf-table-en_US.txt', 'utf8').replace('0.842433010 seconds time elapsed', `0.${'0'.repeat(320)}1 seconds time elapsed`));
    const r = await runCli(['profile', '--from', from]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/Infinity|NaN/);
  }, 60_000);

  it('refuses a --timeout longer than a timer holds and a --name too long for a file name, as bad flags', async () => {
    // Node fires a timer of more than 2^31 − 1 ms at once: the command would be killed at its start.
    const long = await runCli(['profile', '--timeout', '2147484', '--no-perf', '--no-strace', '--', 'true']);
    expect(long.status).toBe(2);
    expect(long.stderr).toMatch(/--timeout <seconds>' argument '2147484' is invalid\. expected at most 2,147,483 seconds/);
    const name = await runCli(['profile', '--from', 'test/fixtures/profile/perf-x.txt', '--name', 'x'.repeat(300)]);
    expect(name.status).toBe(2);
    expect(name.stderr).toMatch(/--name <name>' argument 'x+' is invalid\. expected a name of at most 100 characters, got 300/);
    expect(name.stderr).not.toMatch(STACK_LINE);
    const fits = await runCli(['profile', '--from', 'test/fixtures/profile/perf-x.txt', '--name', 'y'.repeat(100)]);
    expect(fits.status, fits.stderr).toBe(0);
    expect(fits.stdout).toContain(`name: "${'y'.repeat(100)}"`);
  }, 60_000);

  it('refuses both --from and a command, and neither', async () => {
    writeFileSync(join(work, 'x.txt'), '');
    expect((await runCli(['profile', '--from', 'test/fixtures/profile/perf-x.txt', '--', 'true'])).status).toBe(2);
    const none = await runCli(['profile']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/nothing to profile/);
  }, 60_000);
});

describe('vmmsim profile --out', () => {
  /** runCli from working directory `cwd`. */
  const runCliIn = (cwd: string, args: string[]) => new Promise<CliResult>((resolve) => {
    execFile(process.execPath, [join(process.cwd(), 'dist/cli/main.js'), ...args], { cwd, encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ status: err ? Number(err.code) : 0, stdout, stderr, ms: 0 }));
  });
  /** One paragraph naming --out, exit 2, no stack trace. */
  const refused = (r: { status: number; stderr: string }, why: RegExp) => {
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^vmmsim: --out\b/);
    expect(r.stderr).toMatch(why);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK_LINE);
  };

  it('refuses a name that is not a file name, or a directory, before importing anything, and writes nothing', async () => {
    const dir = mkdtempSync(join(work, 'out-'));
    mkdirSync(join(dir, 'existing'));
    symlinkSync('existing', join(dir, 'link-to-dir'));
    const cases: Array<[string, RegExp]> = [
      ['', /got an empty string/],
      ['.', /names a directory/],
      ['..', /names a directory/],
      ['sub/', /names a directory/],
      ['existing/.', /names a directory/],
      ['/', /names a directory/],
      ['existing', /is a directory/],
      ['link-to-dir', /is a symbolic link to a directory/],
      ['a\\b.yaml', /backslash/],
      ['.vmmsim.lock', /a name vmmsim keeps for its own files/],
      ['.vmmsim.json', /a name vmmsim keeps for its own files/],
    ];
    for (const [out, why] of cases) {
      // run in `dir`, so a relative name that slipped through would land there
      const r = await runCliIn(dir, ['profile', '--from', join(process.cwd(), 'test/fixtures/profile/perf-x.txt'), '--out', out]);
      refused(r, why);
      expect(r.stderr, out).not.toMatch(/read \d+ counters/); // refused before the import
    }
    expect(readdirSync(dir).sort()).toEqual(['existing', 'link-to-dir']);
    expect(readdirSync(join(dir, 'existing'))).toEqual([]);
  }, 60_000);

  it('refuses a bad --out before running the command', async () => {
    const marker = join(work, 'ran-marker');
    const r = await runCli(['profile', '--no-perf', '--no-strace', '--out', '', '--', '/bin/sh', '-c', `touch ${marker}`]);
    refused(r, /got an empty string/);
    expect(existsSync(marker)).toBe(false);
  }, 60_000);

  it('refuses an existing FIFO, leaving it a FIFO, and overwrites an existing regular file', async () => {
    const dir = mkdtempSync(join(work, 'fifo-'));
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    refused(await runCli(['profile', '--from', 'test/fixtures/profile/perf-x.txt', '--out', fifo]), /exists and is a FIFO, not a regular file/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    const file = join(dir, 'old.yaml');
    writeFileSync(file, 'old\n');
    const ok = await runCli(['profile', '--from', 'test/fixtures/profile/perf-x.txt', '--out', file]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^name: "perf-x"$/m);
  }, 60_000);
});
