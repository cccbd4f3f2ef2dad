// Compiles one validated workload (any of its four forms) against the guest
// profile and CPU: single streams into an op tree, guest systems and VMs into
// a CompiledSystem, traces into a lazy source description. Calibration from
// a measured native time happens here because it needs the CPU's native costs.
import { dirname, isAbsolute, join } from 'node:path';
import type { CpuModel } from '../vmm/cpu.js';
import { nativeCycles } from '../vmm/native.js';
import { SpecError, type KeyPath, type ModelKey, type WorkloadCompiler } from '../workload/expand.js';
import { leaf, type OpNode } from '../workload/stream.js';
import type { Op } from '../workload/ops.js';
import { NativeMmuPrices } from './nativeMmuPrices.js';
import { shiftAsids } from '../workload/retarget.js';
import type { CompiledGuest, CompiledSystem, CompiledTask } from '../workload/system.js';
import type { GuestModel } from './guestSchema.js';
import type { Workload } from './scenarioSchema.js';
import { z } from 'zod';
import type { CalibrateSchema, VmSchema } from './scenarioSchema.js';

/** A trace file to replay. */
export interface TraceSource {
  path: string;
  format: 'jsonl' | 'csv';
}

/** A workload ready to simulate. */
export interface CompiledWorkload {
  name: string;
  /** Iterations, for metrics.cyclesPerIteration (requests for client workloads). */
  repeat: number;
  /** Guest systems: what `repeat` counts, in words for table headers ("requests from web's clients"). */
  iterationsOf?: string;
  /** Report metrics.iterationsPerSecond. */
  perSecond?: boolean;
  /** Single stream: one iteration of the body (it runs `repeat` times, after `setup`). */
  body: OpNode[];
  /** Single stream: entries run once before the body. */
  setup?: OpNode[];
  system?: CompiledSystem;
  trace?: TraceSource;
}

/** Everything compilation needs besides the workload. */
export interface CompileContext {
  compiler: WorkloadCompiler;
  cpu: CpuModel;
  guest: GuestModel | null;
  scenarioFile: string;
}

type Calibrate = z.infer<typeof CalibrateSchema>;
type SystemPart = Pick<z.infer<typeof VmSchema>, 'scheduler' | 'devices' | 'processes' | 'server' | 'clients'>;

/**
 * Native cycles of one pass over `nodes` (control items cost nothing).
 * `price` prices one operation: by default the fixed native price, under
 * which TLB misses and memory streams cost nothing (the MMU model prices
 * them; calibration passes {@link NativeMmuPrices}).
 */
export function nativeCyclesOf(cpu: CpuModel, nodes: readonly OpNode[], price: (op: Op) => number = (op) => nativeCycles(cpu, op)): number {
  let sum = 0;
  for (const n of nodes) {
    if ('body' in n) sum += n.count * nativeCyclesOf(cpu, n.body, price);
    else if (n.op.kind !== 'block' && n.op.kind !== 'waitUntil') sum += n.count * price(n.op);
  }
  return sum;
}

/** Memory accesses calibration runs on its scratch MMU to find a body's steady state (~50 ms). */
const CALIBRATION_ACCESSES = 2 ** 18;

/** Memory accesses of one pass over `nodes`. */
function accessesOf(nodes: readonly OpNode[]): number {
  let sum = 0;
  for (const n of nodes) sum += n.count * ('body' in n ? accessesOf(n.body) : n.op.kind === 'memory' ? n.op.accesses : 0);
  return sum;
}

/**
 * Native cycles of one of `repeat` passes over `body`. Without memory
 * streams every pass costs the same. With them a pass's cost depends on the
 * TLB and caches the passes before left, so passes run on the scratch MMU
 * (all of them when they are few, else about CALIBRATION_ACCESSES accesses'
 * worth) and the mean of the second half is taken: the steady state.
 */
function steadyPassCycles(cpu: CpuModel, body: readonly OpNode[], repeat: number, price: (op: Op) => number): number {
  const accesses = accessesOf(body);
  if (accesses === 0) return nativeCyclesOf(cpu, body, price);
  const passes = Math.min(repeat, Math.max(2, Math.ceil(CALIBRATION_ACCESSES / accesses)));
  // Every pass run: the mean of all is exact up to the interleaving with other processes.
  const measured = passes === repeat ? passes : Math.floor(passes / 2);
  let sum = 0;
  for (let i = 0; i < passes; i++) {
    const c = nativeCyclesOf(cpu, body, price);
    if (i >= passes - measured) sum += c;
  }
  return sum / measured;
}

