// A set-associative cache of numeric keys with true LRU replacement, on typed
// arrays so a lookup allocates nothing. TLBs, page-walk caches, the nested
// TLB and the L1D/L2 line caches of the walk model are all instances of it.
import { WideSets } from './wideSets.js';

/** Sets at least this wide use {@link WideSets} (O(1) lookup and victim) instead of a scan of the set. */
export const WIDE_WAYS = 16;

/** Geometry of one set-associative structure. */
export interface Geometry {
  /** Total entries (lines); a multiple of `ways`. */
  readonly entries: number;
  /** Associativity; `ways === entries` is fully associative, 1 is direct-mapped. */
  readonly ways: number;
}

/**
 * Physically indexed caches: keys are line numbers and `frameLines` lines
 * make a 4 KB page frame. Frames are spread over the sets by a hash, as an
 * OS allocator hands out effectively random frames, while lines of one
 * frame keep consecutive sets. Without it, the model's power-of-two-aligned
 * table bases would all collide in a few sets.
 */
export interface FrameHashing {
  readonly frameLines: number;
}

/**
 * Set-associative LRU cache of non-negative integer keys (< 2^53). The set is
 * the key modulo the number of sets; recency is a per-entry stamp from a
 * monotone counter, so the victim is the valid entry with the smallest stamp.
 * Narrow sets are scanned; sets of {@link WIDE_WAYS} or more ways live in a
 * {@link WideSets}, the same LRU with O(1) lookup and victim choice.
 */
export class SetAssocLru {
  /** Number of sets. */
  readonly sets: number;
  readonly ways: number;
  private readonly keys: Float64Array; // -1 = invalid (real keys are non-negative)
  private readonly stamps: Float64Array; // below `validFrom` = invalid
  private clock = 0;
  /**
   * Stamps below this are invalid: a flush raises it past every stamp given
   * out so far instead of clearing the arrays, so a flush costs O(1) (a VMM
   * without VPID flushes the TLB on every exit).
   */
  private validFrom = 1;
  /** Lines per frame when frames are hashed over sets; 0 when keys index sets directly. */
  private readonly frameLines: number;
  private readonly frameSlots: number;
  /**
   * `n − 1` for each modulus that is a power of two, else −1: keys exceed
   * 2^32, and `%` on such doubles is a floating-point remainder (a call),
   * while the low bits of ToUint32(key) give the same result exactly.
   */
  private readonly setsMask: number;
  private readonly frameLinesMask: number;
  private readonly frameSlotsMask: number;
  /** Sets of 16 or more ways: the exact O(1) structure (see {@link WideSets}); null for narrow sets, which are scanned. */
  private readonly wide: WideSets | null;
  private readonly entryCount: number;

  constructor(geometry: Geometry, hashing?: FrameHashing) {
    const { entries, ways } = geometry;
    if (!Number.isInteger(entries) || !Number.isInteger(ways) || entries < 0 || ways < 1 || entries % ways !== 0) {
      throw new RangeError(`bad geometry: ${entries} entries, ${ways} ways (entries must be a multiple of ways)`);
    }
    this.ways = ways;
    this.sets = entries / ways;
    // A wide structure keeps its entries in `wide`; these stay empty.
    const scanned = ways >= WIDE_WAYS ? 0 : entries;
    this.keys = new Float64Array(scanned).fill(-1);
    this.stamps = new Float64Array(scanned);
    const fl = hashing?.frameLines ?? 0;
    this.frameLines = fl > 0 && this.sets >= fl && this.sets % fl === 0 ? fl : 0;
    this.frameSlots = this.frameLines > 0 ? this.sets / this.frameLines : 0;
    const mask = (n: number) => (n > 0 && n <= 2 ** 31 && (n & (n - 1)) === 0 ? n - 1 : -1);
    this.setsMask = mask(this.sets);
    this.frameLinesMask = mask(this.frameLines);
    this.frameSlotsMask = mask(this.frameSlots);
    this.entryCount = entries;
    this.wide = ways >= WIDE_WAYS && this.sets > 0 ? new WideSets(this.sets, ways) : null;
  }

  /** Total capacity in entries. */
  get entries(): number {
    return this.entryCount;
  }

  /** Look `key` up; on a hit make it most recently used. */
  lookup(key: number): boolean {
    if (this.wide !== null) return this.wide.lookup(key);
    if (this.sets === 0) return false;
    const base = this.setOf(key) * this.ways;
    const end = base + this.ways;
    const keys = this.keys;
    const stamps = this.stamps;
    const validFrom = this.validFrom;
    for (let i = base; i < end; i++) {
      if (keys[i] === key && stamps[i] >= validFrom) {
        stamps[i] = ++this.clock;
        return true;
      }
    }
    return false;
  }

