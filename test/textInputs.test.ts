// Every text file vmmsim reads whole — a `report --validation` or
// `--scenario` file, results.json — must be UTF-8 without NUL bytes, as
// scenarios and traces must: a Latin-1 byte was read as U+FFFD and shown
// garbled on the page. Now it is an error at its line and column (exit 2),
// with nothing written.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_LINE } from './support/runCli.js';
import { runMain } from './support/runMain.js';

const tmp = mkdtempSync(join(tmpdir(), 'vmmsim-text-'));
const results = join(tmp, 'results');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  expect((await runMain(['run', 'test/corpus/good.yaml', '--out', results])).status).toBe(0);
});

/** A file in the temp directory with these bytes; its path. */
function file(name: string, bytes: Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

const MARKDOWN = '# Validation\n\n| item | model |\n| --- | --- |\n';

describe('a text file read whole that is not UTF-8 is refused at its line and column, nothing written', () => {
  it.each([
    ['a Latin-1 é in a --validation file', 'latin1.md', Buffer.concat([Buffer.from(`${MARKDOWN}| caf`), Buffer.from([0xe9]), Buffer.from(' | 1 |\n')]),
      '5:6: cannot read the validation report: validation report file is not UTF-8 text (binary data?); expected a text file'],
    ['a NUL byte in a --validation file', 'nul.md', Buffer.from(`${MARKDOWN}| a\u0000 | 1 |\n`),
      '5:4: cannot read the validation report: validation report file is binary (a NUL byte), not text; expected a text file'],
    ['a truncated UTF-8 character at the end of a --validation file', 'cut.md', Buffer.concat([Buffer.from(MARKDOWN), Buffer.from([0xc3])]),
      '5:1: cannot read the validation report: validation report file is not UTF-8 text (binary data?); expected a text file'],
  ])('report --validation: %s', async (_name, name, bytes, message) => {
    const path = file(name, bytes);
    const before = readdirSync(results).sort();
    const r = await runMain(['report', results, '--validation', path]);
    expect(r.stderr).toBe(`vmmsim: ${path}:${message}\n`);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(readdirSync(results).sort(), 'no report.html written').toEqual(before);
  });

  it('report --scenario: a Latin-1 byte in the scenario shown on the page', async () => {
    const path = file('latin1.yaml', Buffer.concat([Buffer.from('name: good\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const out = join(tmp, 'page.html');
    const r = await runMain(['report', results, '--scenario', path, '--out', out]);
    expect(r.stderr).toBe(`vmmsim: ${path}:2:17: cannot read the scenario file: scenario file is not UTF-8 text (binary data?); expected a text file\n`);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('report: a results.json with a Latin-1 byte in a string', async () => {
    const dir = join(tmp, 'latin1-results');
    const text = readFileSync(join(results, 'results.json'), 'utf8');
    const at = text.indexOf('"good"');
    expect(at).toBeGreaterThan(0);
    const bytes = Buffer.concat([Buffer.from(text.slice(0, at + 1)), Buffer.from([0xe9]), Buffer.from(text.slice(at + 1))]);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    file('latin1-results/results.json', bytes);
    const r = await runMain(['report', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^vmmsim: ${join(dir, 'results.json')}:\\d+:\\d+: results.json file is not UTF-8 text \\(binary data\\?\\); expected a JSON file\\n$`));
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  it('a UTF-8 --validation file is still shown', async () => {
    const path = file('utf8.md', Buffer.from(`${MARKDOWN}| café | 1 |\n`));
    const out = join(tmp, 'ok.html');
    const r = await runMain(['report', results, '--validation', path, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('café');
  });
});
