// The published measurements vmmsim is checked against
// (models/reference/published.yaml), read with located errors. Only
// `vmmsim validate` and its report read them; the model never does.
import { join } from 'node:path';
import { z } from 'zod';
import { didYouMean } from '../workload/didYouMean.js';
import type { KeyPath } from '../workload/expand.js';
import { InputError } from './errors.js';
import { DEFAULT_MODELS_DIR } from './load.js';
import { YamlFile } from './yamlFile.js';
import { validate } from './zodIssues.js';

const use = z.enum(['input', 'fitted', 'predicted']).describe('what the model does with the number');
/**
 * Smallest magnitude of a published number: cycles, seconds and ratios are
 * measured far above it, and the model's relative error to a smaller one
 * overflows (243 cycles against 10^-310 is an infinite percentage).
 */
export const MIN_PUBLISHED = 1e-6;
/** A published count, time or ratio: positive, at least MIN_PUBLISHED. */
const amount = z.number().finite().min(MIN_PUBLISHED);
/** A published overhead (Figure 5: negative where a mode beats native): 0, or at least MIN_PUBLISHED either way. */
const overhead = z.number().finite().refine((v) => v === 0 || Math.abs(v) >= MIN_PUBLISHED, { message: `expected 0 or a magnitude of at least ${MIN_PUBLISHED}: a smaller one is not a measurement, and the error against it overflows` });
const cell = z.tuple([amount, use]);
const bar = z.tuple([overhead, use, z.number().finite().positive().nullable()]);

/** The schema of models/reference/published.yaml. */
export const ReferenceSchema = z.strictObject({
  figure4: z.strictObject({
    source: z.string(), cpu: z.string(), tolerance: z.number().positive(),
    cells: z.record(z.string(), z.record(z.string(), cell)),
  }),
  table1: z.strictObject({ source: z.string(), cells: z.record(z.string(), z.record(z.string(), amount)) }),
  walkRatio: z
    .strictObject({ source: z.string(), low: amount, high: amount, use })
    // A range whose ends are swapped would compare the model's lowest suite with the published highest.
    .refine((w) => !(w.low > w.high), { path: ['low'], message: 'the range is reversed (low is above high); expected low ≤ high' }),
  forkwait: z.strictObject({ source: z.string(), cpu: z.string(), tolerance: z.number().positive(), cells: z.record(z.string(), cell) }),
  figure5: z.strictObject({ source: z.string(), cpu: z.string(), bars: z.record(z.string(), z.record(z.string(), bar)) }),
});

/** The published calibration set. */
export type Reference = z.infer<typeof ReferenceSchema>;

/** The reference file shipped with vmmsim. */
export const REFERENCE_FILE = join(DEFAULT_MODELS_DIR, 'reference', 'published.yaml');

/**
 * A reference file read and checked against its schema. Its mappings are
 * keyed by names (benchmarks, modes, CPU models, Table 1 fields, Figure 5
 * bars) that only the scenarios and models validate runs can vouch for:
 * {@link ReferenceFile.requireNames} refuses a name that matches nothing,
 * which would otherwise drop its cell from the comparison without a word.
 */
export class ReferenceFile {
  private constructor(
    private readonly yf: YamlFile,
    readonly data: Reference,
  ) {}

  /** Read and validate a reference file (bad content is a located InputError). */
  static read(path: string = REFERENCE_FILE): ReferenceFile {
    const yf = YamlFile.read(path, 'reference data');
    return new ReferenceFile(yf, validate(ReferenceSchema, yf.data, (p, k) => yf.locate(p, k), 'reference data'));
  }

  /**
   * Every name at `path` must be one of `known`: the keys of the mapping
   * there, or the string written there. Otherwise an InputError at the name;
   * `among` says where the known names come from.
   */
  requireNames(path: KeyPath, known: readonly string[], what: string, among = ''): void {
    let value: unknown = this.data;
    for (const seg of path) value = (value as Record<string | number, unknown>)[seg];
    const names = typeof value === 'string' ? [{ name: value, at: path, atKey: false }] : Object.keys(value as object).map((name) => ({ name, at: [...path, name], atKey: true }));
    for (const { name, at, atKey } of names) {
      if (known.includes(name)) continue;
      throw new InputError(
        `unknown ${what} ${JSON.stringify(name)}: expected one of ${among ? `${among}: ` : ''}${known.join(', ') || '(none)'}${didYouMean(name, known)} (in the reference data)`,
        this.yf.locate(at, atKey),
        at,
      );
    }
  }
}

/** Read and validate a reference file (bad content is a located InputError). */
export function loadReference(path: string = REFERENCE_FILE): Reference {
  return ReferenceFile.read(path).data;
}