  /** Look `key` up without changing recency (for tests and inspection). */
  contains(key: number): boolean {
    if (this.wide !== null) return this.wide.contains(key);
    if (this.sets === 0) return false;
    const base = this.setOf(key) * this.ways;
    for (let i = base; i < base + this.ways; i++) if (this.keys[i] === key && this.stamps[i] >= this.validFrom) return true;
    return false;
  }

  /** Insert `key` (assumed absent) as most recently used, evicting the set's LRU entry if full. */
  fill(key: number): void {
    if (this.wide !== null) {
      this.wide.fill(this.setOf(key), key);
      return;
    }
    if (this.sets === 0) return;
    const base = this.setOf(key) * this.ways;
    const end = base + this.ways;
    const stamps = this.stamps;
    const validFrom = this.validFrom;
    let victim = base;
    let oldest = Infinity;
    for (let i = base; i < end; i++) {
      // An invalid entry counts as stamp 0: the first one in the set is the victim.
      const s = stamps[i] >= validFrom ? stamps[i] : 0;
      if (s < oldest) {
        oldest = s;
        victim = i;
        if (s === 0) break;
      }
    }
    this.keys[victim] = key;
    stamps[victim] = ++this.clock;
  }

  /** Look up and fill on a miss; returns whether it hit. */
  access(key: number): boolean {
    const wide = this.wide;
    if (wide !== null) {
      if (wide.lookup(key)) return true;
      wide.fill(this.setOf(key), key);
      return false;
    }
    if (this.sets === 0) return false;
    return this.accessInSet(this.setOf(key), key);
  }

  /**
   * {@link access} with the frame hash of `key` supplied (from
   * {@link frameHash}), so several caches indexed by the same line hash it once.
   */
  accessHashed(key: number, hash: number): boolean {
    const wide = this.wide;
    if (wide !== null) {
      if (wide.lookup(key)) return true;
      wide.fill(this.hashedOrDirectSet(key, hash), key);
      return false;
    }
    if (this.sets === 0) return false;
    return this.accessInSet(this.hashedOrDirectSet(key, hash), key);
  }

  /** The set of `key` whose frame hash is `hash`. */
  private hashedOrDirectSet(key: number, hash: number): number {
    return this.frameLines === 0 ? this.directSet(key) : this.hashedSet(key, hash);
  }

  /**
   * {@link lookup}, then {@link fill} on a miss, in one scan of the (narrow)
   * set: the victim is found while looking (the first invalid slot, else the
   * first with the smallest stamp), exactly as the two scans would find it.
   */
  private accessInSet(set: number, key: number): boolean {
    const base = set * this.ways;
    const end = base + this.ways;
    const keys = this.keys;
    const stamps = this.stamps;
    const validFrom = this.validFrom;
    let victim = base;
    let oldest = Infinity;
    for (let i = base; i < end; i++) {
      const st = stamps[i];
      if (st >= validFrom) {
        if (keys[i] === key) {
          stamps[i] = ++this.clock;
          return true;
        }
        if (st < oldest) {
          oldest = st;
          victim = i;
        }
      } else if (oldest !== 0) {
        oldest = 0;
        victim = i;
      }
    }
    keys[victim] = key;
    stamps[victim] = ++this.clock;
    return false;
  }

  /** Set index of `key`: its low 32 bits (ToUint32 is exact modulo 2^32) modulo the set count, or the frame hash (see {@link FrameHashing}). */
  private setOf(key: number): number {
    if (this.frameLines === 0) return this.directSet(key);
    return this.hashedSet(key, frameHash(key, this.frameLines));
  }

  /** Low 32 bits of `key` modulo the set count. */
  private directSet(key: number): number {
    const m = this.setsMask;
    return m >= 0 ? (key >>> 0) & m : (key >>> 0) % this.sets;
  }

  /** The set of line `key` in frame-hash slot `hash` (see {@link FrameHashing}). */
  private hashedSet(key: number, hash: number): number {
    const fl = this.frameLines;
    const slot = this.frameSlotsMask >= 0 ? (hash & this.frameSlotsMask) : hash % this.frameSlots;
    const line = this.frameLinesMask >= 0 ? (key >>> 0) & this.frameLinesMask : key % fl;
    return slot * fl + line;
  }

  /** Invalidate every entry (in O(1): every stamp given out so far becomes invalid). */
  flush(): void {
    this.wide?.flush();
    this.validFrom = this.clock + 1;
  }
}

/** Hash of the 4 KB frame holding line `key` (`frameLines` lines a frame): spreads frames over sets. */
export function frameHash(key: number, frameLines: number): number {
  const frame = Math.floor(key / frameLines);
  // frame · 2^−32 is frame / 2^32 exactly (a power of two), without a division's latency.
  const h = Math.imul((frame >>> 0) ^ Math.imul((frame * 2.3283064365386963e-10) >>> 0, 0x85ebca6b), 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}
