// The explicit registry of execution modes. A mode is available to scenarios
// exactly when it is listed here (no self-registration by import).
import type { ModeDefinition } from './actor.js';
import { hardwareMode } from './hardware.js';
import { interpreterMode } from './interpreter.js';
import { nativeMode } from './native.js';
import { nestedMode } from './nested.js';
import { softwareMode } from './software.js';
import { trapAndEmulateMode } from './trapAndEmulate.js';

/** Every execution mode, by id. */
export const MODES: Readonly<Record<string, ModeDefinition<any>>> = {
  native: nativeMode,
  software: softwareMode,
  hardware: hardwareMode,
  nested: nestedMode,
  // Not measured by the paper: designs the lecture notes compare (docs/modes.md).
  interpreter: interpreterMode,
  'trap-and-emulate': trapAndEmulateMode,
};

/** Mode ids in registry order. */
export const MODE_IDS: readonly string[] = Object.keys(MODES);
