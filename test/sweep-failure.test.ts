// End-to-end: a sweep point that fails (an injected internal error inside
// its task, on a worker thread) records its error in its result rows, the
// other points still finish, the command exits 1 saying so, and a rerun
// retries only the failed point.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, STACK_LINE } from './support/runCli.js';

const FOUR = 'test/fixtures/sweep/four-points.yaml';

/** Each point's record in results.json, as `error=…` or `cycles=…`. */
function totals(out: string): Map<string, string[]> {
  const records = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Array<{ point: number; cycles: number; error?: string }>;
  const byPoint = new Map<string, string[]>();
  for (const r of records) byPoint.set(String(r.point), [...(byPoint.get(String(r.point)) ?? []), r.error !== undefined ? `error=${r.error}` : `cycles=${r.cycles}`]);
  return byPoint;
}

describe('a failed sweep point', () => {
  it('records its error in its row while the other points finish; a rerun retries it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vmmsim-sweepfail-')), 'out');
    const failed = await runCli(['sweep', FOUR, '--out', out, '--jobs', '2', '--quiet'], { VMMSIM_INJECT_FAULT: 'point 2' });
    expect(failed.stderr).toBe(
      'vmmsim: 1 of 4 tasks failed; their errors are in the results (first: point 2, replicate 0: injected fault at "point 2" (VMMSIM_INJECT_FAULT is set)). ' +
        'The other tasks finished; rerun to retry the failed ones\n',
    );
    expect(failed.status).toBe(1);
    expect(failed.stderr).not.toMatch(STACK_LINE);
    const first = totals(out);
    expect(first.get('2')).toEqual(['error=injected fault at "point 2" (VMMSIM_INJECT_FAULT is set)']);
    for (const p of ['0', '1', '3']) expect(first.get(p)).toEqual([`cycles=${100 * (Number(p) + 1) * 100}`]);

    const rerun = await runCli(['sweep', FOUR, '--out', out, '--jobs', '2', '--quiet']);
    expect(rerun.stderr).toBe('');
    expect(rerun.status).toBe(0);
    const second = totals(out);
    expect(second.get('2')).toEqual(['cycles=30000']);
    expect([...second.values()].flat().some((c) => c.startsWith('error='))).toBe(false);
  });
});
