import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LINE_READER_CHUNK_BYTES, LineReader } from './lineReader.js';

const dir = mkdtempSync(join(tmpdir(), 'vmmsim-linereader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readAll(r: LineReader, onLine?: (n: number) => void): string[] {
  const lines: string[] = [];
  for (let l = r.next(); l !== null; l = r.next()) {
    lines.push(l);
    onLine?.(lines.length);
  }
  return lines;
}

describe('LineReader', () => {
  it('reads every line of a file, with and without a final newline', () => {
    const p = join(dir, 'plain.jsonl');
    writeFileSync(p, 'a\r\nb\n\nc');
    expect(readAll(new LineReader(p))).toEqual(['a', 'b', '', 'c']);
  });

  it('a file that grows while it is read is read as far as its size when opened, not followed', () => {
    const p = join(dir, 'growing.jsonl');
    const line = '{"op": "syscall"}';
    const count = Math.ceil((3 * LINE_READER_CHUNK_BYTES) / (line.length + 1)); // several chunks
    writeFileSync(p, `${line}\n`.repeat(count));
    const r = new LineReader(p);
    // Appended after the open, before most of the file is read: a log being written to.
    const lines = readAll(r, (n) => {
      if (n === 1) appendFileSync(p, `${line}\n`.repeat(count));
    });
    expect(lines.length).toBe(count);
    expect(readAll(new LineReader(p)).length).toBe(2 * count); // a reader opened now sees it all
  });

  it('a pseudo-file of size 0 (/proc) is read to its end', () => {
    const lines = readAll(new LineReader('/proc/self/status', { what: 'status', expected: 'text' }));
    expect(lines.some((l) => l.startsWith('Name:'))).toBe(true);
  });
});
