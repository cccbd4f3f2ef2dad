// Issue 14: the failure classes that involve writing or reading a results
// directory — writes through a linked points/ or a linked manifest entry,
// unbounded reads of results.json and points/*.json, temporary files left by
// a full disk or a kill, two commands on one --out, and directories vmmsim
// did not write. Each case asserts the exit status, the message, no stack
// trace, and that nothing outside --out was written or deleted.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepPlanned, type SweepOptions } from '../src/cli/commands/sweep.js';
import { workerCount } from '../src/run/workerPool.js';
import { planOf } from '../src/cli/commands/common.js';
import { InputError } from '../src/config/errors.js';
import { runCli, STACK_LINE } from './support/runCli.js';
import { runMain } from './support/runMain.js';

const FOUR = 'test/fixtures/sweep/four-points.yaml';
const GOOD = 'test/fixtures/ok.yaml';
/** The corpus CPU-time rule: bad input is refused within a second of CPU. */
const CPU_MS = 1000;

let root = '';
let outside = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vmmsim-rel-'));
  outside = join(root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, '000000-r000.json'), 'precious');
  writeFileSync(join(outside, 'v.txt'), 'precious');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Names, sizes and contents' first bytes of the files in `dir` (recursive, links not followed). */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => {
      const p = join(e.parentPath, e.name);
      return e.isFile() ? `${p}:${readFileSync(p, 'utf8').slice(0, 40)}` : `${p}:special`;
    })
    .sort();
}

/** Files under `dir` whose names mark a staged temporary file or a lock. */
function leftovers(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String).filter((p) => /(^|\/)\.vmmsim-tmp-|\.vmmsim\.lock$/.test(p));
}

const sweep = (out: string, ...more: string[]) => runMain(['sweep', FOUR, '--out', out, '--quiet', '--jobs', '1', ...more]);

