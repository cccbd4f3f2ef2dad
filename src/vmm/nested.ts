// The `nested` mode: a hardware VMM with nested paging (EPT/NPT). The MMU
// translates guest-virtual → guest-physical → host-physical itself, so there
// are no shadow tables: no traces, no hidden faults, and page faults, PTE
// writes and CR3 loads stay inside the guest. Port I/O and external
// interrupts still exit through the same exit path as `hardware`. The price
// moves to TLB misses, which walk two dimensions.
import { z } from 'zod';
import type { Op } from '../workload/ops.js';
import type { ActorEnv, CostActor, ModeDefinition } from './actor.js';
import { CAT } from './categories.js';
import type { CpuModel } from './cpu.js';
import { ExitPath, ExitPathShape } from './exitPath.js';
import type { Ledger } from './ledger.js';
import { scaleVmmCycles } from './vmmCycles.js';
import { nativeCycles } from './native.js';
import { Mmu } from '../mmu/mmu.js';
import { MemoryStreams } from './memoryStreams.js';

/** Parameters of the nested-paging VMM (models/vmm/nested.yaml). */
export const NestedParamsSchema = z
  .strictObject({ ...ExitPathShape })
  .describe('hardware VMM with nested paging (EPT/NPT)');

/** Validated nested-paging VMM parameters. */
export type NestedParams = z.infer<typeof NestedParamsSchema>;

/** Page-entry references of a 2D walk: n·m + n + m (24 for 4-level over 4-level). */
export function twoDWalkReferences(guestLevels: number, nestedLevels: number): number {
  return guestLevels * nestedLevels + guestLevels + nestedLevels;
}

class NestedActor implements CostActor {
  private readonly x: ExitPath;
  private readonly c2dWalk: number;
  /** Memory streams: TLB misses walk guest and nested tables (two dimensions). */
  private readonly streams: MemoryStreams;

  constructor(private readonly cpu: CpuModel, p: NestedParams, env: ActorEnv) {
    this.c2dWalk = env.ledger.componentId('2dWalk');
    this.streams = new MemoryStreams(new Mmu(cpu.mmu, nestedMode.translation), env.rng, env.ledger, '2dWalk', env.missPrices);
    this.x = new ExitPath(cpu, p, env.ledger, this.streams.misses, this.streams.flushTlbLater);
  }

  charge(op: Op, ledger: Ledger): number {
    const x = this.x;
    let c: number;
    switch (op.kind) {
      case 'compute': c = x.native(ledger, op.cycles); ledger.charge(CAT.compute, c); return c;
      case 'syscall': c = x.native(ledger, this.cpu.native.syscallCycles); ledger.charge(CAT.syscall, c); return c;
      case 'callret': c = x.native(ledger, this.cpu.native.callretCycles); ledger.charge(CAT.callret, c); return c;
      case 'rdtsc': c = x.native(ledger, this.cpu.native.rdtscCycles); ledger.charge(CAT.rdtsc, c); return c;
      case 'newKernelCode': ledger.charge(CAT.translate, 0); return 0;
      case 'pteWrite': c = x.native(ledger, this.cpu.native.pteWriteCycles); ledger.charge(CAT.ptemod, c); return c;
      case 'cr3write':
        this.streams.mmu.cr3Write(op.asid); // a guest CR3 load flushes the untagged TLB; the nested TLB survives
        c = x.native(ledger, this.cpu.native.cr3WriteCycles); ledger.charge(CAT.cr3, c); return c;
      case 'memory': return this.streams.charge(op, ledger);
      case 'cr8write': c = x.guestCr8Write(ledger); ledger.charge(CAT.cr8, c); return c;
      case 'exception': c = x.guestDelivery(ledger, nativeCycles(this.cpu, op)); ledger.charge(CAT.exception, c); return c;
      case 'pgfault': c = x.guestDelivery(ledger, this.cpu.native.pageFaultCycles); ledger.charge(CAT.pgfault, c); return c;
      case 'io': c = x.portIo(ledger, op.port); ledger.charge(CAT.io, c); return c;
      case 'interrupt': c = x.interrupt(ledger, this.cpu.native.interruptCycles); ledger.charge(CAT.interrupt, c); return c;
      case 'mmCreate': case 'mmDestroy': ledger.charge(CAT.cr3, 0); return 0; // no shadows: the guest's own page tables are the truth
      case 'tlbMiss': { // a 2D walk, priced by the MMU model (PWC, nested TLB, both depths)
        const m = this.streams.missCycles(op);
        ledger.component(this.c2dWalk, m);
        ledger.charge(CAT.tlbmiss, m);
        return m;
      }
    }
  }

  /** No shadow state: everything but memory streams and CR3 loads (which switch the MMU model's address space) is static. */
  isStatic(op: Op): boolean {
    return op.kind !== 'memory' && op.kind !== 'cr3write';
  }

  metrics(): Record<string, number> {
    return { exits: this.x.exits, ...this.streams.metrics() };
  }
}

/** Registry entry of the nested mode. */
export const nestedMode: ModeDefinition<NestedParams> = {
  id: 'nested',
  description: 'hardware VMM with nested paging (EPT/NPT): no shadow tables; TLB misses walk two dimensions',
  vmmModel: 'nested',
  paramsSchema: NestedParamsSchema,
  translation: 'nested',
  create: (cpu, params, env) => new NestedActor(cpu, scaleVmmCycles(params, cpu), env),
};
