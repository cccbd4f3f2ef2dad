// The `native` mode: the bare CPU. Every operation costs the
// microarchitecture's native price; nothing is hidden, nothing translated.
import type { Op } from '../workload/ops.js';
import type { ActorEnv, CostActor, ModeDefinition } from './actor.js';
import { CAT } from './categories.js';
import type { CpuModel } from './cpu.js';
import type { Ledger } from './ledger.js';

/** Native cost of one operation on `cpu`, in cycles (pure). */
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
    case 'tlbMiss': return n.tlbMissCycles;
    case 'interrupt': return n.interruptCycles;
  }
}

/** Category index each op kind is charged to natively. */
const NATIVE_CAT: Record<Op['kind'], number> = {
  compute: CAT.compute, syscall: CAT.syscall, io: CAT.io, cr8write: CAT.cr8,
  cr3write: CAT.cr3, callret: CAT.callret, pgfault: CAT.pgfault,
  pteWrite: CAT.ptemod, exception: CAT.exception, rdtsc: CAT.rdtsc,
  newKernelCode: CAT.translate, tlbMiss: CAT.tlbmiss, interrupt: CAT.interrupt,
};

class NativeActor implements CostActor {
  private readonly cNative: number;

  constructor(private readonly cpu: CpuModel, env: ActorEnv) {
    this.cNative = env.ledger.componentId('native');
  }

  charge(op: Op, ledger: Ledger): number {
    const c = nativeCycles(this.cpu, op);
    ledger.component(this.cNative, c);
    ledger.charge(NATIVE_CAT[op.kind], c);
    return c;
  }
}

/** Registry entry of the native mode. */
export const nativeMode: ModeDefinition<null> = {
  id: 'native',
  description: 'the bare CPU: native operation costs of the microarchitecture',
  vmmModel: null,
  paramsSchema: null,
  create: (cpu, _params, env) => new NativeActor(cpu, env),
};
