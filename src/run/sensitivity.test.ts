// Which parameters a sensitivity run moves, and which modes each can move.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../config/load.js';
import { sensitivityParams } from './sensitivity.js';

describe('sensitivityParams', () => {
  it('moves the CPU\'s CPI for the modes that price guest instructions (interpreter, trap-and-emulate) and no other', () => {
    const l = loadScenario('scenarios/examples/five-designs.yaml');
    const cpi = sensitivityParams(l).filter((p) => p.key.startsWith('cpu.cpi.'));
    expect(cpi.map((p) => [p.key, p.value, p.modes])).toEqual([
      ['cpu.cpi.user', 1.5, ['interpreter', 'trap-and-emulate']],
      ['cpu.cpi.kernel', 3.0, ['interpreter', 'trap-and-emulate']],
    ]);
    expect(sensitivityParams(l).some((p) => p.key === 'vmm.interpreter.interpretCyclesPerInstruction' && p.modes.join() === 'interpreter')).toBe(true);
  });
});
