// The interface every execution mode implements, and the registry entry
// shape. Hooks, in the order the runner calls them:
//   1. definition.create(cpu, params, env) — once per simulated run; interns
//      its component names in env.ledger here, never per operation
//   2. actor.charge(op, ledger)        — once per guest operation, in order
//   3. actor.metrics()                 — once at the end, optional extra numbers
// actor.isStatic?(op) and variantOf?(op) may be asked at any time: the
// runner's TapedActor records the charge of a static operation once
// (Ledger.record) and replays it for later copies, and charges the rest of a
// counted run of it at once (repeatCost / chargeRepeats, which a mode does
// not implement itself).
import type { z } from 'zod';
import type { Rng } from '../engine/rng.js';
import type { MissPriceCache } from '../mmu/missPrice.js';
import type { TranslationMode } from '../mmu/mmu.js';
import type { Op } from '../workload/ops.js';
import type { CpuModel } from './cpu.js';
import type { Ledger } from './ledger.js';

/** What {@link CostActor.repeatCost} answers: each further copy's cycles, and how many copies can be charged at once. */
export interface RepeatQuote {
  cycles: number;
  copies: number;
}

/** A cost actor: consumes guest operations and charges cycles to a ledger. */
export interface CostActor {
  /**
   * Charge one operation: record its cycles by category (and components) in
   * `ledger` and return the cycles it took, which advance the guest's clock.
   */
  charge(op: Op, ledger: Ledger): number;
  /**
   * Optional fast path for counted runs of one operation, asked right after
   * charge(op) when `copies` more copies of `op` follow at once (and, while
   * it answers null, again after 1, 2, 4, … more copies; right after one
   * more copy when it answered fewer than `copies`). Answer the cycles each
   * further copy would cost, and how many of them (1 to `copies`)
   * {@link chargeRepeats} can charge at once leaving exactly the ledger
   * totals and actor state that as many calls of charge(op) would (see
   * Ledger.runLimit); or null, and the runner charges copy by copy. The
   * answer may be one object reused by every call. TapedActor implements it
   * from the op's charge tape.
   */
  repeatCost?(op: Op, copies: number, ledger: Ledger): RepeatQuote | null;
  /** Charge `n` further copies of `op` at once; called only right after repeatCost(op) allowed at least n. */
  chargeRepeats?(op: Op, n: number, ledger: Ledger): void;
  /**
   * Optional, op by op: charge up to `left` further copies of `op` (asked
   * right after charge(op)) one at a time, exactly as that many calls of
   * charge(op) would, from time `clock[0]`, stopping after the first copy
   * whose end reaches `stop`; leave the new time in `clock[0]` and return
   * the copies charged, or −1 to leave every copy to charge().
   */
  chargeCopies?(op: Op, left: number, ledger: Ledger, clock: Float64Array, stop: number): number;
  /**
   * Optional: true when charge(op) reads no state that any charge changes and
   * changes nothing but the ledger — its totals, the actor's counters (kept
   * with Ledger.newCounter / count) and idempotent side effects run through
   * Ledger.effect — so that every charge of `op` adds the same amounts in the
   * same order. The runner then records the first charge of `op` and replays
   * that tape (Ledger.apply) instead of calling charge() again: bit-identical.
   */
  isStatic?(op: Op): boolean;
  /**
   * Optional, for operations that are not static but whose charge takes one
   * of a few forms depending on state (a PTE write trace-faults or hits no
   * shadow): the form this charge of `op` would take now, ≥ 0, when every
   * charge in that form is static in the sense of {@link isStatic}; −1 when
   * this charge must go through charge(); {@link NEVER_STATIC} when no charge
   * of `op` ever has such a form. Asked before every charge of such an op.
   */
  variantOf?(op: Op): number;
  /** Mode-specific counters reported in the record's metrics (e.g. exits). */
  metrics?(): Record<string, number>;
}

/** {@link CostActor.variantOf}: no charge of this operation can be replayed. */
export const NEVER_STATIC = -2;

/** What a run gives an actor besides its parameters. */
export interface ActorEnv {
  /** The simulation's seeded RNG: the only randomness an actor may use. */
  readonly rng: Rng;
  /** The ledger the run charges to (the same one `charge` receives): intern component ids here. */
  readonly ledger: Ledger;
  /** Miss prices measured by earlier runs of this process (absent: the actor measures its own). */
  readonly missPrices?: MissPriceCache;
}

/** One execution mode, chosen by name from the registry. */
export interface ModeDefinition<P = unknown> {
  /** Registry key and the `vmm` of result records. */
  readonly id: string;
  /** One line for --help and docs. */
  readonly description: string;
  /**
   * The models/vmm/NAME.yaml file holding this mode's parameters, validated
   * by `paramsSchema`; null for modes without VMM parameters (native).
   */
  readonly vmmModel: string | null;
  readonly paramsSchema: z.ZodType<P> | null;
  /** How the mode's MMU translates guest memory accesses: natively (also a software TLB's refills), over shadow page tables, or in two dimensions. */
  readonly translation: TranslationMode;
  /** Build a fresh actor for one run. */
  create(cpu: CpuModel, params: P, env: ActorEnv): CostActor;
}
