// Reads a text file one line at a time through a fixed-size buffer, so a
// file larger than memory can be streamed. Synchronous, because the
// simulation that consumes it is.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Bytes read from the file per refill. */
export const LINE_READER_CHUNK_BYTES = 64 * 1024;

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

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
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
  }
}
