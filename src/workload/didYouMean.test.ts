import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from './didYouMean.js';

describe('didYouMean', () => {
  it('counts an adjacent transposition as one edit, ignoring case', () => {
    expect(editDistance('cuont', 'count')).toBe(1);
    expect(editDistance('clockGhz', 'clockGHz')).toBe(0);
    expect(editDistance('seeds', 'seed')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the closest name within a third of the word, and nothing when none is that close', () => {
    expect(didYouMean('hardwre', ['native', 'software', 'hardware', 'nested'])).toBe('; did you mean "hardware"?');
    expect(closest('vmExitCycle', ['vmEntryCycles', 'vmExitCycles'])).toBe('vmExitCycles');
    expect(didYouMean('times', ['loop', 'count'])).toBe('');
    expect(didYouMean('quantum', ['native', 'software', 'hardware', 'nested'])).toBe('');
    expect(closest('io', ['in', 'cr8'])).toBe('in');
    expect(closest('io', ['io'])).toBeUndefined();
  });
});