describe('class 2: no write or delete follows a link below --out', () => {
  const linkedSubdir = (out: string, sub: string) =>
    `vmmsim: --out ${out}: ${join(out, sub)} is a symbolic link, and vmmsim writes its ${sub}/ only inside the results directory, never through a link; remove the link (or choose another --out)\n`;

  it('a sweep whose points/ was replaced by a link to another directory is refused before it runs: exit 2, one line, nothing written there', async () => {
    const out = join(root, 'out');
    expect((await sweep(out)).status).toBe(0);
    rmSync(join(out, 'points'), { recursive: true });
    symlinkSync(outside, join(out, 'points'));
    const before = snapshot(outside);
    const r = await sweep(out);
    expect(r.stderr).toBe(linkedSubdir(out, 'points'));
    expect(r.status).toBe(2);
    expect(r.cpuMs).toBeLessThan(CPU_MS);
    expect(snapshot(outside)).toEqual(before);
    expect(leftovers(out)).toEqual([]);
  });

  it('run --charts with DIR/charts a link to another directory is refused before simulating: exit 2, nothing written', async () => {
    const out = join(root, 'out');
    mkdirSync(out);
    symlinkSync(outside, join(out, 'charts'));
    const before = snapshot(outside);
    const r = await runMain(['run', GOOD, '--out', out, '--charts']);
    expect(r.stderr).toBe(linkedSubdir(out, 'charts'));
    expect(r.status).toBe(2);
    expect(snapshot(outside)).toEqual(before);
    expect(readdirSync(out)).toEqual(['charts']);
    // Without --charts nothing is written into charts/, and the link is left alone (DIR is not empty: --force).
    expect((await runMain(['run', GOOD, '--out', out, '--force'])).status).toBe(0);
    expect(snapshot(outside)).toEqual(before);
  });

  it('a regular file where a sweep writes points/ is refused before it runs: exit 2', async () => {
    const out = join(root, 'out');
    expect((await sweep(out)).status).toBe(0);
    rmSync(join(out, 'points'), { recursive: true });
    writeFileSync(join(out, 'points'), 'x');
    const r = await sweep(out);
    expect(r.stderr).toBe(`vmmsim: --out ${out}: ${join(out, 'points')} is a regular file where vmmsim writes its points/ directory; remove it (or choose another --out)\n`);
    expect(r.status).toBe(2);
    expect(readFileSync(join(out, 'points'), 'utf8')).toBe('x');
  });

  it('plot into a charts/ that is a link to another directory is refused before rendering: exit 2', async () => {
    const out = join(root, 'out');
    expect((await runMain(['run', GOOD, '--out', out])).status).toBe(0);
    symlinkSync(outside, join(out, 'charts'));
    const before = snapshot(outside);
    const r = await runMain(['plot', out]);
    expect(r.stderr).toBe(`vmmsim: ${out}: ${join(out, 'charts')} is a symbolic link, and vmmsim writes its charts/ only inside the results directory, never through a link; remove the link (or choose another --out)\n`);
    expect(r.status).toBe(2);
    expect(snapshot(outside)).toEqual(before);
  });

  it('a resumed sweep never reads a task file that is a link (it may point out of DIR): the task is rerun and the link replaced', async () => {
    const out = join(root, 'out');
    expect((await sweep(out)).status).toBe(0);
    const task = join(out, 'points', '000000-r000.json');
    const good = readFileSync(task, 'utf8');
    rmSync(task);
    symlinkSync(join(outside, '000000-r000.json'), task);
    const before = snapshot(outside);
    const r = await runMain(['sweep', FOUR, '--out', out, '--jobs', '1']); // not --quiet: what it says of the task is the point
    expect(r.stderr).toMatch(new RegExp(`^vmmsim: rerunning a stored task whose file cannot be trusted \\(${task}: task file is a symbolic link, which vmmsim never reads through; expected the JSON file a sweep wrote\\)\n` +
      `vmmsim: resuming: 3 of 4 tasks already finished in ${out}\n`));
    expect(r.stderr).not.toContain('precious');
    expect(r.status).toBe(0);
    expect(snapshot(outside)).toEqual(before);
    expect(lstatSync(task).isFile()).toBe(true);
    expect(readFileSync(task, 'utf8')).toBe(good);
  });

  it('merge into a directory whose points/ is a link writes nothing through it', async () => {
    const shards = [join(root, 's1'), join(root, 's2')];
    for (const [i, s] of shards.entries()) expect((await sweep(s, '--shard', `${i + 1}/2`)).status).toBe(0);
    const merged = join(root, 'merged');
    expect((await runMain(['merge', ...shards, '--out', merged])).status).toBe(0);
    rmSync(join(merged, 'points'), { recursive: true });
    symlinkSync(outside, join(merged, 'points'));
    const before = snapshot(outside);
    const r = await runMain(['merge', ...shards, '--out', merged]);
    expect(r.stderr).toBe(linkedSubdir(merged, 'points'));
    expect(r.status).toBe(2);
    expect(snapshot(outside)).toEqual(before);
  });

  it('a directory where a sweep or run writes a file (sweep.json, results.json) is refused before the run: exit 2, nothing written', async () => {
    const out = join(root, 'out');
    expect((await sweep(out)).status).toBe(0);
    rmSync(join(out, 'sweep.json'));
    mkdirSync(join(out, 'sweep.json'));
    const before = snapshot(out);
    const r = await sweep(out);
    expect(r.stderr).toBe(`vmmsim: --out ${out}: ${join(out, 'sweep.json')} is a directory where vmmsim writes its file sweep.json; remove it (or choose another --out)\n`);
    expect(r.status).toBe(2);
    expect(snapshot(out)).toEqual(before);
    const ran = join(root, 'ran');
    expect((await runMain(['run', GOOD, '--out', ran])).status).toBe(0);
    rmSync(join(ran, 'table.txt'));
    mkdirSync(join(ran, 'table.txt'));
    const r2 = await runMain(['run', GOOD, '--out', ran]);
    expect(r2.stderr).toBe(`vmmsim: --out ${ran}: ${join(ran, 'table.txt')} is a directory where vmmsim writes its file table.txt; remove it (or choose another --out)\n`);
    expect(r2.status).toBe(2);
  });

  it('merge into one of its own shards is refused before anything is read or written, however the directory is spelled', async () => {
    const shards = [join(root, 's1'), join(root, 's2')];
    for (const [i, s] of shards.entries()) expect((await sweep(s, '--shard', `${i + 1}/2`)).status).toBe(0);
    symlinkSync(shards[1], join(root, 'alias'));
    const before = snapshot(root);
    for (const out of [shards[0], `${shards[1]}/`, join(root, 'alias'), join(root, 's1', '..', 's1')]) {
      const r = await runMain(['merge', ...shards, '--out', out]);
      expect(r.stderr).toMatch(new RegExp(`^vmmsim: --out ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: names the shard directory ${root}/s[12]; merge into a new directory, so the shards stay as they are\n$`));
      expect(r.status).toBe(2);
    }
    expect(snapshot(root)).toEqual(before);
  });

  it('--force over another scenario never deletes through a linked directory its manifest lists', async () => {
    const out = join(root, 'out');
    mkdirSync(out);
    symlinkSync(outside, join(out, 'lnk'));
    writeFileSync(join(out, '.vmmsim.json'), JSON.stringify({ tool: 'vmmsim', scenario: 'other', hash: 'sha256:0', files: ['lnk/v.txt', 'results.csv'] }));
    const before = snapshot(outside);
    const r = await runMain(['run', GOOD, '--out', out, '--force']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(snapshot(outside)).toEqual(before);
  });
});

describe('class 4: results files are read only when regular and within --max-results-bytes', () => {
  const plot = async (dir: string, ...more: string[]) => runMain(['plot', dir, ...more]);

  it.each([
    ['linked to /dev/zero', (p: string) => symlinkSync('/dev/zero', p)],
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p])],
  ])('plot with results.json %s exits 2 at once', async (_name, make) => {
    const dir = join(root, 'res');
    mkdirSync(dir);
    make(join(dir, 'results.json'));
    const r = await plot(dir);
    expect(r.stderr).toBe(`vmmsim: ${join(dir, 'results.json')}: results.json file is not a regular file (a device, FIFO or socket); expected a JSON file\n`);
    expect(r.status).toBe(2);
    expect(r.cpuMs).toBeLessThan(CPU_MS);
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  it('plot with a results.json over --max-results-bytes is refused by its size', async () => {
    const dir = join(root, 'res');
    expect((await runMain(['run', GOOD, '--out', dir])).status).toBe(0);
    const size = statSync(join(dir, 'results.json')).size;
    const r = await plot(dir, '--max-results-bytes', '100');
    expect(r.stderr).toBe(`vmmsim: ${join(dir, 'results.json')}: results.json file is ${size.toLocaleString('en-US')} bytes; the limit is 100 bytes (raise it with --max-results-bytes)\n`);
    expect(r.status).toBe(2);
  });

  it('plot and report refuse numbers no run gives (a negative count, 1e308 seconds), which drew NaN and Infinity', async () => {
    const dir = join(root, 'res');
    expect((await runMain(['run', GOOD, '--out', dir])).status).toBe(0);
    const good = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Array<Record<string, unknown>>;
    for (const [key, value, message] of [['seconds', 1e308, 'expected at most 10^100 in magnitude: no run gives more, and statistics and charts over it would overflow'], ['cycles', -5, 'Too small: expected number to be >=0']] as const) {
      writeFileSync(join(dir, 'results.json'), JSON.stringify(good.map((r, i) => (i === 0 ? { ...r, [key]: value } : r))));
      for (const r of [await plot(dir), await runMain(['report', dir, '--out', join(root, 'page.html')])]) {
        expect(r.stderr).toBe(`vmmsim: ${join(dir, 'results.json')}: [0].${key}: ${message}; expected result records as vmmsim run --out or sweep writes them\n`);
        expect(r.status).toBe(2);
      }
    }
    expect(readdirSync(dir).filter((f) => f === 'charts' || f.endsWith('.html'))).toEqual([]);
    expect(existsSync(join(root, 'page.html'))).toBe(false);
  });

  it('plot --out into a directory of files vmmsim did not write is refused unless --force, and marks a directory it writes', async () => {
    const dir = join(root, 'res');
    expect((await runMain(['run', GOOD, '--out', dir])).status).toBe(0);
    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'cycles.svg'), 'precious');
    const r = await plot(dir, '--out', mine);
    expect(r.stderr).toBe(`vmmsim: --out ${mine}: is not empty and was not written by vmmsim (no .vmmsim-shared; it holds cycles.svg); expected an empty or new directory, or one vmmsim wrote before (pass --force to write into it anyway)\n`);
    expect(r.status).toBe(2);
    expect(readdirSync(mine)).toEqual(['cycles.svg']);
    expect(readFileSync(join(mine, 'cycles.svg'), 'utf8')).toBe('precious');
    expect((await plot(dir, '--out', mine, '--force')).status).toBe(0);
    expect(readFileSync(join(mine, 'cycles.svg'), 'utf8')).toMatch(/^<svg/);
    // Written once, the directory is vmmsim's: plotting into it again needs no --force, and the marker is not printed.
    const again = await plot(dir, '--out', mine);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain('.vmmsim-shared');
    expect(existsSync(join(mine, '.vmmsim-shared'))).toBe(true);
  });

  it('plot on records of the wrong shape is bad input (exit 2), not an internal error', async () => {
    const dir = join(root, 'res');
    mkdirSync(dir);
    writeFileSync(join(dir, 'results.json'), '[{"scenario": "x", "point": 0}]');
    const r = await plot(dir);
    expect(r.stderr).toBe(`vmmsim: ${join(dir, 'results.json')}: [0].params: Invalid input: expected record, received undefined; expected result records as vmmsim run --out or sweep writes them\n`);
    expect(r.status).toBe(2);
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  it('a sweep resuming over a FIFO in points/ does not hang: the task is rerun and the FIFO replaced', async () => {
    const out = join(root, 'out');
    expect((await sweep(out)).status).toBe(0);
    const task = join(out, 'points', '000000-r000.json');
    rmSync(task);
    execFileSync('mkfifo', [task]);
    const r = await sweep(out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(statSync(task).isFile()).toBe(true);
  });

  it('merge reading a FIFO as a shard task refuses it, naming it, instead of hanging', async () => {
    const s = join(root, 's1');
    expect((await sweep(s, '--shard', '1/1')).status).toBe(0);
    const task = join(s, 'points', '000001-r000.json');
    rmSync(task);
    execFileSync('mkfifo', [task]);
    const r = await runMain(['merge', s, '--out', join(root, 'merged')]);
    expect(r.stderr).toBe(`vmmsim: ${task}: task file is not a regular file (a device, FIFO or socket); expected a JSON file\n`);
    expect(r.status).toBe(2);
    expect(r.cpuMs).toBeLessThan(CPU_MS);
  });
});

describe('class 6: no temporary file outlives a failure, a kill or an interrupt', () => {
  it('a full disk during run --out: one I/O line, exit 1, nothing left, and the next run is not refused', async () => {
    const out = join(root, 'out');
    const r = await runMain(['run', GOOD, '--out', out], { VMMSIM_INJECT_FAULT: 'enospc' });
    expect(r.stderr).toMatch(new RegExp(`^vmmsim: cannot write results to ${out}: no space left on the device \\(\\S+\\); nothing was written\n$`));
    expect(r.status).toBe(1);
    expect(existsSync(out)).toBe(false);
    const again = await runMain(['run', GOOD, '--out', out]);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
  });

  it('a full disk during a sweep is the one-line I/O error, not an internal error', async () => {
    const out = join(root, 'out');
    const r = await sweep(out);
    expect(r.status).toBe(0);
    rmSync(join(out, 'points', '000002-r000.json'));
    const full = await runMain(['sweep', FOUR, '--out', out, '--quiet', '--jobs', '1'], { VMMSIM_INJECT_FAULT: 'enospc' });
    expect(full.stderr).toMatch(new RegExp(`^vmmsim: cannot write results to ${out}: no space left on the device \\(\\S+\\); nothing was written\n$`));
    expect(full.status).toBe(1);
    expect(leftovers(out)).toEqual([]);
  });

  it('temporary files a killed run left are removed by the next run, which is not refused', async () => {
    const out = join(root, 'out');
    mkdirSync(out);
    writeFileSync(join(out, `.vmmsim-tmp-999999-dead`), 'x'.repeat(1 << 20)); // all a run killed while writing leaves
    const r = await runMain(['run', GOOD, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(leftovers(out)).toEqual([]);
  });

  it('temporary files a killed sweep left in points/ are removed when it resumes', async () => {
    const out = join(root, 'out');
    expect((await sweep(out)).status).toBe(0);
    writeFileSync(join(out, 'points', `.vmmsim-tmp-999999-dead`), 'half a task');
    const r = await sweep(out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(leftovers(out)).toEqual([]);
  });

  it('SIGINT during a sweep: exit 130, the lock released, no temporary file, and a rerun resumes', async () => {
    const file = join(root, 'slow.yaml');
    writeFileSync(file, 'name: slow\nvmms: [native]\nworkloads:\n  - name: a\n    repeat: 200000\n    ops: [syscall, callret]\n' +
      'sweep:\n  grid:\n    cpu.native.syscallCycles: [' + Array.from({ length: 300 }, (_, i) => 100 + i).join(', ') + ']\n');
    const out = join(root, 'out');
    const child = spawn(process.execPath, ['dist/cli/main.js', 'sweep', file, '--out', out, '--quiet', '--jobs', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && !(existsSync(join(out, 'points')) && readdirSync(join(out, 'points')).length >= 2); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toBe(`vmmsim: interrupted (SIGINT); finished tasks are kept in ${out}/points, rerun the same command to resume\n`);
    expect(leftovers(out)).toEqual([]);
    const done = readdirSync(join(out, 'points')).length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(300);
  }, 60_000);

  it('SIGINT while files are staged: the write finishes (or never began), then the signal ends the process; no temporary file', async () => {
    const out = join(root, 'out');
    const script = `import { writeInside } from ${JSON.stringify(join(process.cwd(), 'dist/cli/files.js'))};\n` +
      "const big = 'x'.repeat(64 << 20);\nconsole.log('staging');\nwriteInside(process.argv[1], { 'a.txt': big, 'b.txt': big });\nconsole.log('written');\nsetTimeout(() => {}, 5000);\n";
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, out], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    await new Promise<void>((resolve) => child.stdout.on('data', (d) => {
      stdout += String(d);
      if (stdout.includes('staging')) resolve();
    }));
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(leftovers(out)).toEqual([]);
    if (existsSync(out)) expect(readdirSync(out).map((f) => `${f}:${statSync(join(out, f)).size}`).sort()).toEqual([`a.txt:${64 << 20}`, `b.txt:${64 << 20}`]);
  }, 60_000);

  it('a sweep killed with SIGKILL leaves a stale lock that the next sweep takes over', async () => {
    const out = join(root, 'out');
    expect((await sweep(out)).status).toBe(0);
    // What kill -9 leaves: the lock of a process that is gone, a half-written task.
    const dead = Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$" ; true']).toString().trim());
    writeFileSync(join(out, '.vmmsim.lock'), JSON.stringify({ pid: dead, host: hostname(), since: 'then' }) + '\n');
    writeFileSync(join(out, 'points', '.vmmsim-tmp-1-x'), 'half');
    const r = await sweep(out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(leftovers(out)).toEqual([]);
  });
});

describe('a lock on --out: two commands never work on one directory at once', () => {
  it('a sweep on a directory a live vmmsim holds is refused with exit 2, and writes nothing', async () => {
    const out = join(root, 'out');
    expect((await sweep(out)).status).toBe(0);
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(join(out, '.vmmsim.lock'), JSON.stringify({ pid: holder.pid, host: hostname(), since: '2026-01-01T00:00:00Z' }) + '\n');
      const before = snapshot(out);
      const r = await sweep(out);
      expect(r.stderr).toBe(`vmmsim: --out ${out}: is being written by another vmmsim (pid ${holder.pid} on ${hostname()}, since 2026-01-01T00:00:00Z); ` +
        `two commands must not work on one results directory: wait for it to finish, choose another --out, or remove ${join(out, '.vmmsim.lock')} if that process is gone\n`);
      expect(r.status).toBe(2);
      expect(r.stderr).not.toMatch(STACK_LINE);
      expect(snapshot(out)).toEqual(before);
    } finally {
      holder.kill();
    }
  });

  it('two real sweeps started together on one directory: one finishes, the other is refused', async () => {
    const file = join(root, 'slow.yaml');
    // Memory streams (the MMU model simulates every access; nothing is charged at once): about 2 s of work, so the
    // two commands overlap even when one starts late on a loaded machine (counted runs, charged at once, took 0.7 s).
    writeFileSync(file, 'name: slow\nvmms: [native]\nworkloads:\n  - name: a\n    repeat: 8\n    ops: [{ op: memory, accesses: 20000, workingSetBytes: 4194304 }]\n' +
      'sweep:\n  grid:\n    cpu.native.syscallCycles: [' + Array.from({ length: 40 }, (_, i) => 100 + i).join(', ') + ']\n');
    const out = join(root, 'out');
    const [a, b] = await Promise.all([0, 1].map(() => runCli(['sweep', file, '--out', out, '--quiet', '--jobs', '1'])));
    expect([a.status, b.status].sort()).toEqual([0, 2]);
    expect([a, b].find((r) => r.status === 2)!.stderr).toMatch(/^vmmsim: --out \S+: is being written by another vmmsim \(pid \d+ on /);
    expect(readdirSync(join(out, 'points')).filter((f) => f.endsWith('.json'))).toHaveLength(40);
    expect(leftovers(out)).toEqual([]);
  }, 60_000);

  it('runs started at once on one new directory each write their results or are refused as busy, never for another reason', async () => {
    // Races this found: a run's check of a directory another had just created ("a file is in the way"), and a
    // run's check removing the files another had staged under its lock (exit 1 after the whole run). Timing
    // decides whether a round meets them, so several rounds of several runs.
    for (let round = 0; round < 4; round++) {
      const out = join(root, `race${round}`);
      const results = await Promise.all([0, 1, 2, 3, 4].map(() => runCli(['run', GOOD, '--out', out])));
      for (const r of results) {
        if (r.status !== 0) expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/^vmmsim: --out \S+: is being written by another vmmsim \(pid \d+ on /)]);
      }
      expect(results.some((r) => r.status === 0)).toBe(true);
      expect(leftovers(out)).toEqual([]);
    }
  }, 60_000);
});

describe('class 3: limits passed while a sweep runs on worker threads', () => {
  it('is bad input (exit 2, located), not an internal error', async () => {
    const file = join(root, 'events.yaml');
    writeFileSync(file, readFileSync('test/corpus/events-runtime.yaml', 'utf8') + 'sweep:\n  grid:\n    cpu.native.syscallCycles: [100, 200]\n');
    const out = join(root, 'out');
    const r = await runCli(['sweep', file, '--out', out, '--quiet', '--jobs', '2', '--models', 'test/corpus/models', '--max-events', '30']); // worker threads need the built CLI
    expect(r.stderr).toBe(`vmmsim: ${file}:6:5: workloads[0]: workload "a" passed the limit of 30 simulation events under software ` +
      '(the estimate before the run was lower; shorten the run, or raise the limit with --max-events)\n');
    expect(r.status).toBe(2);
    expect(leftovers(out)).toEqual([]);
  }, 60_000);
});

describe('class 9: directories vmmsim did not write, --jobs, --out', () => {
  it.each([
    ['reproduce', ['reproduce', 'nanobench']],
    ['predict', ['predict', '--scenarios', 'forkwait']],
  ])('%s --out refuses a non-empty directory vmmsim did not write before simulating, and --force writes', async (_name, args) => {
    const dir = join(root, 'thesis');
    mkdirSync(dir);
    writeFileSync(join(dir, 'chapter1.tex'), 'mine');
    const r = await runMain([...args, '--out', dir]);
    expect(r.stderr).toBe(`vmmsim: --out ${dir}: is not empty and was not written by vmmsim (no .vmmsim-shared; it holds chapter1.tex); ` +
      'expected an empty or new directory, or one vmmsim wrote before (pass --force to write into it anyway)\n');
    expect(r.status).toBe(2);
    expect(r.cpuMs).toBeLessThan(CPU_MS);
    expect(readdirSync(dir)).toEqual(['chapter1.tex']);
  });

  it('reproduce writes into an empty directory and marks it, so a second run needs no --force', async () => {
    const dir = join(root, 'res');
    expect((await runMain(['reproduce', 'nanobench', '--out', dir])).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['.vmmsim-shared', 'nanobench.csv', 'nanobench.md']);
    expect((await runMain(['reproduce', 'nanobench', '--out', dir])).status).toBe(0);
  });

  it('--format figure5 on a sweep heads each point with its swept values', async () => {
    const r = await runMain(['run', FOUR, '--format', 'figure5']);
    expect(r.status).toBe(0);
    const heads = r.stdout.split('\n').filter((l) => l.startsWith('four-points / '));
    expect(heads).toHaveLength(4);
    expect(new Set(heads).size).toBe(4);
    expect(heads[2]).toMatch(/^four-points \/ syscall on pentium4 \[cpu\.native\.syscallCycles=300\] — overhead versus native/);
  });

  it('a scenario name that is a spreadsheet formula reaches the CSV as text, not as a formula', async () => {
    const file = join(root, 'formula.yaml');
    writeFileSync(file, 'name: "=HYPERLINK(\\"http://x\\",\\"y\\")"\nworkloads:\n  - name: a\n    ops: [syscall]\n');
    const r = await runMain(['run', file, '--format', 'csv']);
    expect(r.status).toBe(0);
    const cells = r.stdout.split('\n')[1];
    expect(cells).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(cells.split(',').some((c) => /^"?=/.test(c))).toBe(false);
  });

  it('--jobs is capped at the number of cores', () => {
    expect(workerCount(10_000, 2)).toBe(2);
    expect(workerCount(1, 2)).toBe(1);
    expect(workerCount(undefined, 8)).toBe(8);
  });

  it('--out "" is bad input for every writing command: exit 2', async () => {
    for (const args of [['run', GOOD], ['sweep', FOUR], ['reproduce', 'nanobench']]) {
      const r = await runMain([...args, '--out', '']);
      expect(r.stderr).toBe('vmmsim: --out: expected a directory name, got an empty string\n');
      expect(r.status).toBe(2);
    }
  });
});

describe('a sweep that fails while it runs (bad input found only then)', () => {
  const MIDRUN = 'test/fixtures/sweep/events-midrun.yaml';
  /** One task (native, then software, which passes --max-events 30 while it runs). */
  const ONE_TASK = 'test/corpus/events-runtime.yaml';
  const models = ['--models', 'test/corpus/models'];

  it('with no task finished: nothing is left, not even the manifests, in a directory it created', async () => {
    const out = join(root, 'new', 'out');
    const before = snapshot(root);
    const r = await runMain(['sweep', ONE_TASK, ...models, '--max-events', '30', '--out', out, '--quiet', '--jobs', '1']);
    expect(r.stderr).toMatch(/^vmmsim: test\/corpus\/events-runtime\.yaml:6:5: workloads\[0\]: workload "a" passed the limit of 30 simulation events under software .*--max-events\)\n$/);
    expect(r.status).toBe(2);
    expect(existsSync(join(root, 'new'))).toBe(false);
    expect(snapshot(root)).toEqual(before);
  });

  it('in an empty directory the user made: the directory stays, empty', async () => {
    const out = join(root, 'out');
    mkdirSync(out);
    const r = await runMain(['sweep', ONE_TASK, ...models, '--max-events', '30', '--out', out, '--quiet', '--jobs', '1']);
    expect(r.status).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });

  it('run --out: the directory is written only after the run, so nothing is left', async () => {
    const out = join(root, 'out');
    const r = await runMain(['run', ONE_TASK, ...models, '--max-events', '30', '--out', out]);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('with tasks finished: they are kept for the resume, and the error says so', async () => {
    const out = join(root, 'out');
    const r = await runMain(['sweep', MIDRUN, ...models, '--max-events', '30', '--out', out, '--quiet', '--jobs', '1']);
    expect(r.stderr).toMatch(new RegExp(`passed the limit of 30 simulation events under software .* — 1 task that finished is kept in ${out}/points \\(1 in this run\\); a rerun on this directory resumes from them\n$`));
    expect(r.status).toBe(2);
    expect(readdirSync(join(out, 'points'))).toEqual(['000000-r000.json']);
    expect(leftovers(out)).toEqual([]);
    const again = await runMain(['sweep', MIDRUN, ...models, '--max-events', '1000000000', '--out', out, '--jobs', '1']);
    expect(again.stderr).toMatch(/resuming: 1 of 2 tasks already finished/);
    expect(again.status).toBe(0);
  });

  it('a trace rewritten after it was checked: the error at its line, and nothing left in the new --out', async () => {
    const trace = join(root, 'replay.jsonl');
    const scenario = join(root, 'replay.yaml');
    writeFileSync(trace, '{"op": "syscall"}\n'.repeat(100));
    writeFileSync(scenario, 'name: replay\nvmms: [native]\nworkloads:\n  - name: r\n    trace: replay.jsonl\n');
    const out = join(root, 'out');
    const opts: SweepOptions = { out, set: [], quiet: true, charts: false, components: false, force: false, jobs: 1 };
    const plan = planOf(scenario, opts);
    plan.validateAll(); // checked as the command checks it; the points stay loaded
    writeFileSync(trace, '{"op": "syscall"}\n{"op": "nope"}\n'); // changed after the check, before the run
    const error = await sweepPlanned(scenario, plan, opts).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(new RegExp(`^${trace}:2:\\d+: op: unknown operation "nope"`));
    expect(existsSync(out)).toBe(false);
  });
});
