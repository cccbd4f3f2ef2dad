import { describe, expect, it } from 'vitest';
import { CURRENT_ASID } from './ops.js';
import { retargetCr3 } from './retarget.js';
import { leaf, type OpNode } from './stream.js';

describe('retargetCr3', () => {
  const body: OpNode[] = [
    leaf({ kind: 'cr3write', asid: 0, pages: 16, kernelPages: 0, site: 7 }, 1),
    { body: [leaf({ kind: 'pteWrite', asid: 0, site: 8 }, 93), leaf({ kind: 'pteWrite', asid: CURRENT_ASID, site: 9 }, 3)], count: 1 },
    leaf({ kind: 'cr3write', asid: 1, pages: 0, kernelPages: 0, site: 10 }, 1),
    leaf({ kind: 'cr3write', asid: 9000, pages: 0, kernelPages: 0, site: 11 }, 1),
  ];

  it('sends placeholder 0 to the target and 1 to the caller, keeps sites, counts and other address spaces', () => {
    expect(retargetCr3(body, 5, 3)).toEqual([
      leaf({ kind: 'cr3write', asid: 5, pages: 16, kernelPages: 0, site: 7 }, 1),
      { body: [leaf({ kind: 'pteWrite', asid: 5, site: 8 }, 93), leaf({ kind: 'pteWrite', asid: CURRENT_ASID, site: 9 }, 3)], count: 1 },
      leaf({ kind: 'cr3write', asid: 3, pages: 0, kernelPages: 0, site: 10 }, 1),
      leaf({ kind: 'cr3write', asid: 9000, pages: 0, kernelPages: 0, site: 11 }, 1),
    ]);
  });

  it('without a caller, placeholder 1 is left as written', () => {
    expect(retargetCr3(body, 5)[2]).toEqual(body[2]);
  });
});
