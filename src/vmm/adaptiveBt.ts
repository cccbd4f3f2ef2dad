// Adaptive binary translation: per kernel instruction site, whether its
// translation is plain (so a store that hits a traced page traps) or adapted
// (retranslated into a callout or an in-TC sequence that emulates the store
// without trapping). A site adapts after `adaptThreshold` traps; it reverts
// only after `adaptRevertThreshold` executions in a row that would not have
// trapped — a much larger number, so a site whose target alternates does not
// flap between the two translations (hysteresis).
import { z } from 'zod';
import { IdTable } from './idTable.js';

/** Adaptive-BT parameters, part of the software VMM model. */
export const AdaptiveParamsShape = {
  adaptThreshold: z.int().min(1).max(1e9).describe('traps at one site before it is retranslated'),
  adaptRevertThreshold: z.int().min(1).max(1e12).describe('consecutive non-trapping executions of an adapted site before it is retranslated back'),
  adaptedForm: z.enum(['inTC', 'callout']).describe('what an adapted site becomes: an in-TC emulation sequence or a callout'),
  retranslateInstructions: z.int().min(1).max(12).describe('guest instructions retranslated per adaptation: one translation unit'),
} as const;

const AdaptiveParamsSchema = z.strictObject(AdaptiveParamsShape);
/** The adaptive-BT parameters. */
export type AdaptiveParams = z.infer<typeof AdaptiveParamsSchema>;

/** What one execution of a site costs, in price levels. */
export const SITE = {
  /** Plain translation, untraced target: a plain store. */
  plain: 0,
  /** Plain translation, traced target: trap and emulate. */
  trap: 1,
  /** Trapped and reached the threshold: trap, then retranslate the unit. */
  trapThenAdapt: 2,
  /** Adapted translation: the callout or in-TC price. */
  adapted: 3,
  /** Adapted translation quiet for long enough: adapted price, then retranslate back. */
  adaptedThenRevert: 4,
} as const;

/** Per-site adaptation state in arrays indexed by slot; sites get slots on first use. */
export class AdaptiveBt {
  private traps = new Float64Array(64);
  private quiet = new Float64Array(64);
  private adapted = new Uint8Array(64);
  private readonly slotOf = new IdTable(-1);
  private slots = 0;
  /** Retranslations so far (adaptations and reversions). */
  retranslations = 0;

  constructor(private readonly params: AdaptiveParams) {}

  /** One execution of `site` whose store hits a traced page; returns a {@link SITE} level. */
  traced(site: number): number {
    const i = this.slot(site);
    if (this.adapted[i] === 1) {
      this.quiet[i] = 0;
      return SITE.adapted;
    }
    if (++this.traps[i] < this.params.adaptThreshold) return SITE.trap;
    this.adapted[i] = 1;
    this.traps[i] = 0;
    this.quiet[i] = 0;
    this.retranslations++;
    return SITE.trapThenAdapt;
  }

  /** One execution of `site` whose store hits no traced page; returns a {@link SITE} level. */
  untraced(site: number): number {
    const i = this.slot(site);
    if (this.adapted[i] === 0) return SITE.plain;
    if (++this.quiet[i] < this.params.adaptRevertThreshold) return SITE.adapted;
    this.adapted[i] = 0;
    this.quiet[i] = 0;
    this.retranslations++;
    return SITE.adaptedThenRevert;
  }

  /**
   * Whether one more store at `site` (to a traced page, or not) would leave
   * the site's state exactly as it is: a traced store at an adapted site whose
   * quiet count is 0, an untraced one at a site that is not adapted. Changes
   * nothing (a site not seen yet counts as plain).
   */
  settled(site: number, traced: boolean): boolean {
    const i = this.slotOf.get(site);
    if (i < 0) return !traced;
    return traced ? this.adapted[i] === 1 && this.quiet[i] === 0 : this.adapted[i] === 0;
  }

  private slot(site: number): number {
    let i = this.slotOf.get(site);
    if (i < 0) {
      i = this.slots++;
      this.slotOf.set(site, i);
      if (i >= this.adapted.length) this.grow(i + 1);
    }
    return i;
  }

  private grow(min: number): void {
    let n = this.adapted.length;
    while (n < min) n *= 2;
    const t = new Float64Array(n); t.set(this.traps); this.traps = t;
    const q = new Float64Array(n); q.set(this.quiet); this.quiet = q;
    const a = new Uint8Array(n); a.set(this.adapted); this.adapted = a;
  }
}
