// Per-VM and per-process accounting of a guest-system run. The run charges
// one shared ledger; this watches which (VM, process) slot the physical CPU
// is running and, each time the slot changes, credits the ledger's growth
// since the last change to the slot that was running. So the hot path pays
// one number comparison per operation, the run's totals are untouched, and
// the slots add up to the run.
import { CATEGORIES, CAT } from '../vmm/categories.js';
import type { Ledger } from '../vmm/ledger.js';
import type { ProcessResult, ShareResult, VmResult } from './record.js';

/** Name of the pseudo-VM charged with host time: idle and world switches between VMs. */
export const HOST_VM = '(host)';
/** Name of the pseudo-process charged with a guest kernel's own work: interrupts, timer ticks, context switches. */
export const KERNEL_PROCESS = '(kernel)';
/** Name of the process that stands for all worker tasks of a guest's server. */
export const WORKERS_PROCESS = 'workers';

/** Component names whose counts are transitions into the VMM: VM exits (hardware, nested) and traps (software). */
const EXIT_COMPONENTS = ['vmExit', 'trap'] as const;

interface Slot {
  vm: string;
  process: string;
  counts: Float64Array;
  cycles: Float64Array;
  exits: number;
}

/** Credits a shared ledger's charges to (VM, process) slots as the running slot changes. */
export class Attribution {
  private readonly slots: Slot[] = [];
  private readonly ids = new Map<string, number>();
  private current = -1;
  private readonly markCounts = new Float64Array(CATEGORIES.length);
  private readonly markCycles = new Float64Array(CATEGORIES.length);
  private markExits = 0;

  constructor(private readonly ledger: Ledger) {}

  /** The slot id of `process` in `vm` (interned on first use; ids follow first use, so output order is stable). */
  slot(vm: string, process: string): number {
    const key = JSON.stringify([vm, process]);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.slots.length;
      this.ids.set(key, id);
      this.slots.push({ vm, process, counts: new Float64Array(CATEGORIES.length), cycles: new Float64Array(CATEGORIES.length), exits: 0 });
    }
    return id;
  }

  /** Slot `id` runs from now on: what was charged since the last change goes to the slot that ran until now. */
  enter(id: number): void {
    if (id === this.current) return;
    this.settle();
    this.current = id;
  }

  /** Credit everything charged so far; call once when the run has ended. */
  settle(): void {
    const { ledger, markCounts, markCycles } = this;
    const exits = this.exitCount();
    const counts = ledger.counts;
    const cycles = ledger.cycles;
    if (this.current >= 0) {
      const s = this.slots[this.current];
      const sCounts = s.counts;
      const sCycles = s.cycles;
      for (let i = 0; i < CATEGORIES.length; i++) {
        const c = counts[i];
        const y = cycles[i];
        // Most categories were not charged since the last change of slot: adding their zero growth changes nothing.
        if (c === markCounts[i] && y === markCycles[i]) continue;
        sCounts[i] += c - markCounts[i];
        sCycles[i] += y - markCycles[i];
        markCounts[i] = c;
        markCycles[i] = y;
      }
      s.exits += exits - this.markExits;
    } else {
      markCounts.set(counts);
      markCycles.set(cycles);
    }
    this.markExits = exits;
  }

  /** The slots grouped by VM, in order of first use; the host pseudo-VM last when it was charged. */
  results(): VmResult[] {
    const vms = new Map<string, Slot[]>();
    for (const s of this.slots) {
      if (!vms.has(s.vm)) vms.set(s.vm, []);
      vms.get(s.vm)!.push(s);
    }
    const out: VmResult[] = [];
    let host: VmResult | null = null;
    for (const [vm, slots] of vms) {
      const processes: ProcessResult[] = slots.filter((s) => !isEmpty(s)).map((s) => ({ process: s.process, ...share(s.counts, s.cycles, s.exits) }));
      if (processes.length === 0) continue;
      const counts = new Float64Array(CATEGORIES.length);
      const cycles = new Float64Array(CATEGORIES.length);
      let exits = 0;
      for (const s of slots) {
        for (let i = 0; i < CATEGORIES.length; i++) {
          counts[i] += s.counts[i];
          cycles[i] += s.cycles[i];
        }
        exits += s.exits;
      }
      const r: VmResult = { vm, ...share(counts, cycles, exits), processes };
      if (vm === HOST_VM) host = r;
      else out.push(r);
    }
    if (host) out.push(host);
    return out;
  }

  /**
   * VM exits and traps recorded so far. Their component ids are looked up by
   * name only when the ledger has interned components since the last look
   * (a settle happens at every change of slot: no map look-up there).
   */
  private exitCount(): number {
    const ledger = this.ledger;
    const ids = this.exitIds;
    if (ledger.componentsInterned !== this.internedSeen) {
      this.internedSeen = ledger.componentsInterned;
      for (let k = 0; k < EXIT_COMPONENTS.length; k++) ids[k] = ledger.internedComponentId(EXIT_COMPONENTS[k]);
    }
    let n = 0;
    for (let k = 0; k < ids.length; k++) if (ids[k] >= 0) n += ledger.componentCountOf(ids[k]);
    return n;
  }

  /** Ids of EXIT_COMPONENTS in the ledger (−1 while not interned), as of {@link internedSeen} interned components. */
  private readonly exitIds = new Int32Array(EXIT_COMPONENTS.length).fill(-1);
  private internedSeen = -1;
}

function isEmpty(s: Slot): boolean {
  return s.counts.every((c) => c === 0) && s.cycles.every((c) => c === 0) && s.exits === 0;
}

function share(counts: Float64Array, cycles: Float64Array, exits: number): ShareResult {
  const breakdown: ShareResult['breakdown'] = {};
  let total = 0;
  CATEGORIES.forEach((cat, i) => {
    total += cycles[i];
    if (counts[i] !== 0 || cycles[i] !== 0) breakdown[cat] = { count: counts[i], cycles: cycles[i] };
  });
  return { cycles: total, breakdown, exits, faults: counts[CAT.pgfault], hiddenFaults: counts[CAT.hiddenpf] };
}
