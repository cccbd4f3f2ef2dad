import { describe, expect, it } from 'vitest';
import { Simulation, SimulationLimitError } from './simulation.js';

describe('Simulation', () => {
  it('pops equal-time events in insertion order', () => {
    const sim = new Simulation(1);
    const log: number[] = [];
    for (let i = 0; i < 10; i++) sim.at(5, () => log.push(i));
    sim.run();
    expect(log).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('orders by time first, then priority, then insertion', () => {
    const sim = new Simulation(1);
    const log: string[] = [];
    sim.at(2, () => log.push('t2'));
    sim.at(1, () => log.push('t1 p1'), 1);
    sim.at(1, () => log.push('t1 p0 a'), 0);
    sim.at(1, () => log.push('t1 p0 b'), 0);
    sim.run();
    expect(log).toEqual(['t1 p0 a', 't1 p0 b', 't1 p1', 't2']);
  });

  it('run({until}) processes events at exactly until and none after', () => {
    const sim = new Simulation(1);
    const log: number[] = [];
    for (const t of [9, 10, 11]) sim.at(t, () => log.push(t));
    sim.run({ until: 10 });
    expect(log).toEqual([9, 10]);
    expect(sim.now).toBe(10);
    sim.run();
    expect(log).toEqual([9, 10, 11]);
  });

  it('run({until}) advances the clock to until when the heap runs dry first', () => {
    const sim = new Simulation(1);
    sim.at(3, () => {});
    sim.run({ until: 50 });
    expect(sim.now).toBe(50);
  });

  it('run() with an empty heap returns at once', () => {
    const sim = new Simulation(1);
    sim.run();
    expect(sim.now).toBe(0);
  });

  it('skips cancelled events', () => {
    const sim = new Simulation(1);
    const log: string[] = [];
    const ev = sim.at(1, () => log.push('cancelled'));
    sim.at(2, () => log.push('kept'));
    sim.cancel(ev);
    sim.run();
    expect(log).toEqual(['kept']);
    expect(sim.eventsProcessed).toBe(1);
  });

  it('refuses to schedule in the past', () => {
    const sim = new Simulation(1);
    sim.at(5, () => expect(() => sim.at(4, () => {})).toThrow(/before now/));
    sim.run();
  });
});

describe('limits on one simulation', () => {
  it('scheduling past maxCycles throws a SimulationLimitError naming the limit', () => {
    const sim = new Simulation(1, { maxCycles: 1000, maxEvents: Infinity });
    sim.at(1000, () => {});
    expect(() => sim.at(1001, () => {})).toThrow(SimulationLimitError);
    expect(() => sim.after(Infinity, () => {})).toThrow(/the limit is 1000/);
  });

  it('processing more than maxEvents events throws, so an endless timer cannot run for ever', () => {
    const sim = new Simulation(1, { maxCycles: Infinity, maxEvents: 100 });
    const tick = () => sim.after(10, tick);
    sim.after(10, tick);
    expect(() => sim.run()).toThrow(new SimulationLimitError('maxEvents', 101, 100));
    expect(sim.eventsProcessed).toBe(101);
  });
});
