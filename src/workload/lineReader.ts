// Reads a text file one line at a time through a fixed-size buffer, so a
// file larger than memory can be streamed. Synchronous, because the
// simulation that consumes it is. The file must be UTF-8 text: bytes that
// are not, or a NUL byte, are an error at their line and column (a binary
// file is refused by its first chunk, not read to its end). A file is read as
// far as its size when opened: one that grows meanwhile is not followed.
import { closeSync, readSync } from 'node:fs';
import { checkedText, fsProblem, InputFileError, openRegularFile, type FileRole } from './inputFile.js';

/** Bytes read from the file per refill. */
export const LINE_READER_CHUNK_BYTES = 64 * 1024;

/** Longest line accepted, in characters: a trace line is one operation (tens of bytes); a megabyte line is not a trace. */
export const MAX_LINE_CHARS = 64 * 1024;

/** A line longer than {@link MAX_LINE_CHARS}, found before it is read whole. */
export class LineTooLongError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly maxChars: number,
  ) {
    super(`${path}:${line}:1: line is longer than ${maxChars.toLocaleString('en-US')} characters`);
    this.name = 'LineTooLongError';
  }
}

/** A synchronous line reader with line numbers (1-based). */
export class LineReader {
  /** Number of the line most recently returned. */
  lineNo = 0;
  private fd: number | null;
  private readonly buf = Buffer.alloc(LINE_READER_CHUNK_BYTES);
  /** The bytes of a character the last chunk ended inside of (at most 3). */
  private carry: Buffer = Buffer.alloc(0);
  private lines: string[] = [];
  private index = 0;
  private rest = '';
  private eof = false;
  /** The error met while reading ahead, thrown once the lines before it are returned. */
  private pending: Error | null = null;

  /**
   * Bytes left to read: the file's size when opened, so a file that grows
   * while it is read (a log being appended to) is read as it was then, not
   * followed without end. A pseudo-file reports size 0 (/proc) and is read to
   * its end: its content is generated, and finite.
   */
  private left: number;
  /** The file's size when opened (Infinity for a pseudo-file). */
  private readonly size: number;

  /** Opens `path`, which must be a regular file (a device or FIFO could be endless or block). */
  constructor(
    readonly path: string,
    private readonly role: FileRole = { what: 'trace', expected: 'a JSONL or CSV file' },
    private readonly maxLineChars = MAX_LINE_CHARS,
  ) {
    const { fd, size } = openRegularFile(path, role);
    this.fd = fd;
    this.left = size > 0 ? size : Infinity;
    this.size = this.left;
  }

  /** The part of the file read so far (lines are read ahead a chunk at a time), or NaN when its size is not known. */
  get readFraction(): number {
    return Number.isFinite(this.size) ? (this.size - this.left) / this.size : NaN;
  }

  /** The next line without its line terminator, or null at the end of the file. */
  next(): string | null {
    while (this.index >= this.lines.length) {
      if (this.pending !== null) {
        this.close();
        throw this.pending;
      }
      if (this.eof) return null;
      this.refill();
    }
    this.lineNo++;
    return this.lines[this.index++];
  }

  /** Release the file descriptor (also done at end of file). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private refill(): void {
    let n = 0;
    try {
      if (this.fd !== null && this.left > 0) n = readSync(this.fd, this.buf, 0, Math.min(this.buf.length, this.left), null);
      this.left -= n;
    } catch (e) {
      // A file that fails to read (EIO from /proc/self/mem, a failing disk) is bad input, not a crash.
      this.close();
      throw new InputFileError(`${this.role.what} file ${fsProblem(e, 'cannot be read')}`, this.path);
    }
    let bytes: Buffer;
    if (n === 0) {
      this.eof = true;
      this.close();
      bytes = this.carry; // a character cut off by the end of the file is not UTF-8
      this.carry = Buffer.alloc(0);
    } else {
      const chunk = this.buf.subarray(0, n);
      bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
      const cut = incompleteTail(bytes);
      this.carry = Buffer.from(bytes.subarray(bytes.length - cut));
      bytes = bytes.subarray(0, bytes.length - cut);
    }
    const { text, bad } = checkedText(bytes, this.role);
    if (bad !== null) {
      // Keep the lines before the bad one; the error comes when the reader reaches its line.
      const before = this.rest + text.slice(0, bad.at);
      const start = before.lastIndexOf('\n') + 1;
      this.lines = start > 0 ? before.slice(0, start - 1).split('\n').map(dropCr) : [];
      this.rest = '';
      this.pending = new InputFileError(bad.detail, this.path, this.lineNo + this.lines.length + 1, before.length - start + 1);
      this.eof = true;
      this.close();
    } else if (n === 0) {
      const last = this.rest + text;
      this.rest = '';
      this.lines = last.length > 0 ? [dropCr(last)] : [];
    } else {
      const parts = (this.rest + text).split('\n');
      this.rest = parts.pop() ?? '';
      this.lines = parts.map(dropCr);
    }
    this.index = 0;
    const long = this.lines.findIndex((l) => l.length > this.maxLineChars);
    if (long >= 0) this.stopAt(long, new LineTooLongError(this.path, this.lineNo + long + 1, this.maxLineChars));
    else if (this.rest.length > this.maxLineChars) this.stopAt(this.lines.length, new LineTooLongError(this.path, this.lineNo + this.lines.length + 1, this.maxLineChars));
  }

  /** Keep the first `count` lines read; `error` comes after them. */
  private stopAt(count: number, error: Error): void {
    this.lines.length = count;
    this.rest = '';
    this.pending = error;
    this.eof = true;
    this.close();
  }
}

function dropCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Bytes at the end of `b` that begin a UTF-8 character without its last bytes (0 to 3). */
function incompleteTail(b: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, b.length); k++) {
    const c = b[b.length - k];
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back
    if (c < 0xc0) return 0;
    const length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    return k < length ? k : 0;
  }
  return 0;
}
