// The schema of a scenario file (scenarios/**/*.yaml). Unknown keys are
// errors; every field says what it is for. The JSON Schema editors use
// (scenarios/scenario.schema.json) is generated from this.
import { z } from 'zod';
import { OpListSchema } from '../workload/spec.js';
import { MODE_IDS } from '../vmm/registry.js';
import { MAX_REPLICATES, SweepSchema } from './sweep.js';

const modelName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'a model name: letters, digits, ".", "_" or "-"');

/** One workload: a body of operations repeated `repeat` times. */
export const WorkloadSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a workload name: letters, digits, ".", "_" or "-"').describe('name shown in results'),
    description: z.string().optional().describe('what the workload stands for'),
    repeat: z.int().positive().max(1e12).default(1).describe('iterations of the body; metrics.cyclesPerIteration divides by it'),
    ops: OpListSchema.describe('the body: primitives, composite uses and loops, in order'),
  })
  .describe('a guest workload');

/** Overrides by dotted key: `cpu.vmx.vmExitCycles: 1186`, `seed: 3`, `cpu: core2`. */
export const SetSchema = z
  .record(z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a dotted key such as cpu.vmx.vmExitCycles'), z.unknown())
  .describe('parameter overrides by dotted key, applied before validation; --set on the command line wins over these');

/** A scenario file. */
export const ScenarioSchema = z
  .strictObject({
    name: z.string().min(1).describe('scenario name, the first column of results'),
    description: z.string().optional().describe('what question the scenario answers'),
    seed: z.int().nonnegative().max(2 ** 32 - 1).default(1).describe('seed of the simulation RNG'),
    cpu: modelName.default('pentium4').describe('microarchitecture: models/cpu/NAME.yaml'),
    guest: modelName.optional().describe('guest OS profile providing composite operations: models/guest/NAME.yaml'),
    vmms: z.array(z.enum(MODE_IDS as [string, ...string[]])).min(1).default(['native']).describe('execution modes to compare'),
    workloads: z.array(WorkloadSchema).min(1).describe('the workloads, each run under every mode'),
    set: SetSchema.default({}),
    replicates: z.int().positive().max(MAX_REPLICATES).default(1)
      .describe('independent runs of every point; replicate 0 uses `seed`, replicate r a seed derived from it, the same at every point'),
    sweep: SweepSchema.optional(),
  })
  .describe('a vmmsim scenario');

/** A validated scenario. */
export type Scenario = z.infer<typeof ScenarioSchema>;
export type Workload = z.infer<typeof WorkloadSchema>;
