// The only place vmmsim writes files. Every file is written to a temporary
// name beside its target and renamed into place, so a crash never leaves a
// truncated result behind.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';

/** Write `text` (or bytes, e.g. a PNG) to `path` atomically (temp file in the same directory, then rename). */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.vmmsim-tmp-${process.pid}-${randomUUID()}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Write several files into `dir`, each atomically. */
export function writeResultFiles(dir: string, files: Record<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileAtomic(path, text);
    return path;
  });
}