function blocks(nodes: readonly OpNode[]): boolean {
  return nodes.some((n) => ('body' in n ? blocks(n.body) : n.op.kind === 'block'));
}

/** Compile workload `w` found at `path` in the scenario. */
export function compileWorkload(ctx: CompileContext, w: Workload, path: KeyPath): CompiledWorkload {
  return { ...compileForm(ctx, w, path), perSecond: w.perSecond };
}

function compileForm(ctx: CompileContext, w: Workload, path: KeyPath): CompiledWorkload {
  if (w.trace !== undefined) {
    // An absolute path is used as written; a relative one is relative to the scenario file (and stays
    // relative, so errors name it as the user would).
    const file = isAbsolute(w.trace) ? w.trace : join(dirname(ctx.scenarioFile), w.trace);
    const format = /\.csv$/i.test(file) ? 'csv' : /\.jsonl?$/i.test(file) ? 'jsonl' : null;
    if (format === null) throw new SpecError(`a trace file must end in .jsonl or .csv: ${w.trace}`, { doc: 'scenario', path: [...path, 'trace'] });
    return { name: w.name, repeat: w.repeat, body: [], trace: { path: file, format } };
  }
  if (w.ops !== undefined) {
    const setup = w.setup ? ctx.compiler.compile(w.setup, [...path, 'setup']) : [];
    const body = ctx.compiler.compile(w.ops, [...path, 'ops']);
    if (blocks(setup) || blocks(body)) throw new SpecError('a single stream cannot block on a device; write the workload as processes: with devices:', { doc: 'scenario', path: [...path, 'ops'] });
    calibrate(ctx, w.calibrate, setup, body, w.repeat, [...path, 'calibrate']);
    return { name: w.name, repeat: w.repeat, body, setup };
  }
  const parts: Array<{ name: string; part: SystemPart; at: KeyPath }> = w.vms
    ? w.vms.flatMap((v, i) => Array.from({ length: v.count }, (_, k) => ({ name: v.count > 1 ? `${v.name}.${k + 1}` : v.name, part: v, at: [...path, 'vms', i] })))
    : [{ name: w.name, part: w, at: path }];
  const guests = parts.map((p) => compileGuest(ctx, p.name, p.part, p.at));
  const host = w.host ?? { quantumMs: 10, vmSwitchCycles: 6000 };
  const system: CompiledSystem = { guests, hostQuantumUs: host.quantumMs * 1000, vmSwitchCycles: host.vmSwitchCycles };
  const g0 = guests[0];
  const oneProcess = g0.tasks.length === 1 && guests.length === 1;
  const iterations = g0.clients ? g0.clients.requests : oneProcess ? w.processes![0].repeat : w.repeat;
  const iterationsOf = g0.clients ? `requests from ${g0.name}'s clients` : oneProcess ? `iterations of process ${g0.tasks[0].name}` : "iterations (the workload's repeat)";
  return { name: w.name, repeat: iterations, iterationsOf, body: [], system };
}

