// Creating a directory and its missing parents, one level at a time. Node's
// mkdirSync(dir, { recursive: true }) loops forever where mkdir fails with
// ENOENT although the parent exists (/proc/NAME), and it holds the signals a
// write holds, so even a Ctrl-C could not end it.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** The top-most missing directory on the way to `dir` (`dir` itself if only it is missing), or null if `dir` exists. */
export function firstMissing(dir: string): string | null {
  let top: string | null = null;
  for (let at = dir; ; at = dirname(at)) {
    try {
      statSync(at);
      return top;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(at) === at) return top;
      top = at;
    }
  }
}

/** Create `dir` and its missing parents (a bounded loop: one mkdir per missing level); an existing `dir` is left alone. */
export function makeDirs(dir: string): void {
  const top = firstMissing(dir);
  const missing: string[] = [];
  if (top !== null) {
    for (let at = dir; at !== top; at = dirname(at)) missing.unshift(at);
    missing.unshift(top);
  }
  for (const d of missing) {
    try {
      mkdirSync(d); // under a regular file: ENOTDIR, thrown
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // created meanwhile by someone else: fine if a directory (checked below)
    }
  }
  if (!statSync(dir).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', path: dir });
}
