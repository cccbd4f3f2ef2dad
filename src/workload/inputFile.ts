// The one way vmmsim opens a file it reads (scenarios, models, traces,
// results.json, points/*.json, manifests): it must be a regular file — a
// device, FIFO or socket could be endless or block forever — and, when read
// whole, no larger than a limit checked before a byte is read and again
// while reading (a file that grows is cut off, not followed).
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** A file that cannot be read as input: exit status 2 with `source: detail`. */
export class InputFileError extends Error {
  constructor(
    readonly detail: string,
    readonly source: string,
  ) {
    super(`${source}: ${detail}`);
    this.name = 'InputFileError';
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
