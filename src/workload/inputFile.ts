// The one way vmmsim opens a file it reads (scenarios, models, traces,
// results.json, points/*.json, manifests): it must be a regular file — a
// device, FIFO or socket could be endless or block forever — and, when read
// whole, no larger than a limit checked before a byte is read and again
// while reading (a file that grows is cut off, not followed). A file read
// whole as text must be UTF-8 without NUL bytes (readTextFile).
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** A file that cannot be read as input: exit status 2 with `source: detail` (or `source:line:col: detail`). */
export class InputFileError extends Error {
  constructor(
    readonly detail: string,
    readonly source: string,
    readonly line?: number,
    readonly col?: number,
  ) {
    super(`${source}${line !== undefined ? `:${line}:${col ?? 1}` : ''}: ${detail}`);
    this.name = 'InputFileError';
  }

  /** Where in the file the problem is, when it is at a place (`{}` when it is the whole file): spread into an Origin. */
  get at(): { line?: number; col?: number } {
    return this.line === undefined ? {} : { line: this.line, col: this.col ?? 1 };
  }
}

/** How a file is named in messages and what it should have been. */
export interface FileRole {
  /** "scenario", "trace", "results.json", … (messages say "<what> file …"). */
  what: string;
  /** "a YAML file", "a JSON file", … */
  expected: string;
}

/** The size limit of a whole-file read and the flag that raises it ('' for a fixed limit). */
export interface SizeLimit {
  maxBytes: number;
  flag: string;
}

/**
 * Open `path` for reading if it is a regular file; returns the descriptor.
 * Opened non-blocking, so a FIFO swapped in after the check cannot hang the
 * open; the descriptor itself is checked again.
 */
export function openRegularFile(path: string, role: FileRole): { fd: number; size: number } {
  statRegular(path, role);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new InputFileError(`${role.what} file ${fsProblem(e, 'cannot be read')}`, path);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw notRegular(path, role);
  }
  return { fd, size: st.size };
}

/** Read all of `path` (a regular file of at most `limit.maxBytes` bytes). */
export function readBoundedFile(path: string, role: FileRole, limit: SizeLimit): Buffer {
  const tooBig = (size: number) =>
    new InputFileError(`${role.what} file is ${size.toLocaleString('en-US')} bytes; the limit is ${limit.maxBytes.toLocaleString('en-US')} bytes${limit.flag ? ` (raise it with ${limit.flag})` : ''}`, path);
  const st = statRegular(path, role);
  if (st.size > limit.maxBytes) throw tooBig(st.size);
  const { fd, size } = openRegularFile(path, role);
  try {
    if (size > limit.maxBytes) throw tooBig(size);
    // Read at most one byte past the limit: a file that grew is refused without reading the rest.
    let buf = Buffer.alloc(Math.min(limit.maxBytes, size) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > limit.maxBytes) throw tooBig(n);
        const bigger = Buffer.alloc(Math.min(limit.maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      let got: number;
      try {
        got = readSync(fd, buf, n, buf.length - n, null);
      } catch (e) {
        throw new InputFileError(`${role.what} file ${fsProblem(e, 'cannot be read')}`, path);
      }
      if (got === 0) break;
      n += got;
    }
    if (n > limit.maxBytes) throw tooBig(n);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Read all of `path` as text (see {@link readBoundedFile}): bytes that are
 * not UTF-8, or a NUL byte, are an InputFileError at their line and column
 * — a file of another encoding or a binary file is refused, not garbled.
 */
export function readTextFile(path: string, role: FileRole, limit: SizeLimit): string {
  return decodeText(readBoundedFile(path, role, limit), path, role);
}

/**
 * `bytes` decoded as far as they are text: all of them, or those before the
 * first byte that is not UTF-8; `bad` is where the text stops being text (that
 * byte, or a NUL before it) and why, or null.
 */
export function checkedText(bytes: Buffer, role: FileRole): { text: string; bad: { at: number; detail: string } | null } {
  let text: string;
  let bad: { at: number; detail: string } | null = null;
  if (isUtf8(bytes)) text = bytes.toString('utf8');
  else {
    const at = firstInvalidUtf8(bytes);
    text = bytes.toString('utf8', 0, at);
    bad = { at: text.length, detail: notUtf8(role) };
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) bad = { at: nul, detail: binary(role) };
  return { text, bad };
}

/** The bytes of `path` as text, or an InputFileError at the first byte that is not UTF-8 or is NUL. */
export function decodeText(bytes: Buffer, path: string, role: FileRole): string {
  const { text, bad } = checkedText(bytes, role);
  if (bad === null) return text;
  const { line, col } = lineCol(text, bad.at);
  throw new InputFileError(bad.detail, path, line, col);
}

/** What is wrong with a file whose bytes are not UTF-8. */
export function notUtf8(role: FileRole): string {
  return `${role.what} file is not UTF-8 text (binary data?); expected ${role.expected}`;
}

/** What is wrong with a file that holds a NUL byte. */
export function binary(role: FileRole): string {
  return `${role.what} file is binary (a NUL byte), not text; expected ${role.expected}`;
}

/**
 * Text of a file (or a file name) as it may be quoted in a one-line message:
 * control characters (a terminal would obey ESC sequences; a newline or
 * vertical tab would break the line) and line separators written as escapes.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** 1-based line and column of character offset `offset` in `text`. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/** Offset of the first byte of `b` that does not begin a well-formed UTF-8 character; b.length if all do. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (more < 0 || i + more >= b.length) return i;
    const c1 = b[i + 1];
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return i;
    for (let k = 1; k <= more; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return b.length;
}

function statRegular(path: string, role: FileRole): Stats {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw new InputFileError(`${role.what} file ${fsProblem(e, 'not found')}`, path);
  }
  if (st.isDirectory()) throw new InputFileError(`${role.what} file is a directory; expected ${role.expected}`, path);
  if (!st.isFile()) throw notRegular(path, role);
  return st;
}

function notRegular(path: string, role: FileRole): InputFileError {
  return new InputFileError(`${role.what} file is not a regular file (a device, FIFO or socket); expected ${role.expected}`, path);
}

/** A file-system error in words: "not found", "permission denied", … */
export function fsProblem(e: unknown, fallback: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'ENOTDIR') return 'not found (a component of the path is not a directory)';
  if (code === 'ELOOP') return 'cannot be read: too many symbolic links';
  if (code === 'EISDIR') return `is a directory`;
  return `${fallback}: ${(e as Error).message}`;
}
