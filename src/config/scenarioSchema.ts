// The schema of a scenario file (scenarios/**/*.yaml). Unknown keys are
// errors; every field says what it is for. The JSON Schema editors use
// (scenarios/scenario.schema.json) is generated from this.
import { z } from 'zod';
import { OpListSchema } from '../workload/spec.js';
import { MODE_IDS } from '../vmm/registry.js';
import { MAX_REPLICATES, SweepSchema } from './sweep.js';
import { FORBIDDEN_KEYS } from './overrides.js';

const modelName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'a model name: letters, digits, ".", "_" or "-"');

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a name: letters, digits, ".", "_" or "-"');

/**
 * Measured native time used ONLY to set the plain computation per
 * iteration: the body gets one `compute` entry sized so that, natively, the
 * whole workload takes exactly this long on that CPU.
 */
export const CalibrateSchema = z
  .strictObject({
    seconds: z.record(modelName, z.number().finite().positive()).describe('measured native seconds of the whole workload, by cpu model name'),
    mode: z.enum(['user', 'kernel']).default('kernel').describe('privilege level of the computation it adds'),
  })
  .describe('size the plain computation per iteration from a measured native time');

const device = z.strictObject({ latencyUs: z.number().finite().nonnegative().describe('time from request to completion interrupt, µs') });

/** Devices a guest's tasks can block on. */
export const DevicesSchema = z
  .strictObject({ disk: device.optional(), net: device.optional() })
  .describe('devices with latencies; completion arrives as an interrupt');

/** Guest scheduler settings. */
export const SchedulerSchema = z
  .strictObject({
    quantumMs: z.number().finite().positive().optional().describe("time slice before preemption, ms (default: the guest profile's quantumMs)"),
    timer: z.boolean().default(true).describe("deliver timer interrupts at the guest's timerHz"),
  })
  .describe('the guest scheduler');

/** A guest process (or `count` of them). */
export const ProcessSchema = z
  .strictObject({
    name: name.describe('process name (copies are suffixed .1, .2, …)'),
    count: z.int().positive().max(10000).default(1).describe('identical copies'),
    threads: z.boolean().default(false).describe('the copies are threads of one address space (no cr3write between them)'),
    asid: z.int().nonnegative().optional().describe('address space id of the first copy (default: the next free id, starting at 1)'),
    asidStride: z.int().nonnegative().max(1e6).default(0)
      .describe('copy k (from 0) adds k × this to every address space its body names (cr3writes, fork children, …), so copies that create processes create their own; 0: the copies share them'),
    repeat: z.int().positive().max(1e12).default(1).describe('iterations of the body'),
    setup: OpListSchema.optional().describe('entries run once before the body'),
    ops: OpListSchema.describe('the body'),
    calibrate: CalibrateSchema.optional(),
  })
  .describe('a guest process');

/** Server workers that serve client requests. */
export const ServerSchema = z
  .strictObject({
    workers: z.int().positive().max(10000).describe('worker processes or threads'),
    threads: z.boolean().default(false).describe('workers are threads of one address space (else one process each)'),
    ops: OpListSchema.describe('the work of one request, from its arrival to the response'),
  })
  .describe('request-serving workers');

/** Closed-loop clients outside the guest. */
export const ClientsSchema = z
  .strictObject({
    count: z.int().positive().max(100000).describe('concurrent clients, each with one request outstanding'),
    requests: z.int().positive().max(1e9).describe('responses to collect before the run ends'),
    latencyUs: z.number().finite().nonnegative().default(0).describe('one-way network latency client↔guest, µs'),
    thinkUs: z.number().finite().nonnegative().default(0).describe('client think time between response and next request, µs'),
  })
  .describe('closed-loop clients; throughput is requests per second');

const systemShape = {
  scheduler: SchedulerSchema.optional(),
  devices: DevicesSchema.optional(),
  processes: z.array(ProcessSchema).min(1).optional().describe('processes under the guest scheduler'),
  server: ServerSchema.optional(),
  clients: ClientsSchema.optional(),
};

/** One VM of a multi-VM workload. */
export const VmSchema = z
  .strictObject({ name: name.describe('VM name'), count: z.int().positive().max(64).default(1).describe('identical VMs'), ...systemShape })
  .describe('a virtual machine sharing the CPU');

/** Host scheduling of several VMs on one CPU. */
export const HostSchema = z
  .strictObject({
    quantumMs: z.number().finite().positive().default(10).describe('host time slice per VM, ms'),
    vmSwitchCycles: z.number().finite().nonnegative().default(6000).describe('cycles of a switch between VMs (world switch + host context switch); not charged natively'),
  })
  .describe('host scheduling of VMs');

/**
 * One workload, in one of four forms: a single stream (`ops`), a guest
 * system (`processes` and/or `server`+`clients`), several VMs (`vms`), or a
 * trace file (`trace`).
 */
