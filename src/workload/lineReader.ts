// Reads a text file one line at a time through a fixed-size buffer, so a
// file larger than memory can be streamed. Synchronous, because the
// simulation that consumes it is.
import { closeSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { openRegularFile, type FileRole } from './inputFile.js';

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
  private readonly decoder = new StringDecoder('utf8');
  private lines: string[] = [];
  private index = 0;
  private rest = '';
  private eof = false;

  /** Opens `path`, which must be a regular file (a device or FIFO could be endless or block). */
  constructor(
    readonly path: string,
    role: FileRole = { what: 'trace', expected: 'a JSONL or CSV file' },
    private readonly maxLineChars = MAX_LINE_CHARS,
  ) {
    this.fd = openRegularFile(path, role).fd;
  }

  /** The next line without its line terminator, or null at the end of the file. */
  next(): string | null {
    while (this.index >= this.lines.length) {
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

  private tooLong(line: number): never {
    this.close();
    throw new LineTooLongError(this.path, line, this.maxLineChars);
  }

  private refill(): void {
    const n = this.fd === null ? 0 : readSync(this.fd, this.buf, 0, this.buf.length, null);
    let text: string;
    if (n === 0) {
      this.eof = true;
      this.close();
      text = this.rest + this.decoder.end();
      this.lines = text.length > 0 ? [text.replace(/\r$/, '')] : [];
    } else {
      text = this.rest + this.decoder.write(this.buf.subarray(0, n));
      const parts = text.split('\n');
      this.rest = parts.pop() ?? '';
      this.lines = parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    }
    this.index = 0;
    const long = this.lines.findIndex((l) => l.length > this.maxLineChars);
    if (long >= 0) this.tooLong(this.lineNo + long + 1);
    if (this.rest.length > this.maxLineChars) this.tooLong(this.lineNo + this.lines.length + 1);
  }
}
