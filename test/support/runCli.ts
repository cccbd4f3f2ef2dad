// Runs the built CLI (dist/cli/main.js) as a subprocess, as a user would,
// asynchronously so a file's cases can run side by side.
import { execFile } from 'node:child_process';

/** What one CLI invocation did. */
export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds, Node start-up included. */
  ms: number;
}

/**
 * Run `vmmsim ARGS…` with optional extra environment variables. With
 * `timeoutMs` a command still running then is killed (SIGKILL: vmmsim holds
 * SIGTERM while it writes) and its status is -1.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 0): Promise<CliResult> {
  const start = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20, timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ status, stdout, stderr, ms: performance.now() - start });
    });
  });
}

/** A stack trace line ("    at fn (file:1:2)"): must never reach a user's terminal. */
export const STACK_LINE = /^\s+at .+[:(]/m;
