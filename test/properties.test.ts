// Property-based tests (fast-check): random valid scenarios never crash, are
// deterministic and keep the books balanced; random and mutated inputs are
// either accepted or refused as bad input — never an internal error or a
// stack trace. Run counts are bounded so the file stays well under a minute.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../src/config/errors.js';
import { loadScenario } from '../src/config/load.js';
import { YamlFile } from '../src/config/yamlFile.js';
import { toJson } from '../src/report/json.js';
import { runScenario } from '../src/run/runScenario.js';
import { EXCEPTION_VECTORS, INTERRUPT_SOURCES } from '../src/workload/ops.js';
import { countOps } from '../src/workload/stream.js';
import { MODE_IDS } from '../src/vmm/registry.js';
import { runCli, STACK_LINE } from './support/runCli.js';

/** Run counts sized for CI; VMMSIM_PROPERTY_SCALE=20 fuzzes twenty times longer locally. */
const runs = (base: number) => Math.max(1, Math.round(base * Number(process.env.VMMSIM_PROPERTY_SCALE ?? 1)));

let tmp = '';
let n = 0;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vmmsim-props-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Write `text` to a fresh file and return its path. */
function fileWith(text: string | Uint8Array): string {
  const p = join(tmp, `s${n++}.yaml`);
  writeFileSync(p, text);
  return p;
}

/** Load, treating bad input as a normal outcome; anything else (a bug) propagates. */
function loadOrRefuse(path: string): ReturnType<typeof loadScenario> | InputError {
  try {
    return loadScenario(path);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
}

const count = fc.integer({ min: 1, max: 3 });
const cycles = fc.double({ min: 0, max: 1e5, noNaN: true, noDefaultInfinity: true });

/** One primitive entry, as a bare name or with random parameters. */
const primitive = fc.oneof(
  fc.constantFrom('syscall', 'cr8write', 'callret', 'pgfault', 'pteWrite', 'rdtsc', 'tlbMiss', 'io', 'cr3write', 'exception', 'interrupt'),
  fc.record({ op: fc.constant('compute'), cycles, mode: fc.constantFrom('user', 'kernel'), count }),
  fc.record({ op: fc.constant('io'), dir: fc.constantFrom('in', 'out'), port: fc.integer({ min: 0, max: 0xffff }), count }),
  fc.record({ op: fc.constant('cr3write'), asid: fc.integer({ min: 0, max: 8 }), count }),
  fc.record({ op: fc.constant('cr3write'), asid: fc.integer({ min: 0, max: 8 }), pages: fc.integer({ min: 0, max: 20 }), kernelPages: fc.integer({ min: 0, max: 40 }), count }),
  fc.record({ op: fc.constantFrom('mmCreate', 'mmDestroy'), asid: fc.integer({ min: 0, max: 8 }), count }),
  fc.record({ op: fc.constant('exception'), vector: fc.constantFrom(...EXCEPTION_VECTORS), count }),
  fc.record({ op: fc.constant('interrupt'), source: fc.constantFrom(...INTERRUPT_SOURCES), count }),
  fc.record({ op: fc.constant('newKernelCode'), units: fc.integer({ min: 1, max: 50 }), instructions: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ op: fc.constantFrom('syscall', 'pteWrite', 'pgfault', 'rdtsc'), count, site: fc.integer({ min: 0, max: 5 }) }),
);

/** Entries with inline loops nested up to two deep. */
const entries = fc.letrec<{ entry: unknown; list: unknown[] }>((tie) => ({
  entry: fc.oneof({ depthSize: 'small', withCrossShrink: true }, primitive, fc.record({ loop: tie('list'), count })),
  list: fc.array(tie('entry'), { minLength: 1, maxLength: 3 }),
})).list;

/** A random valid scenario, CPU parameters overridden through its `set:` block. */
const scenario = fc.record({
  name: fc.constant('prop'),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  vmms: fc.subarray([...MODE_IDS], { minLength: 1 }),
  workloads: fc.uniqueArray(
    fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), repeat: fc.integer({ min: 1, max: 5 }), ops: entries }),
    { minLength: 1, maxLength: 3, selector: (w) => w.name },
  ),
  set: fc.record({
    'cpu.clockGHz': fc.double({ min: 0.1, max: 10, noNaN: true }),
    'cpu.native.syscallCycles': cycles,
    'cpu.native.pteWriteCycles': cycles,
    'cpu.vmx.vmExitCycles': cycles,
  }),
});

