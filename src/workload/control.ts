// Control items: entries of a guest stream that are not operations a cost
// actor charges, but instructions to the guest scheduler (block on a device,
// wait for a trace timestamp). Kept out of the Op union so cost actors never
// see them.
import type { Op } from './ops.js';

/** Devices whose completions arrive as interrupts. */
export const DEVICES = ['disk', 'net'] as const;
export type Device = (typeof DEVICES)[number];

/** The running task blocks until `device` completes (after the device's latency). */
export interface BlockItem { kind: 'block'; device: Device }
/** The stream does not continue before absolute time `cycles` (trace timestamps). */
export interface WaitUntilItem { kind: 'waitUntil'; cycles: number }

/** A scheduler instruction inside a stream. */
export type ControlItem = BlockItem | WaitUntilItem;

/** What a stream yields: an operation to charge, or a scheduler instruction. */
export type StreamItem = Op | ControlItem;

/**
 * Bits of an item's kind that runners branch on. A leaf of an op tree keeps
 * its item's bits (see stream.ts `leaf`), so a runner reads one field of a
 * leaf instead of the `kind` of an item, whose shape varies with its kind
 * (a load V8 cannot specialise, the dearest line of a guest system's loop).
 */
export const ITEM = { block: 1, waitUntil: 2, cr3write: 4, compute: 8 } as const;
/** Items that are scheduler instructions, not operations. */
export const ITEM_CONTROL = ITEM.block | ITEM.waitUntil;

/** The {@link ITEM} bits of `item` (0 for most operations). */
export function itemCode(item: StreamItem): number {
  switch (item.kind) {
    case 'block': return ITEM.block;
    case 'waitUntil': return ITEM.waitUntil;
    case 'cr3write': return ITEM.cr3write;
    case 'compute': return ITEM.compute;
    default: return 0;
  }
}
