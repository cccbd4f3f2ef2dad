// Errors caused by the user's input. They carry where (file, line, column,
// key path) and what was expected, and the CLI prints them as one paragraph
// with exit status 2 — never a stack trace.
import type { KeyPath } from '../workload/expand.js';

/** A position in an input: a file with line and column, or a command-line flag. */
export interface Origin {
  /** File path as the user gave it, or a description such as `--set cpu.clockGHz=0`. */
  source: string;
  line?: number;
  col?: number;
}

/** Render a key path as `workloads[0].ops[2].cycles`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

/** Bad input: exit status 2 with a located one-paragraph message. */
export class InputError extends Error {
  constructor(
    readonly detail: string,
    readonly origin: Origin,
    readonly path: KeyPath = [],
  ) {
    super(InputError.render(detail, origin, path));
    this.name = 'InputError';
  }

  private static render(detail: string, origin: Origin, path: KeyPath): string {
    const loc = origin.line !== undefined ? `${origin.source}:${origin.line}:${origin.col ?? 1}` : origin.source;
    const key = path.length ? ` ${formatPath(path)}:` : '';
    return `${loc}:${key} ${detail}`;
  }
}
