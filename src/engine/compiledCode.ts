// Functions compiled from generated source (tapes' additions, loops over a
// tape's copies, loop-body kernels, makers of a trace's operations), shared
// by source text across the whole process: the same source compiles once,
// and every tape or body that would have compiled it uses the one function,
// with its type feedback and optimised code. A sweep's points and a run's
// modes record many tapes with the same additions (native is simulated at
// every point, and most operations cost the same under most parameter
// values); compiled apart, each was parsed, warmed up and optimised again,
// on the thread of the point and on V8's compiler thread.
//
// Sources hold only numbers written by String(), fixed identifiers and the
// schemas' own key names as JSON strings (a trace's operation templates,
// traceShapes.ts), never input text.

/** Sources kept at most, and their characters in all: beyond either, a function is compiled but not kept. */
const MAX_FUNCTIONS = 4096;
const MAX_CHARACTERS = 8 * 2 ** 20;

/** Functions by parameter list, then by source (no key joins a source, which may be tens of kilobytes). */
const cache = new Map<string, Map<string, unknown>>();
let kept = 0;
let characters = 0;

/** `new Function(...params, source)`, or the function already compiled from the same parameters and source. */
export function compileShared<F>(params: readonly string[], source: string): F {
  const list = params.join(',');
  let bySource = cache.get(list);
  if (bySource === undefined) cache.set(list, (bySource = new Map()));
  let fn = bySource.get(source) as F | undefined;
  if (fn === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    fn = new Function(...params, source) as F;
    if (kept < MAX_FUNCTIONS && characters + source.length <= MAX_CHARACTERS) {
      bySource.set(source, fn);
      kept++;
      characters += source.length;
    }
  }
  return fn;
}

/** Distinct sources kept so far in this process. */
export function sharedFunctionCount(): number {
  return kept;
}
