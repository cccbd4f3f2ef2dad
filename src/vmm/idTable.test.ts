// IdTable: dense ids by array index, any other id through the sparse path.
import { describe, expect, it } from 'vitest';
import { DENSE_IDS, IdTable } from './idTable.js';

describe('IdTable', () => {
  it('returns the missing value for ids never set, on both sides of the dense bound', () => {
    const t = new IdTable(-1);
    expect([t.get(0), t.get(DENSE_IDS - 1), t.get(DENSE_IDS), t.get(2 ** 31 - 1)]).toEqual([-1, -1, -1, -1]);
  });

  it('stores values for dense ids past its initial size and for sparse ids', () => {
    const t = new IdTable(-1);
    t.set(5, 1);
    t.set(DENSE_IDS - 1, 2);
    t.set(DENSE_IDS, 3);
    t.set(5, 4);
    expect([t.get(5), t.get(DENSE_IDS - 1), t.get(DENSE_IDS), t.get(6)]).toEqual([4, 2, 3, -1]);
  });
});
