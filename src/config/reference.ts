// The published measurements vmmsim is checked against
// (models/reference/published.yaml), read with located errors. Only
// `vmmsim validate` and its report read them; the model never does.
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MODELS_DIR } from './load.js';
import { YamlFile } from './yamlFile.js';
import { validate } from './zodIssues.js';

const use = z.enum(['input', 'fitted', 'predicted']).describe('what the model does with the number');
const cell = z.tuple([z.number().finite(), use]);
const bar = z.tuple([z.number().finite(), use, z.number().finite().positive().nullable()]);

/** The schema of models/reference/published.yaml. */
export const ReferenceSchema = z.strictObject({
  figure4: z.strictObject({
    source: z.string(), cpu: z.string(), tolerance: z.number().positive(),
    cells: z.record(z.string(), z.record(z.string(), cell)),
  }),
  table1: z.strictObject({ source: z.string(), cells: z.record(z.string(), z.record(z.string(), z.number().finite())) }),
  walkRatio: z.strictObject({ source: z.string(), low: z.number().positive(), high: z.number().positive(), use }),
  forkwait: z.strictObject({ source: z.string(), cpu: z.string(), tolerance: z.number().positive(), cells: z.record(z.string(), cell) }),
  figure5: z.strictObject({ source: z.string(), cpu: z.string(), bars: z.record(z.string(), z.record(z.string(), bar)) }),
});

/** The published calibration set. */
export type Reference = z.infer<typeof ReferenceSchema>;

/** The reference file shipped with vmmsim. */
export const REFERENCE_FILE = join(DEFAULT_MODELS_DIR, 'reference', 'published.yaml');

/** Read and validate a reference file (bad content is a located InputError). */
export function loadReference(path: string = REFERENCE_FILE): Reference {
  const yf = YamlFile.read(path, 'reference data');
  return validate(ReferenceSchema, yf.data, (p, k) => yf.locate(p, k), 'reference data');
}
