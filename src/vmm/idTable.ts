// A map from non-negative integer ids (instruction sites, address-space ids)
// to small integers, for per-operation lookups: a typed array indexed by id
// for the dense ids workloads normally use, a Map only for ids past
// DENSE_IDS (a scenario may name any id).

/** Ids below this are looked up by array index. */
export const DENSE_IDS = 1 << 16;

/** id → value (an int32), `missing` when unset. */
export class IdTable {
  private dense: Int32Array;
  private readonly sparse = new Map<number, number>();

  constructor(private readonly missing: number) {
    this.dense = new Int32Array(64).fill(missing);
  }

  /** The value stored for `id`, or `missing`. */
  get(id: number): number {
    if (id < DENSE_IDS) return id < this.dense.length ? this.dense[id] : this.missing;
    return this.sparse.get(id) ?? this.missing;
  }

  /** Store `value` for `id`. */
  set(id: number, value: number): void {
    if (id >= DENSE_IDS) {
      this.sparse.set(id, value);
      return;
    }
    if (id >= this.dense.length) {
      let n = this.dense.length;
      while (n <= id) n *= 2;
      const grown = new Int32Array(n).fill(this.missing);
      grown.set(this.dense);
      this.dense = grown;
    }
    this.dense[id] = value;
  }
}