function compileGuest(ctx: CompileContext, name: string, p: SystemPart, at: KeyPath): CompiledGuest {
  const guest = ctx.guest;
  if (guest === null) throw new SpecError('a guest system (processes, server, vms) needs a guest profile: set guest: in the scenario', { doc: 'scenario', path: at });
  const c = ctx.compiler;
  const tasks: CompiledTask[] = [];
  let nextAsid = 1;
  (p.processes ?? []).forEach((proc, i) => {
    const pat = [...at, 'processes', i];
    const setup = proc.setup ? c.compile(proc.setup, [...pat, 'setup']) : [];
    const body = c.compile(proc.ops, [...pat, 'ops']);
    calibrate(ctx, proc.calibrate, setup, body, proc.repeat, [...pat, 'calibrate']);
    const first = proc.asid ?? nextAsid;
    for (let k = 0; k < proc.count; k++) {
      const asid = proc.threads ? first : first + k;
      const own = proc.asidStride > 0 && k > 0 ? shiftAsids(body, k * proc.asidStride) : body;
      tasks.push({ name: proc.count > 1 ? `${proc.name}.${k + 1}` : proc.name, asid, body: [...setup, { body: own, count: proc.repeat }], repeat: 1 });
    }
    nextAsid = Math.max(nextAsid, (proc.threads ? first : first + proc.count - 1) + 1);
  });
  const server = p.server
    ? {
        workers: p.server.workers,
        asids: Array.from({ length: p.server.workers }, (_, k) => (p.server!.threads ? nextAsid : nextAsid + k)),
        request: c.compile(p.server.ops, [...at, 'server', 'ops']),
      }
    : null;
  const quantumMs = p.scheduler?.quantumMs ?? guest.quantumMs;
  const devices: CompiledGuest['devices'] = {};
  if (p.devices?.disk) devices.disk = p.devices.disk.latencyUs;
  if (p.devices?.net) devices.net = p.devices.net.latencyUs;
  return {
    name,
    timerHz: guest.timerHz,
    quantumTicks: Math.max(1, Math.round((quantumMs / 1000) * guest.timerHz)),
    timer: p.scheduler?.timer ?? true,
    devices,
    tasks,
    server,
    clients: p.clients ? { count: p.clients.count, requests: p.clients.requests, latencyUs: p.clients.latencyUs, thinkUs: p.clients.thinkUs } : null,
    composites: {
      contextSwitch: c.compositeBody('contextSwitch'),
      threadSwitch: c.compositeBody('threadSwitch'),
      timerTick: c.compositeBody('timerTick'),
      deviceInterrupt: { disk: c.compositeBody('diskInterrupt'), net: c.compositeBody('netInterrupt') },
    },
  };
}

/** The model key calibration reads besides the measured time: the CPU's clock turns seconds into cycles. */
const CLOCK: readonly ModelKey[] = [{ model: 'cpu', path: ['clockGHz'] }];

/**
 * Append to `body` the plain computation that makes the native run take the
 * measured time: (seconds × clock − native cycles of setup and body) / repeat.
 */
function calibrate(ctx: CompileContext, cal: Calibrate | undefined, setup: OpNode[], body: OpNode[], repeat: number, at: KeyPath): void {
  if (cal === undefined) return;
  const seconds = cal.seconds[ctx.cpu.name];
  if (seconds === undefined) {
    throw new SpecError(`no measured native time for cpu "${ctx.cpu.name}" (have: ${Object.keys(cal.seconds).join(', ')}); calibration needs one`, { doc: 'scenario', path: [...at, 'seconds'] });
  }
  const total = seconds * ctx.cpu.clockGHz * 1e9;
  // TLB misses and memory streams are priced by the MMU model, as the native actor charges them.
  const mmu = new NativeMmuPrices(ctx.cpu);
  const price = (op: Op) => mmu.cycles(op);
  const setupCycles = nativeCyclesOf(ctx.cpu, setup, price);
  const rest = (total - setupCycles - repeat * steadyPassCycles(ctx.cpu, body, repeat, price)) / repeat;
  if (!Number.isFinite(rest)) {
    throw new SpecError(`the measured ${seconds} s at ${ctx.cpu.clockGHz} GHz is more cycles than a number can hold (the computation to calibrate overflows); expected a measured time in seconds`, { doc: 'scenario', path: [...at, 'seconds', ctx.cpu.name] }, CLOCK);
  }
  if (rest < 0) {
    throw new SpecError(`the operations alone take longer natively than the measured ${seconds} s on ${ctx.cpu.name} at ${ctx.cpu.clockGHz} GHz; no computation is left to calibrate`, { doc: 'scenario', path: [...at, 'seconds', ctx.cpu.name] }, CLOCK);
  }
  // Kernel code is not free under BT: the time left over is kernel code with
  // the guest's density of indirect control flow (call/ret pairs), which a
  // binary translator runs through its hash lookup. Natively the pairs are
  // part of the measured time, so the plain computation shrinks by their cost.
  const perK = cal.mode === 'kernel' ? (ctx.guest?.kernelCallretsPerKCycles ?? 0) : 0;
  const pairs = Math.floor((rest / 1000) * perK);
  const callret = pairs > 0 ? nativeCycles(ctx.cpu, { kind: 'callret' }) : 0;
  body.push(leaf({ kind: 'compute', cycles: rest - pairs * callret, mode: cal.mode }, 1));
  if (pairs > 0) body.push(leaf({ kind: 'callret' }, pairs));
}
