// Memory access streams: where a stretch of guest code touches memory. A
// stream is a working set in one region of an address space and a pattern;
// the MMU turns its addresses into TLB hits, misses and walks, so miss rates
// come out of the model rather than being typed in.
import type { Rng } from '../engine/rng.js';
import type { PageSize } from './mmuSchema.js';

/** Access patterns. */
export const PATTERNS = ['uniform', 'sequential', 'hotset'] as const;
export type Pattern = (typeof PATTERNS)[number];

/** Bytes between the bases of two regions (a region is one mapping, e.g. a heap). */
export const REGION_BYTES = 2 ** 36;

/** What a memory stream touches and how. */
export interface MemoryStreamSpec {
  /** Bytes of the working set, starting at the region's base. */
  readonly workingSetBytes: number;
  /** uniform: every byte equally likely; sequential: a strided sweep that wraps; hotset: a hot prefix gets `hotFraction` of the accesses. */
  readonly pattern: Pattern;
  /** Distance between consecutive accesses of the sequential pattern, bytes. */
  readonly strideBytes: number;
  /** Bytes of the hot set (hotset pattern), at the start of the working set. */
  readonly hotSetBytes: number;
  /** Fraction of accesses that go to the hot set (hotset pattern); the rest are uniform over the working set. */
  readonly hotFraction: number;
  /** Page size the guest maps the region with. */
  readonly pageSize: PageSize;
  /** Region index (0 … 63): which mapping of the address space the working set lies in. */
  readonly region: number;
}

/** Per-stream position (the sequential pattern's cursor); one per stream site, reused. */
export class StreamCursor {
  offset = 0;
}

/** The next virtual address of `spec` (allocation-free). */
export function nextAddress(spec: MemoryStreamSpec, cursor: StreamCursor, rng: Rng): number {
  const base = spec.region * REGION_BYTES;
  switch (spec.pattern) {
    case 'uniform':
      return base + Math.floor(rng.next() * spec.workingSetBytes);
    case 'sequential': {
      const off = cursor.offset;
      let next = off + spec.strideBytes;
      if (next >= spec.workingSetBytes) next -= spec.workingSetBytes;
      cursor.offset = next;
      return base + off;
    }
    case 'hotset': {
      // One draw decides both where and how far: below hotFraction it is
      // rescaled into the hot set, above it into the working set.
      const u = rng.next();
      const hf = spec.hotFraction;
      if (u < hf) return base + Math.floor((u / hf) * spec.hotSetBytes);
      return base + Math.floor(((u - hf) / (1 - hf)) * spec.workingSetBytes);
    }
  }
}
