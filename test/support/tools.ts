// Test support: tests that need an optional system tool (GNU parallel, gcc,
// perf, strace, chromium, slurm…) skip with a printed reason where it is
// absent, so `npm test` passes on a fresh machine, and fail in CI, which
// installs every such tool (.ci/run), so a CI skip never hides a broken test.
//
// Usage (one line per test that needs a tool):
//
//   import { requireTool } from './support/tools.js';
//
//   it.skipIf(requireTool('parallel', 'runs the GNU parallel recipe of docs/distributed.md'))(
//     'the GNU parallel recipe reproduces the unsharded run', () => { … });
//
//   // a whole block, a Debian package named differently, or a probe that must succeed:
//   describe.skipIf(requireTool('perf', 'counts real cycles', { apt: 'linux-perf', probe: ['perf', 'stat', 'true'] }))(…);
//   const chromium = findTool(['chromium', 'chromium-headless-shell']);   // which name is installed
//
// Off CI, an absent tool returns true (skip) and prints
//   "vmmsim test: skipped (needs parallel: runs the …; apt-get install -y parallel)".
// With CI=true it throws instead, so the test file fails with that message.
import { spawnSync } from 'node:child_process';

/** Options of requireTool. */
export interface RequireToolOptions {
  /** The Debian package that provides the tool (default: the tool's name), named in the skip reason. */
  apt?: string;
  /** A command that must exit 0, or a check that must return true, for the tool to count as present (default: the tool found on PATH). */
  probe?: readonly string[] | (() => boolean);
  /** How to provide it, named in the skip reason (default: `apt-get install -y <apt>`), for what a package does not give (a mount). */
  provide?: string;
}

/** True when CI=true (or 1): skips of tool-dependent tests are failures there. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}

/** True when `command` runs: found on PATH, or, given a probe, the probe exits 0 (a command) or returns true (a check). */
export function hasTool(command: string, probe?: readonly string[] | (() => boolean)): boolean {
  if (typeof probe === 'function') return probe();
  const argv = probe ?? ['sh', '-c', `command -v '${command.replaceAll("'", "'\\''")}'`];
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0;
}

/** The first of `commands` found on PATH, or undefined. */
export function findTool(commands: readonly string[]): string | undefined {
  return commands.find((c) => hasTool(c));
}

/**
 * The skip condition of a test that needs `tool`: false when the tool is
 * present; true (skip) with the reason printed when it is absent; and, in CI
 * (CI=true), an Error instead of a skip, since CI installs every such tool.
 * `why` says what the test does with the tool, in a few words.
 */
export function requireTool(tool: string, why: string, options: RequireToolOptions = {}): boolean {
  if (hasTool(tool, options.probe)) return false;
  const reason = `needs ${tool}: ${why}; ${options.provide ?? `apt-get install -y ${options.apt ?? tool}`}`;
  if (inCi()) throw new Error(`vmmsim test: CI=true and ${tool} is missing (${reason}); CI must install it (.ci/run), a skip here would hide the test`);
  console.warn(`vmmsim test: skipped (${reason})`);
  return true;
}