export const WorkloadSchema = z
  .strictObject({
    name: name.describe('name shown in results'),
    description: z.string().optional().describe('what the workload stands for'),
    // No zod default here: the refinement below must tell a repeat the user wrote from none (the transform applies the 1).
    repeat: z.int().positive().max(1e12).optional()
      .describe('iterations of the body (default 1); metrics.cyclesPerIteration divides by it. A guest system of one process repeats that process (processes.0.repeat), and one with clients counts their requests, so neither takes it'),
    perSecond: z.boolean().default(false).describe('also report iterations per second (metrics.iterationsPerSecond), for benchmarks scored in operations per second'),
    setup: OpListSchema.optional().describe('single stream: entries run once before the body'),
    ops: OpListSchema.optional().describe('single stream: the body (primitives, composite uses and loops, in order)'),
    calibrate: CalibrateSchema.optional(),
    ...systemShape,
    vms: z.array(VmSchema).min(1).optional().describe('several VMs sharing one CPU'),
    host: HostSchema.optional(),
    trace: z.string().min(1).optional().describe('a trace file (JSONL or CSV, by extension), relative to the scenario file'),
  })
  .superRefine((w, ctx) => {
    const forms = [w.ops && 'ops', (w.processes || w.server) && 'processes/server', w.vms && 'vms', w.trace && 'trace'].filter(Boolean);
    if (forms.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [], message: forms.length === 0
        ? 'a workload needs one of ops (a single stream), processes or server (a guest system), vms, or trace'
        : `a workload has exactly one form, but this one has ${forms.join(' and ')}` });
    }
    const sys = (v: { server?: unknown; clients?: unknown }, at: (string | number)[]) => {
      if (v.server && !v.clients) ctx.addIssue({ code: 'custom', path: [...at, 'server'], message: 'a server needs clients: (count, requests) to send it requests' });
      if (v.clients && !v.server) ctx.addIssue({ code: 'custom', path: [...at, 'clients'], message: 'clients need a server: (workers, ops) to serve them' });
    };
    sys(w, []);
    // Keys a form does not read are errors, not silent no-ops.
    if (!w.ops) {
      for (const key of ['setup', 'calibrate'] as const) {
        if (w[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `belongs to a single stream (ops:); in a guest system each process has its own ${key}:` });
      }
    }
    // A guest system's iterations, as compileWorkload counts them: the first guest's client requests, else
    // the one process's repeat when the system is one process, else this repeat (the divisor of several).
    const g0 = w.vms ? w.vms[0] : w.processes || w.server ? w : undefined;
    if (w.repeat !== undefined && g0 !== undefined) {
      const guests = w.vms ? w.vms.reduce((n, v) => n + v.count, 0) : 1;
      const tasks = (g0.processes ?? []).reduce((n, p) => n + p.count, 0);
      const whose = w.vms ? "the first VM's" : 'the';
      if (g0.clients) ctx.addIssue({ code: 'custom', path: ['repeat'], message: `does nothing here: the run ends after ${whose} clients' requests (clients.requests) and counts them` });
      else if (guests === 1 && tasks === 1) ctx.addIssue({ code: 'custom', path: ['repeat'], message: `does nothing here: a guest system of one process runs and counts that process's iterations; set ${w.vms ? 'vms.0.' : ''}processes.0.repeat` });
    }
    w.vms?.forEach((v, i) => {
      sys(v, ['vms', i]);
      if (!v.processes && !v.server) ctx.addIssue({ code: 'custom', path: ['vms', i], message: 'a VM needs processes or a server' });
    });
  })
  // The default repeat, applied after the check above could see whether one was written, so a
  // validated workload is what it always was (results directories identify a scenario by it).
  .describe('a guest workload')
  .transform((w) => ({ ...w, repeat: w.repeat ?? 1 }));

/** Overrides by dotted key: `cpu.vmx.vmExitCycles: 1186`, `seed: 3`, `cpu: core2`. */
export const SetSchema = z
  .record(
    z.string()
      .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a dotted key such as cpu.vmx.vmExitCycles')
      .refine((k) => !k.split('.').some((s) => FORBIDDEN_KEYS.has(s)), `a key of parameters, not of ${[...FORBIDDEN_KEYS].join(', ')}`),
    z.unknown(),
  )
  .describe('parameter overrides by dotted key, applied before validation; --set on the command line wins over these');

/** A scenario file. */
export const ScenarioSchema = z
  .strictObject({
    name: z.string().min(1).max(200).regex(/^[^\p{Cc}\p{Cs}\u2028\u2029\u202a-\u202e\u2066-\u2069]*$/u, 'one line of text without control characters, unpaired surrogates, line separators or text-direction controls (it becomes a CSV cell and a table heading)')
      .describe('scenario name, the first column of results'),
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
  .superRefine((s, ctx) => {
    // Results are keyed by workload × mode: a repeated one would print twice and merge into one series in charts.
    const twice = <T>(list: readonly T[]) => list.findIndex((x, i) => list.indexOf(x) !== i);
    const v = twice(s.vmms);
    if (v >= 0) ctx.addIssue({ code: 'custom', path: ['vmms', v], message: `mode "${s.vmms[v]}" is listed twice; expected each mode once` });
    const names = s.workloads.map((w) => w.name);
    const w = twice(names);
    if (w >= 0) ctx.addIssue({ code: 'custom', path: ['workloads', w, 'name'], message: `workload name "${names[w]}" is used twice; expected a unique name per workload` });
  })
  .describe('a vmmsim scenario');

/** A validated scenario. */
export type Scenario = z.infer<typeof ScenarioSchema>;
export type Workload = z.infer<typeof WorkloadSchema>;