/** |a − b| within a relative 1e-9 (sums of doubles in another order). */
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe('random valid scenarios', () => {
  it('load, run, never crash, and the same scenario and seed give byte-identical results', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const path = fileWith(stringify(s));
        const first = toJson(runScenario(loadScenario(path), { components: true }));
        const second = toJson(runScenario(loadScenario(path), { components: true }));
        expect(second).toBe(first);
      }),
      { numRuns: runs(60) },
    );
  });

  it('the breakdown sums to the total, overheads sum to the total minus native, operations are all counted', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const loaded = loadScenario(fileWith(stringify(s)));
        const records = runScenario(loaded);
        for (const r of records) {
          const w = loaded.workloads.find((x) => x.name === r.workload)!;
          const native = runScenario({ ...loaded, scenario: { ...loaded.scenario, vmms: ['native'] }, workloads: [w] })[0];
          const cats = Object.values(r.breakdown);
          expect(close(cats.reduce((a, c) => a + c!.cycles, 0), r.cycles)).toBe(true);
          expect(close(cats.reduce((a, c) => a + c!.overheadCycles, 0), r.cycles - native.cycles)).toBe(true);
          expect(r.metrics.operations).toBe(countOps(w.body, w.repeat));
          expect(Number.isFinite(r.seconds) && r.seconds >= 0).toBe(true);
        }
      }),
      { numRuns: runs(60) },
    );
  });
});

/** Every path to a value inside a plain object/array tree. */
function paths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => paths(x, [...at, i]))];
  if (v !== null && typeof v === 'object') return [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
  return [at];
}

/** Replace the value at `path` (or, for the root, the whole document). */
function setAt(doc: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node = copy;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

const junk = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, 0.5, 1e300, -0, '', 'syscall', 'fork', null, true, [], {}, [[]], { op: 'syscall' }, { loop: [] }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 12 }),
);

/** A text fragment made of YAML's syntax characters, so the parser's error paths are reached. */
const yamlish = fc
  .array(fc.constantFrom('name: a\n', 'workloads:\n', '  - ', 'ops: [', ']', '{', '}', ': ', '- ', '&a ', '*a', '!!str ', '? ', '|\n', '>\n', '"', "'", '#', '\t', '\n', ' ', 'op: syscall', ', ', '---\n', '...\n', '%YAML 1.2\n', '\\u0000', '\u00e9', 'repeat: 1e400'), { maxLength: 40 })
  .map((parts) => parts.join(''));

describe('random and mutated inputs are accepted or refused as bad input, never a crash', () => {
  it('a valid scenario with one value replaced by junk', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), junk, (s, pick, value) => {
        const all = paths(s);
        const mutated = setAt(s, all[pick % all.length], value);
        const r = loadOrRefuse(fileWith(stringify(mutated)));
        if (r instanceof InputError) {
          expect(r.message).toMatch(/^\S+\.yaml(:\d+:\d+)?: /);
          expect(r.message).not.toMatch(/undefined|\[object Object\]/);
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it('a valid scenario with an extra key somewhere is refused, naming the key', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (s, pick) => {
        const containers = paths(s).filter((p) => {
          const v = p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], s);
          return v !== null && typeof v === 'object' && !Array.isArray(v) && !(p.length === 1 && p[0] === 'set');
        });
        const at = containers[pick % containers.length];
        const r = loadOrRefuse(fileWith(stringify(setAt(s, [...at, 'zzUnknown'], 1))));
        expect(r).toBeInstanceOf(InputError);
        expect((r as InputError).message).toMatch(/zzUnknown: unknown key "zzUnknown"/);
      }),
      { numRuns: runs(100) },
    );
  });

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        loadOrRefuse(fileWith(bytes));
      }),
      { numRuns: runs(300) },
    );
  });

  it('random YAML-like text, parsed directly', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        try {
          YamlFile.parse('fuzz.yaml', text, 'scenario');
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          expect(e.message).toMatch(/^fuzz\.yaml:\d+:\d+: /);
        }
      }),
      { numRuns: runs(500) },
    );
  });

  it('random YAML-like text as a scenario', () => {
    fc.assert(fc.property(yamlish, (text) => void loadOrRefuse(fileWith(text))), { numRuns: runs(300) });
  });

  it('random bytes through the CLI: exit 0 or 2, one line, no stack trace', async () => {
    const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 2000 }), { numRuns: 1, seed: 8 });
    samples.push(new TextEncoder().encode('name: x\nworkloads: [{name: a, ops: [{op: compute, cycles: .nan}]}]\n'));
    const results = await Promise.all(samples.map((b) => runCli(['run', fileWith(b)])));
    for (const r of results) {
      expect([0, 2]).toContain(r.status);
      expect(r.stderr).not.toMatch(STACK_LINE);
      if (r.status === 2) expect(r.stderr).toMatch(/^vmmsim: \S+\.yaml(:\d+:\d+)?: [^\n]+\n$/);
    }
  });
});
