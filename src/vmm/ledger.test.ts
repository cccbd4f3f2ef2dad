import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPILE_AFTER_REPLAYS, ChargeTape, compileTape } from './chargeTape.js';
import { Ledger } from './ledger.js';

/** A tape of one charge made by `charge` on a fresh ledger (with component `exit` interned as id 0). */
function recorded(charge: (l: Ledger) => number): ChargeTape {
  const l = new Ledger();
  l.componentId('exit');
  const tape = new ChargeTape();
  l.record(tape);
  l.stopRecording(charge(l));
  return tape;
}

/** The tape of charging category `cat` `cycles` once. */
const categoryTape = (cat: number, cycles: number) => recorded((l) => {
  l.charge(cat, cycles);
  return cycles;
});

/** `n` copies of `tape` applied one by one and at once (after runLimit allowed `allowed` ≥ n) from the same start: both ledgers' totals. */
function bothWays(start: (l: Ledger) => void, tape: ChargeTape, maxCopies: number, pick: (allowed: number) => number) {
  const bulk = new Ledger();
  const single = new Ledger();
  bulk.componentId('exit');
  single.componentId('exit');
  start(bulk);
  start(single);
  const allowed = bulk.runLimit(tape, maxCopies);
  const n = pick(allowed);
  bulk.applyRun(tape, n);
  for (let i = 0; i < n; i++) single.apply(tape);
  const totals = (l: Ledger) => [[...l.counts], [...l.cycles], l.components()];
  return { allowed, n, bulk: totals(bulk), single: totals(single) };
}

describe('Ledger runs of a recorded charge', () => {
  it('a run of integer charges equals the same charges one by one', () => {
    const r = bothWays((l) => l.charge(1, 7), categoryTape(1, 243), 1000, (m) => m);
    expect(r.allowed).toBe(1000);
    expect(r.bulk).toEqual(r.single);
  });

  it('fractional amounts and totals run too, up to the end of the binade; ties and totals past 2^53 do not', () => {
    // Cycles in the tens of billions with a fractional part (a 60 Hz tick of a 3.8 GHz clock), a fractional charge: thousands of copies at once.
    const r = bothWays((l) => l.charge(0, 2 ** 35 + 1 / 3), categoryTape(0, 1931.1), 5000, (m) => m);
    expect(r.allowed).toBe(5000);
    expect(r.bulk).toEqual(r.single);
    // Just below a binade's top only the copies that stay inside it.
    const l = new Ledger();
    l.charge(0, 2 ** 20 - 10.5);
    expect(l.runLimit(categoryTape(0, 1), 100)).toBe(10);
    // A step that is a rounding tie (half the spacing of [1, 2)) depends on the total's last bit: refused.
    const tie = new Ledger();
    tie.charge(0, 1.5);
    expect(tie.runLimit(categoryTape(0, 2 ** -53), 10)).toBe(0);
    // One copy adds 2^50 cycles (and 1 to the count) to whole totals: 6 copies keep them within 2^53 (one of slack), 8 do not.
    expect(new Ledger().runLimit(categoryTape(0, 2 ** 50), 100)).toBe(6);
  });

  it('runLimit allows only copies that applyRun adds exactly: random tapes and totals, bit for bit', () => {
    const amount = fc.oneof(
      fc.integer({ min: 0, max: 5000 }),
      fc.double({ min: 0, max: 5000, noNaN: true }),
      fc.constantFrom(0.1, 1 / 3, 0.5, 2 ** -53, 2 ** -40, 1931.25),
    );
    const total = fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 2 ** 40 }),
      fc.double({ min: 0, max: 2 ** 45, noNaN: true }),
      fc.integer({ min: 1, max: 45 }).map((e) => 2 ** e - 0.75),
      fc.integer({ min: 0, max: 4 }).map((k) => 2 ** 53 - 3 + k),
    );
    // A charge: a few additions, to counts, cycles or a component, possibly to one total twice.
    const addition = fc.record({ to: fc.constantFrom('charge0', 'charge1', 'cycles1', 'component'), amount });
    fc.assert(
      fc.property(fc.array(addition, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(fc.constantFrom(0, 1), total), { maxLength: 2 }), fc.integer({ min: 1, max: 5000 }), fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
        (additions, starts, maxCopies, share) => {
          const tape = recorded((l) => {
            for (const a of additions) {
              if (a.to === 'charge0') l.charge(0, a.amount);
              else if (a.to === 'charge1') l.charge(1, a.amount);
              else if (a.to === 'cycles1') l.chargeCycles(1, a.amount);
              else l.component(0, a.amount);
            }
            return 0;
          });
          const r = bothWays((l) => { for (const [cat, t] of starts) l.charge(cat, t); }, tape, maxCopies, (m) => Math.floor(m * share));
          expect(r.allowed).toBeLessThanOrEqual(maxCopies);
          expect(r.bulk).toEqual(r.single);
        }),
      { numRuns: 3000 },
    );
  });
  it('component runs follow the same rule', () => {
    const l = new Ledger();
    const id = l.componentId('exit');
    const componentTape = (cycles: number) => recorded((r) => {
      r.component(id, cycles);
      return cycles;
    });
    const whole = componentTape(1931);
    expect(l.runLimit(whole, 100)).toBe(100);
    l.applyRun(whole, 100);
    expect(l.components()).toEqual({ exit: { count: 100, cycles: 193100 } });
    const half = componentTape(0.5);
    expect(l.runLimit(half, 10)).toBe(10);
    l.applyRun(half, 10);
    expect(l.components()).toEqual({ exit: { count: 110, cycles: 193105 } });
  });
});

