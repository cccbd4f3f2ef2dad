// Tests that need optional system tools (perf, strace, gcc, GNU time): they
// skip with a printed reason where a tool is missing, and fail instead under
// CI (CI=true), whose .ci/run installs every tool they need.
import { it } from 'vitest';
import { which } from '../../src/profile/tools.js';

/** Tools of `tools` not on PATH. */
export function missingTools(tools: readonly string[]): string[] {
  return tools.filter((t) => which(t) === null);
}

/** `it` that needs `tools`: skipped (with a printed reason) where one is missing, failed under CI. */
export function itWithTools(name: string, tools: readonly string[], fn: () => Promise<void> | void, timeoutMs = 120_000): void {
  const missing = missingTools(tools);
  if (missing.length > 0 && process.env.CI !== 'true') {
    console.log(`skipping "${name}": ${missing.join(', ')} not installed (apt-get install ${missing.map((t) => (t === 'perf' ? 'linux-perf' : t)).join(' ')})`);
    it.skip(name, fn);
    return;
  }
  it(name, async () => {
    if (missing.length > 0) throw new Error(`CI must install ${missing.join(', ')} (see .ci/run); this test does not skip under CI`);
    await fn();
  }, timeoutMs);
}
