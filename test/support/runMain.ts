// Runs the CLI's main() in-process with stdout and stderr captured: the same
// code as the built command (dist/cli/main.js only sets the exit code from
// it) without a Node start-up per case, so a large corpus stays cheap.
// Tests using it must not run concurrently (it swaps process streams).
import { main } from '../../src/cli/program.js';
import type { CliResult } from './runCli.js';

/** What main() did, and the CPU time it took. */
export interface MainResult extends CliResult {
  cpuMs: number;
}

/** Run `vmmsim ARGS…` in-process, with extra environment variables set for the call. */
export async function runMain(args: readonly string[], env: Record<string, string> = {}): Promise<MainResult> {
  const out: string[] = [];
  const err: string[] = [];
  const { write: outWrite } = process.stdout;
  const { write: errWrite } = process.stderr;
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  Object.assign(process.env, env);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let status: number;
  try {
    status = await main(args);
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return { status, stdout: out.join(''), stderr: err.join(''), ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}