describe('Ledger copies of a recorded charge (applyCopies)', () => {
  it('each copy adds what apply adds, runs the effects and advances the time by the cycles, up to the copy that reaches the stop: compiled or not', () => {
    const amount = fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double({ min: -5000, max: 5000, noNaN: true }), fc.constantFrom(0.1, 1 / 3, -0));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(0, 1, 2), amount), { minLength: 1, maxLength: 5 }), amount, fc.double({ min: 0, max: 2 ** 40, noNaN: true }),
        fc.integer({ min: 0, max: 60 }), fc.oneof(fc.constant(Infinity), fc.double({ min: 0, max: 2 ** 41, noNaN: true })), (adds, cycles, t0, k, stop) => {
          let effects = 0;
          const tape = recorded((l) => {
            for (const [to, a] of adds) {
              if (to === 0) l.charge(0, a);
              else if (to === 1) l.component(0, a);
              else l.effect(() => effects++); // counts its calls (a real effect is idempotent; this one shows how often it runs)
            }
            return cycles;
          });
          // The reference: apply and an addition per copy.
          const ref = new Ledger();
          ref.componentId('exit');
          effects = 0;
          let t = t0;
          let j = 0;
          while (j < k) {
            ref.apply(tape);
            t += cycles;
            j++;
            if (t >= stop) break;
          }
          const expected = { j, t, effects, counts: [...ref.counts], cycles: [...ref.cycles], components: ref.components() };
          // A tape never replayed (its first COMPILE_AFTER_REPLAYS copies one by one, then its compiled loop
          // takes the rest), and one whose replay was compiled before (the compiled loop takes them all).
          for (const compiled of [false, true]) {
            const l = new Ledger();
            l.componentId('exit');
            tape.copies = null;
            tape.replay = compiled ? compileTape(tape) : null;
            tape.coldReplays = 0;
            effects = 0;
            const clock = new Float64Array([t0]);
            const n = l.applyCopies(tape, k, clock, stop);
            expect({ j: n, t: clock[0], effects, counts: [...l.counts], cycles: [...l.cycles], components: l.components() }).toEqual(expected);
            expect(tape.copies !== null).toBe(compiled || n > COMPILE_AFTER_REPLAYS || (n === COMPILE_AFTER_REPLAYS && clock[0] < stop));
          }
        }),
      { numRuns: 2000 },
    );
  });
});
