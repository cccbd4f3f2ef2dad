// The `native` mode: the bare CPU. Every operation costs the
// microarchitecture's native price; nothing is hidden, nothing translated.
// Memory streams go through the CPU's MMU model, walking the guest's own
// page table in one dimension.
import { Mmu } from '../mmu/mmu.js';
import { MemoryStreams } from './memoryStreams.js';
import type { Op } from '../workload/ops.js';
import type { ActorEnv, CostActor, ModeDefinition } from './actor.js';
import { CAT } from './categories.js';
import type { CpuModel } from './cpu.js';
import type { Ledger } from './ledger.js';

/**
 * Native cost of one operation on `cpu`, in cycles (pure). TLB misses and
 * memory streams are priced by the MMU model (a walk's cost depends on the
 * page-table depth, walk caches and the working set), so they are 0 here
 * and charged by the actor through {@link MemoryStreams}.
 */
export function nativeCycles(cpu: CpuModel, op: Op): number {
  const n = cpu.native;
  switch (op.kind) {
    case 'compute': return op.cycles;
    case 'syscall': return n.syscallCycles;
    case 'io': return op.dir === 'in' ? n.inCycles : n.outCycles;
    case 'cr8write': return n.cr8WriteCycles;
    case 'cr3write': return n.cr3WriteCycles;
    case 'callret': return n.callretCycles;
    case 'pgfault': return n.pageFaultCycles;
    case 'pteWrite': return n.pteWriteCycles;
    case 'exception': return n.exceptionCycles[op.vector];
    case 'rdtsc': return n.rdtscCycles;
    case 'newKernelCode': return 0; // natively, new code is just code
    case 'tlbMiss': case 'memory': return 0; // priced by the MMU model: see MemoryStreams
    case 'interrupt': return n.interruptCycles;
    case 'mmCreate': case 'mmDestroy': return 0; // the guest's page-table work is its own compute and pteWrites
  }
}

/** Category index each op kind is charged to natively (a switch: no keyed lookup on the hot path). */
export function nativeCategory(kind: Op['kind']): number {
  switch (kind) {
    case 'compute': return CAT.compute;
    case 'syscall': return CAT.syscall;
    case 'io': return CAT.io;
    case 'cr8write': return CAT.cr8;
    case 'cr3write': return CAT.cr3;
    case 'callret': return CAT.callret;
    case 'pgfault': return CAT.pgfault;
    case 'pteWrite': return CAT.ptemod;
    case 'exception': return CAT.exception;
    case 'rdtsc': return CAT.rdtsc;
    case 'newKernelCode': return CAT.translate;
    case 'tlbMiss': return CAT.tlbmiss;
    case 'memory': return CAT.tlbmiss;
    case 'interrupt': return CAT.interrupt;
    case 'mmCreate': case 'mmDestroy': return CAT.cr3;
  }
}

/**
 * Native costs are a pure function of the operation (the runner's TapedActor
 * replays them); memory streams and counted misses go through the MMU model.
 */
class NativeActor implements CostActor {
  private readonly cNative: number;
  private readonly streams: MemoryStreams;

  constructor(private readonly cpu: CpuModel, env: ActorEnv) {
    this.cNative = env.ledger.componentId('native');
    this.streams = new MemoryStreams(new Mmu(cpu.mmu, nativeMode.translation), env.rng, env.ledger, 'walk', env.missPrices);
  }

  charge(op: Op, ledger: Ledger): number {
    if (op.kind === 'memory') return this.streams.charge(op, ledger);
    if (op.kind === 'cr3write') this.streams.mmu.cr3Write(op.asid);
    const c = op.kind === 'tlbMiss' ? this.streams.missCycles(op) : nativeCycles(this.cpu, op);
    ledger.component(this.cNative, c);
    ledger.charge(nativeCategory(op.kind), c);
    return c;
  }

  /** Everything but memory streams and CR3 loads (which move the MMU model's state) costs the same each time and changes nothing. */
  isStatic(op: Op): boolean {
    return op.kind !== 'memory' && op.kind !== 'cr3write';
  }

  metrics(): Record<string, number> {
    return this.streams.metrics();
  }
}

/** Registry entry of the native mode. */
export const nativeMode: ModeDefinition<null> = {
  id: 'native',
  description: 'the bare CPU: native operation costs of the microarchitecture; memory streams walk the guest page table (1D)',
  vmmModel: null,
  paramsSchema: null,
  translation: 'native',
  create: (cpu, _params, env) => new NativeActor(cpu, env),
};
