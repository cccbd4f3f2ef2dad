import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng.js';
import { table2Model } from '../../test/mmuModel.js';
import { StreamCursor, type MemoryStreamSpec } from './memoryStream.js';
import { Mmu } from './mmu.js';

const stream = (over: Partial<MemoryStreamSpec>): MemoryStreamSpec => ({
  workingSetBytes: 64 * 4096, pattern: 'uniform', strideBytes: 64, hotSetBytes: 4096, hotFraction: 0.9,
  pageSize: '4K', region: 1, ...over,
});
const run = (mmu: Mmu, spec: MemoryStreamSpec, accesses: number, seed = 1) =>
  mmu.run(spec, new StreamCursor(), accesses, 0.5, new Rng(seed));

describe('Mmu: TLB misses come out of the stream', () => {
  it('a working set within TLB reach misses once per page (compulsory misses only)', () => {
    const mmu = new Mmu(table2Model(), 'native');
    run(mmu, stream({ workingSetBytes: 64 * 4096 }), 20_000);
    expect(mmu.tlbMisses).toBe(64);
    expect(mmu.walker.walks).toBe(64);
  });

  it('a page-strided sweep over more pages than the TLBs hold misses on every access (LRU)', () => {
    const mmu = new Mmu(table2Model(), 'native');
    run(mmu, stream({ pattern: 'sequential', strideBytes: 4096, workingSetBytes: 1024 * 4096 }), 5000);
    expect(mmu.tlbMisses).toBe(5000);
  });

  it('a sweep over 512 pages fits the level-2 TLB: misses only on the first pass', () => {
    const mmu = new Mmu(table2Model(), 'native');
    run(mmu, stream({ pattern: 'sequential', strideBytes: 4096, workingSetBytes: 512 * 4096 }), 5120);
    expect(mmu.tlbMisses).toBe(512);
  });

  it('2 MB guest pages cover a 64 MB working set with 32 translations natively', () => {
    const mmu = new Mmu(table2Model(), 'native');
    run(mmu, stream({ workingSetBytes: 64 * 2 ** 20, pageSize: '2M' }), 20_000);
    expect(mmu.tlbMisses).toBe(32);
    expect(mmu.walker.walkReferences).toBe(32 * 3);
  });

  it('nested paging over 4 KB host pages splinters 2 MB guest pages into 4 KB TLB entries', () => {
    const mmu = new Mmu(table2Model(), 'nested');
    expect(mmu.entrySize('2M')).toBe('4K');
    const big = new Mmu(table2Model({ hostPageSize: '2M' }), 'nested');
    expect(big.entrySize('2M')).toBe('2M');
    run(big, stream({ workingSetBytes: 64 * 2 ** 20, pageSize: '2M' }), 5000);
    expect(big.walker.walkReferences).toBe(big.tlbMisses * 15);
  });

  it('the hot-set pattern misses less as more accesses go to a hot set within TLB reach', () => {
    const misses = (hotFraction: number) => {
      const mmu = new Mmu(table2Model(), 'native');
      run(mmu, stream({ pattern: 'hotset', workingSetBytes: 2 ** 28, hotSetBytes: 2 ** 20, hotFraction }), 50_000);
      return mmu.tlbMisses;
    };
    const [a, b] = [misses(0.9), misses(0.99)];
    expect(a).toBeGreaterThan(5 * b);
    expect(b).toBeGreaterThan(256); // at least the hot set's compulsory misses
  });

  it('the same seed gives the same misses and walk cycles', () => {
    const go = () => {
      const mmu = new Mmu(table2Model(), 'nested');
      run(mmu, stream({ workingSetBytes: 2 ** 26 }), 20_000, 7);
      return mmu.metrics();
    };
    expect(go()).toEqual(go());
  });

  it('instructions are accesses divided by accesses per instruction', () => {
    const mmu = new Mmu(table2Model(), 'native');
    run(mmu, stream({}), 1000);
    expect(mmu.instructions).toBe(2000);
  });
});

describe('Mmu: CR3 writes, flushes and tags', () => {
  const onePage = stream({ workingSetBytes: 4096 });

  it('an untagged TLB is flushed by a CR3 write: the next access to the same page misses again', () => {
    const mmu = new Mmu(table2Model({ tlbTagged: false }), 'native');
    run(mmu, onePage, 10);
    mmu.cr3Write(1);
    mmu.cr3Write(0);
    run(mmu, onePage, 10);
    expect(mmu.tlbMisses).toBe(2);
  });

  it('a tagged TLB survives CR3 writes: returning to an address space hits its old entries', () => {
    const mmu = new Mmu(table2Model({ tlbTagged: true }), 'native');
    run(mmu, onePage, 10);
    mmu.cr3Write(1);
    mmu.cr3Write(0);
    run(mmu, onePage, 10);
    expect(mmu.tlbMisses).toBe(1);
  });

  it('with tags, the same virtual page in two address spaces is two translations', () => {
    const mmu = new Mmu(table2Model({ tlbTagged: true }), 'native');
    run(mmu, onePage, 10);
    mmu.cr3Write(1);
    run(mmu, onePage, 10);
    expect(mmu.tlbMisses).toBe(2);
  });

  it('an untagged CR3 write flushes the page-walk cache too', () => {
    const model = table2Model({ pwc: { design: '1D_PWC', entries: 24, ways: 24, hitCycles: 2 } });
    const mmu = new Mmu(model, 'native');
    run(mmu, onePage, 1);
    mmu.cr3Write(0);
    run(mmu, onePage, 1);
    expect(mmu.walker.pwcHits).toBe(0);
    const tagged = new Mmu({ ...model, tlbTagged: true }, 'native');
    run(tagged, onePage, 1);
    tagged.flush(); // an explicit flush (e.g. invlpg-all) still empties both
    run(tagged, stream({ workingSetBytes: 4096, region: 1 }), 1);
    expect(tagged.walker.pwcHits).toBe(0);
  });

  it('shadow walks read the shadow table in one dimension', () => {
    const mmu = new Mmu(table2Model(), 'shadow');
    run(mmu, stream({ workingSetBytes: 16 * 4096 }), 1000);
    expect(mmu.walker.walkReferences).toBe(16 * 4);
  });
});
