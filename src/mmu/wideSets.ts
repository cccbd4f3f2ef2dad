// The wide-set (16+ ways) body of SetAssocLru: exact true LRU with O(1)
// lookup, victim choice and flush, where a scan of the set would cost a
// pass over every way (the 64-way fully associative L1 TLB misses on nearly
// every access of a random stream over a large block, and a scan finds
// neither the key nor the victim before the end of the set).
//
// Why it is the same LRU as the scan: a set's observable state is its
// valid keys in recency order (which slot holds a key is invisible). Here
// each set keeps its slots on a circular list ordered by stamp, most recent
// first; slots never filled (stamp 0) start at the tail, a hit or a fill
// moves its slot to the head with the next stamp. A flush only raises
// `validFrom`, so the invalid slots (stamp < validFrom) are always a suffix
// of the list: the tail is an invalid slot when the set has one, else the
// least recently used entry — exactly the victim the scan chooses up to
// which invalid slot it is. A hash index (key → slot, linear probing,
// backward-shift deletion) finds a key's slot; a key is in at most one slot,
// and a fill of a key whose stale (flushed) copy is still indexed reuses
// that invalid slot.

/** Exact LRU over `sets` sets of `ways` slots; slot `s` belongs to set ⌊s / ways⌋. */
export class WideSets {
  private readonly ways: number;
  /** log2(ways) when ways is a power of two (slot → set by a shift), else −1. */
  private readonly waysShift: number;
  private readonly keys: Float64Array; // -1 = never filled
  private readonly stamps: Float64Array; // below `validFrom` = invalid
  /** Circular lists: nodes 0 … entries−1 are slots, node entries + set is that set's sentinel (next = MRU, prev = LRU). */
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** Open-addressing index: slot holding the key that hashes here, or −1. */
  private readonly index: Int32Array;
  /** Home bucket of each indexed slot's key, so a deletion rehashes nothing. */
  private readonly homes: Int32Array;
  private readonly indexMask: number;
  private readonly indexShift: number;
  private clock = 0;
  /** Stamps below this are invalid: a flush raises it past every stamp given out (O(1)). */
  private validFrom = 1;
  /**
   * The key of the last lookup that missed, its home bucket and the slot
   * `find` gave for it: a fill of that key right after needs no second
   * search. Only a fill changes the index, and every fill forgets the memo,
   * so it is never stale.
   */
  private missKey = -1;
  private missSlot = -1;
  private missHome = 0;

  constructor(sets: number, ways: number) {
    const entries = sets * ways;
    this.ways = ways;
    this.waysShift = (ways & (ways - 1)) === 0 ? Math.log2(ways) : -1;
    this.keys = new Float64Array(entries).fill(-1);
    this.stamps = new Float64Array(entries);
    this.homes = new Int32Array(entries);
    this.next = new Int32Array(entries + sets);
    this.prev = new Int32Array(entries + sets);
    for (let set = 0; set < sets; set++) {
      const sentinel = entries + set;
      let p = sentinel;
      for (let s = set * ways; s < (set + 1) * ways; s++) {
        this.next[p] = s;
        this.prev[s] = p;
        p = s;
      }
      this.next[p] = sentinel;
      this.prev[sentinel] = p;
    }
    // At most a quarter full, so probe chains stay short.
    const bits = Math.max(4, Math.ceil(Math.log2(4 * entries)));
    this.index = new Int32Array(2 ** bits).fill(-1);
    this.indexMask = 2 ** bits - 1;
    this.indexShift = 32 - bits;
  }

  /** Look `key` up; on a hit make it most recently used. */
  lookup(key: number): boolean {
    const home = this.home(key);
    const s = this.find(key, home);
    if (s >= 0 && this.stamps[s] >= this.validFrom) {
      this.stamps[s] = ++this.clock;
      const shift = this.waysShift;
      this.toFront(s, this.keys.length + (shift >= 0 ? s >> shift : (s / this.ways) | 0));
      return true;
    }
    this.missKey = key;
    this.missSlot = s;
    this.missHome = home;
    return false;
  }

  /** Whether `key` is held, without changing recency. */
  contains(key: number): boolean {
    const s = this.find(key, this.home(key));
    return s >= 0 && this.stamps[s] >= this.validFrom;
  }

  /** Insert `key` (not held) into `set` (its set) as most recently used, evicting the set's LRU entry if it is full. */
  fill(set: number, key: number): void {
    if (key === this.missKey) {
      this.missKey = -1;
      this.fillAt(set, key, this.missSlot, this.missHome);
      return;
    }
    this.missKey = -1;
    const home = this.home(key);
    this.fillAt(set, key, this.find(key, home), home);
  }

  /** Invalidate every entry. */
  flush(): void {
    this.validFrom = this.clock + 1;
  }

  /** Fill `key` (home bucket `home`) into `set`; `stale` is the (invalid) slot still indexed under `key`, or −1. */
  private fillAt(set: number, key: number, stale: number, home: number): void {
    const sentinel = this.keys.length + set;
    let v = stale;
    if (v < 0) {
      v = this.prev[sentinel]; // the tail: an invalid slot if the set has one, else its LRU entry
      if (this.keys[v] >= 0) this.unindex(v);
      this.keys[v] = key;
      this.indexSlot(v, home);
    }
    this.stamps[v] = ++this.clock;
    this.toFront(v, sentinel);
  }

  /** Move slot `s` to the head of the list whose sentinel is `sentinel`. */
  private toFront(s: number, sentinel: number): void {
    const next = this.next;
    const prev = this.prev;
    if (next[sentinel] === s) return;
    const p = prev[s];
    const n = next[s];
    next[p] = n;
    prev[n] = p;
    const head = next[sentinel];
    next[s] = head;
    prev[head] = s;
    next[sentinel] = s;
    prev[s] = sentinel;
  }

  /** Home bucket of `key`: a multiplicative hash of its low and high 32 bits (keys are integers below 2^53). */
  private home(key: number): number {
    // key · 2^−32 is key / 2^32 exactly (a power of two), without a division's latency.
    const h = Math.imul((key >>> 0) ^ Math.imul((key * 2.3283064365386963e-10) >>> 0, 0x85ebca6b), 0x9e3779b1);
    return h >>> this.indexShift;
  }

  /** The slot indexed under `key` (valid or stale), or −1; `home` is its home bucket. */
  private find(key: number, home: number): number {
    const index = this.index;
    const keys = this.keys;
    const mask = this.indexMask;
    for (let i = home; ; i = (i + 1) & mask) {
      const s = index[i];
      if (s < 0 || keys[s] === key) return s;
    }
  }

  /** Index slot `s` under its key (not indexed yet), whose home bucket is `home`. */
  private indexSlot(s: number, home: number): void {
    const index = this.index;
    const mask = this.indexMask;
    let i = home;
    this.homes[s] = i;
    while (index[i] >= 0) i = (i + 1) & mask;
    index[i] = s;
  }

  /** Remove slot `s` (indexed under its key) from the index, shifting later members of its probe run back. */
  private unindex(s: number): void {
    const index = this.index;
    const homes = this.homes;
    const mask = this.indexMask;
    let hole = homes[s];
    while (index[hole] !== s) hole = (hole + 1) & mask;
    for (let j = (hole + 1) & mask; index[j] >= 0; j = (j + 1) & mask) {
      // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
      const h = homes[index[j]];
      const stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (!stays) {
        index[hole] = index[j];
        hole = j;
      }
    }
    index[hole] = -1;
  }
}
