import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeTable } from './traceShapes.js';

/** Operations as the schemas leave them: objects of numbers, strings, booleans and undefined, keys in some order. */
const value = fc.record(
  {
    op: fc.constantFrom('compute', 'memory', 'io'),
    count: fc.integer({ min: 1, max: 4 }),
    cycles: fc.constantFrom(0, -0, 1.5, 7, 2 ** 52),
    mode: fc.constantFrom('user', 'kernel'),
    afterFlush: fc.boolean(),
    site: fc.constantFrom(undefined, 3),
  },
  { requiredKeys: ['op', 'count'] },
);

/** The same keys in another order. */
function reordered(v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(v).reverse());
}

describe('ShapeTable', () => {
  it('gives equal operations one id and others their own, and gives each back as it was first met, with the column recorded then', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 200 }), fc.boolean(), (values, reverse) => {
        const table = new ShapeTable();
        const ids = values.map((v, i) => table.intern(reverse && i % 2 ? reordered(v) : v, i % 3 + 1));
        // Reference: equal when they have the same keys and each value is === (0 and −0 alike).
        const same = (a: Record<string, unknown>, b: Record<string, unknown>) => {
          const ka = Object.keys(a);
          return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
        };
        const firsts: number[] = [];
        values.forEach((v, i) => {
          const j = firsts.find((f) => same(values[f], v));
          if (j === undefined) {
            expect(ids[i]).toBe(firsts.length);
            firsts.push(i);
          } else expect(ids[i]).toBe(ids[j]);
        });
        expect(table.length).toBe(firsts.length);
        firsts.forEach((f, id) => {
          const got = table.get(id);
          expect(Object.keys(got).sort()).toEqual(Object.keys(values[f]).sort());
          for (const k of Object.keys(got)) expect(Object.is(got[k], (values[f] as Record<string, unknown>)[k])).toBe(true); // −0 kept as first met
          expect(table.col(id)).toBe(f % 3 + 1);
          // Met again: interned more than once.
          expect(table.metAgain(id)).toBe(ids.filter((x) => x === id).length > 1);
        });
        // The same after sealing, and in a table loaded from its parts (a spill).
        const parts = table.parts();
        const loaded = ShapeTable.load({ ...parts, template: parts.template.slice(), first: parts.first.slice(), numbers: parts.numbers.slice(), again: parts.again.slice() });
        table.seal();
        firsts.forEach((_, id) => {
          const again = ids.filter((x) => x === id).length > 1;
          expect([table.metAgain(id), loaded.metAgain(id)]).toEqual([again, again]);
          expect(loaded.get(id)).toEqual(table.get(id));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('holds 100,000 computations (its index grown many times) at 41 bytes each, then sealed serves them without its index; a table cleared forgets them all', () => {
    const table = new ShapeTable();
    for (let i = 0; i < 100_000; i++) expect(table.intern({ op: 'compute', count: 1, cycles: i * 0.5, mode: 'user' })).toBe(i);
    for (let i = 0; i < 100_000; i += 997) expect(table.intern({ op: 'compute', count: 1, cycles: i * 0.5, mode: 'user' })).toBe(i);
    expect(table.get(12_345)).toEqual({ op: 'compute', count: 1, cycles: 6172.5, mode: 'user' });
    expect(table.bytes).toBe(100_000 * 41);
    table.seal(); // as a trace held whole keeps it: no index, the same operations
    expect(table.get(99_999)).toEqual({ op: 'compute', count: 1, cycles: 49_999.5, mode: 'user' });
    expect(() => table.intern({ op: 'compute', count: 1, cycles: 1, mode: 'user' })).toThrow('sealed');
    const fresh = new ShapeTable();
    fresh.intern({ op: 'syscall', count: 1 });
    fresh.clear();
    expect(fresh.length).toBe(0);
    expect(fresh.intern({ op: 'compute', count: 1, cycles: 3, mode: 'user' })).toBe(0);
  });
});
