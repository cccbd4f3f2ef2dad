// Where the bench finds the repository. Its modules run from test/bench
// (through tsx: vitest's tiny bench) or compiled into build/bench (`npm run
// bench`), two levels below the root either way.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The bench's sources and data files (simpyRef.py, mmuRef.py, its YAML), wherever the bench runs from. */
export const BENCH_DIR = join(REPO_ROOT, 'test/bench');
