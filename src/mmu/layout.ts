// Where things live in physical memory, as far as caches can tell: the
// address of every page-table entry a walk reads and of every data line.
// Page-table pages of one level are laid out contiguously in virtual-address
// order (as a fresh OS allocates them), so the entry for `va` at level k sits
// at base + ⌊va / 2^(12+9(k−1))⌋ · 8: eight neighbouring entries share a
// 64-byte line, which is what gives upper levels their cache locality.
// All arithmetic is on doubles (addresses exceed 32 bits); every value stays
// below 2^53 so it is exact.

/** Bytes of each page size. */
export const PAGE_BYTES = { '4K': 4096, '2M': 2 ** 21 } as const;

/** Largest virtual address a stream may generate (exclusive): 2^42. */
export const VA_LIMIT = 2 ** 42;

/** Address spaces are folded onto 256 physical layouts (addresses must stay below 2^53). */
const asidSlot = (asid: number): number => asid % 256;

/** {@link levelSpanBytes} of levels 0 … 5, looked up: `2 **` with a variable exponent is a call to Math.pow on every walk step. */
const LEVEL_SPAN_BYTES = [0, 1, 2, 3, 4, 5].map((level) => 2 ** (12 + 9 * (level - 1)));

/** Bytes of address space one entry at `level` maps: 4 KB at level 1, 2 MB at 2, 1 GB at 3, … */
export function levelSpanBytes(level: number): number {
  return level >= 0 && level < LEVEL_SPAN_BYTES.length ? LEVEL_SPAN_BYTES[level] : 2 ** (12 + 9 * (level - 1));
}

/** 1 / {@link levelSpanBytes} of levels 0 … 5: reciprocals of powers of two, so multiplying by one is dividing, exactly, without a division's latency. */
const LEVEL_SPAN_RECIPROCALS = LEVEL_SPAN_BYTES.map((bytes) => 1 / bytes);

/** ⌊addr / levelSpanBytes(level)⌋: the number of the entry mapping `addr` at `level`. */
function entryNumber(level: number, addr: number): number {
  return level >= 0 && level < LEVEL_SPAN_RECIPROCALS.length ? Math.floor(addr * LEVEL_SPAN_RECIPROCALS[level]) : Math.floor(addr / levelSpanBytes(level));
}

/** Guest-physical address of the data at `va` of address space `asid` (below 2^50). */
export function dataGpa(asid: number, va: number): number {
  return asidSlot(asid) * VA_LIMIT + va;
}

/** Guest-physical address of the guest page-table entry for `va` at `level` (in [2^50, 2^51)). */
export function guestEntryGpa(asid: number, level: number, va: number): number {
  return 2 ** 50 + (asidSlot(asid) * 8 + level) * 2 ** 39 + entryNumber(level, va) * 8;
}

/** System-physical address of guest-physical `gpa`: the VMM backs guest memory contiguously (in [2^51, 2^52)). */
export function gpaToSpa(gpa: number): number {
  return gpa + 2 ** 51;
}

/** System-physical address of the nested page-table entry for `gpa` at `level` (in [2^52, 2^52 + 2^48)). */
export function nestedEntrySpa(level: number, gpa: number): number {
  return 2 ** 52 + level * 2 ** 45 + entryNumber(level, gpa) * 8;
}

/** System-physical address of the shadow page-table entry for `va` at `level` (in [2^52 + 2^50, 2^53)). */
export function shadowEntrySpa(asid: number, level: number, va: number): number {
  return 2 ** 52 + 2 ** 50 + (asidSlot(asid) * 8 + level) * 2 ** 39 + entryNumber(level, va) * 8;
}
