// Options shared by commands that load a scenario: overrides, the models
// directory and the limits (src/config/limits.ts) with the flags that raise them.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { LoadOptions } from '../../config/load.js';
import { DEFAULT_LIMITS, formatCount, LIMIT_FLAGS } from '../../config/limits.js';
import { SweepPlan } from '../../config/sweepPlan.js';

/** Options every scenario-loading command accepts. */
export interface ScenarioOptions {
  set: string[];
  models?: string;
  maxOps?: number;
  maxInputBytes?: number;
  maxPoints?: number;
  maxSimSeconds?: number;
  maxEvents?: number;
  maxResultsBytes?: number;
}

/** Parse a limit: a positive whole number, written plainly, with `_` separators or as `1e10`. */
export function parseLimit(text: string): number {
  // `_` only between digits (1_000_000), as in a numeric literal: '1_' and '1__0' are typos, not 1 and 10.
  const n = /^\s*\d+(_\d+)*(\.\d+)?([eE][+]?\d+)?\s*$/.test(text) ? Number(text.replaceAll('_', '')) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number, such as 2000000000 or 2e9.');
  return n;
}

/** Add --set (repeatable), --models and the limit flags to a command. */
export function addScenarioOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('-s, --set <key=value>', 'override a parameter by dotted key (repeatable), e.g. cpu=core2, cpu.vmx.vmExitCycles=1186, workloads.0.repeat=10')
        .argParser((v: string, prev: string[] = []) => [...prev, v])
        .default([], 'none'),
    )
    .option('--models <dir>', 'directory of model files (cpu/, vmm/, guest/)', undefined)
    .addOption(
      new Option(`${LIMIT_FLAGS.maxOpsPerRun} <n>`, `most guest operations plus memory accesses one workload may run under one mode (default: ${formatCount(DEFAULT_LIMITS.maxOpsPerRun)})`).argParser(parseLimit),
    )
    .addOption(
      new Option(`${LIMIT_FLAGS.maxInputBytes} <n>`, `largest scenario or model file read, bytes (default: ${formatCount(DEFAULT_LIMITS.maxInputBytes)})`).argParser(parseLimit),
    )
    .addOption(
      new Option(`${LIMIT_FLAGS.maxSweepPoints} <n>`, `most points the scenario's sweep may expand to (default: ${formatCount(DEFAULT_LIMITS.maxSweepPoints)})`).argParser(parseLimit),
    )
    .addOption(
      new Option(`${LIMIT_FLAGS.maxSimSeconds} <n>`, `most simulated seconds one workload may run under one mode (default: ${formatCount(DEFAULT_LIMITS.maxSimSeconds)})`).argParser(parseLimit),
    )
    .addOption(
      new Option(`${LIMIT_FLAGS.maxEvents} <n>`, `most simulation events one workload may process under one mode (default: ${formatCount(DEFAULT_LIMITS.maxEvents)})`).argParser(parseLimit),
    );
}

/** --max-results-bytes: the largest results.json, points/*.json or sweep.json read back (plot, merge, sweep resume). */
export function resultsBytesOption(): Option {
  return new Option(`${LIMIT_FLAGS.maxResultBytes} <n>`, `largest results file read back (results.json, points/*.json), bytes (default: ${formatCount(DEFAULT_LIMITS.maxResultBytes)})`)
    .argParser(parseLimit);
}

/** The loader options the shared flags ask for. */
export function loadOptionsOf(opts: ScenarioOptions): LoadOptions {
  return {
    set: opts.set, modelsDir: opts.models,
    limits: {
      maxOpsPerRun: opts.maxOps, maxInputBytes: opts.maxInputBytes, maxSweepPoints: opts.maxPoints,
      maxSimSeconds: opts.maxSimSeconds, maxEvents: opts.maxEvents, maxResultBytes: opts.maxResultsBytes,
    },
  };
}

/** Read a scenario and expand its sweep with the options' overrides and limits. */
export function planOf(file: string, opts: ScenarioOptions): SweepPlan {
  return SweepPlan.read(file, loadOptionsOf(opts));
}
