// The optional-tool helper: present tools run, absent ones skip with a reason
// off CI and fail in CI, so a CI run can never skip a tool-dependent test.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findTool, hasTool, inCi, requireTool } from './support/tools.js';

const MISSING = 'vmmsim-no-such-tool-xyz';

describe('requireTool', () => {
  const savedCi = process.env.CI;
  afterEach(() => {
    if (savedCi === undefined) delete process.env.CI;
    else process.env.CI = savedCi;
    vi.restoreAllMocks();
  });

  it('a tool on PATH is not skipped', () => {
    expect(hasTool('sh')).toBe(true);
    expect(requireTool('sh', 'runs scripts')).toBe(false);
  });

  it('an absent tool off CI is skipped, printing the tool, the reason and the Debian package', () => {
    delete process.env.CI;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(requireTool(MISSING, 'draws a chart', { apt: 'some-package' })).toBe(true);
    expect(warn).toHaveBeenCalledWith(`vmmsim test: skipped (needs ${MISSING}: draws a chart; apt-get install -y some-package)`);
  });

  it('an absent tool in CI is an error, not a skip', () => {
    process.env.CI = 'true';
    expect(() => requireTool(MISSING, 'draws a chart')).toThrow(/CI=true and vmmsim-no-such-tool-xyz is missing/);
  });

  it('a failing probe counts as absent even when the command exists', () => {
    delete process.env.CI;
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(requireTool('sh', 'needs a working sh', { probe: ['sh', '-c', 'exit 3'] })).toBe(true);
  });

  it('a probe may be a check instead of a command, and a skip names how to provide what is missing', () => {
    delete process.env.CI;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(requireTool('tracefs', 'reads tracepoints', { probe: () => true })).toBe(false);
    expect(requireTool('tracefs', 'reads tracepoints', { probe: () => false, provide: 'mount it' })).toBe(true);
    expect(warn).toHaveBeenCalledWith('vmmsim test: skipped (needs tracefs: reads tracepoints; mount it)');
  });

  it('findTool picks the first installed name; inCi reads CI=true or 1 only', () => {
    expect(findTool([MISSING, 'sh'])).toBe('sh');
    expect(findTool([MISSING])).toBeUndefined();
    expect([inCi({ CI: 'true' }), inCi({ CI: '1' }), inCi({ CI: 'false' }), inCi({})]).toEqual([true, true, false, false]);
  });
});
