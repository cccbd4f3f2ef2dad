// docs/errors-and-limits.md tells the truth: every `$ vmmsim …` example on it
// prints what the page shows, and its limits table lists every limit of the
// code with the default and flag the code uses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, formatCount, LIMIT_FLAGS, type Limits } from '../src/config/limits.js';
import { runMain } from './support/runMain.js';

const PAGE = readFileSync('docs/errors-and-limits.md', 'utf8');

/** `$ vmmsim ARGS` lines of the page's code blocks, each with the line that follows it (what it prints). */
function examples(): Array<{ args: string[]; printed: string }> {
  const lines = PAGE.split('\n');
  return lines.flatMap((l, i) => (l.startsWith('$ vmmsim ') ? [{ args: l.slice('$ vmmsim '.length).split(' '), printed: lines[i + 1] }] : []));
}

describe('docs/errors-and-limits.md', () => {
  it('has examples to run', () => expect(examples().length).toBeGreaterThanOrEqual(5));

  it.each(examples().map((e) => [e.args.join(' '), e] as const))('`vmmsim %s` prints what the page shows', async (_cmd, e) => {
    const r = await runMain(e.args);
    expect((r.status === 0 ? r.stdout : r.stderr).trimEnd()).toBe(e.printed);
    expect(r.status).toBe(e.printed.startsWith('vmmsim: ') ? 2 : 0);
  });

  it.each(Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>)('the limits table gives %s with its default and flag', (key) => {
    const row = PAGE.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${LIMIT_FLAGS[key]} N\``));
    expect(row, `a table row for ${LIMIT_FLAGS[key]}`).toBeDefined();
    expect(row!.split('|')[2].trim().startsWith(formatCount(DEFAULT_LIMITS[key]))).toBe(true);
  });

  it('the README links to the page instead of repeating it', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('(docs/errors-and-limits.md)');
    expect(readme).not.toContain('| size of any YAML input');
  });
});
