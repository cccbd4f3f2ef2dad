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

/** True for scheduler instructions (never passed to a cost actor). */
export function isControl(item: StreamItem): item is ControlItem {
  return item.kind === 'block' || item.kind === 'waitUntil';
}
