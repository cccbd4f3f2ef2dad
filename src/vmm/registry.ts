// The explicit registry of execution modes. A mode is available to scenarios
// exactly when it is listed here (no self-registration by import).
import type { ModeDefinition } from './actor.js';
import { hardwareMode } from './hardware.js';
import { nativeMode } from './native.js';
import { nestedMode } from './nested.js';
import { softwareMode } from './software.js';

/** Every execution mode, by id. */
export const MODES: Readonly<Record<string, ModeDefinition<any>>> = {
  native: nativeMode,
  software: softwareMode,
  hardware: hardwareMode,
  nested: nestedMode,
};

/** Mode ids in registry order. */
export const MODE_IDS: readonly string[] = Object.keys(MODES);
