// Every kind of bad input is an InputError naming file:line:column and the
// key path, with what was expected. One test per kind; messages asserted.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/config/errors.js';
import { loadScenario } from '../src/config/load.js';

const bad = (name: string) => `test/fixtures/bad/${name}.yaml`;
const fixtureModels = 'test/fixtures/models';

function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError, but loading succeeded');
}

describe('scenario loader errors', () => {
  it('a models directory whose cpu/ is a file is bad input naming it, not a crash', () => {
    const models = mkdtempSync(join(tmpdir(), 'vmmsim-models-'));
    cpSync('models/guest', join(models, 'guest'), { recursive: true });
    writeFileSync(join(models, 'cpu'), 'x');
    expect(errorOf(() => loadScenario('test/corpus/good.yaml', { modelsDir: models })).message).toBe(
      `test/corpus/good.yaml:2:1: cpu: unknown cpu model "pentium4": no file ${models}/cpu/pentium4.yaml (${models}/cpu is not a directory); expected one of (none)`,
    );
  });

  it('a YAML syntax error names file:line:column', () => {
    expect(errorOf(() => loadScenario(bad('syntax'))).message).toBe(
      'test/fixtures/bad/syntax.yaml:5:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('an unknown key is named and located at the key', () => {
    expect(errorOf(() => loadScenario(bad('unknown-key'))).message).toBe(
      'test/fixtures/bad/unknown-key.yaml:5:5: workloads[0].colour: unknown key "colour" (in the scenario)',
    );
  });

  it('a wrong type says what was expected and what was found', () => {
    expect(errorOf(() => loadScenario(bad('wrong-type'))).message).toBe(
      'test/fixtures/bad/wrong-type.yaml:2:7: seed: expected a number, got the string "one" (in the scenario)',
    );
  });

  it('an out-of-range value gives the bound', () => {
    expect(errorOf(() => loadScenario(bad('out-of-range'))).message).toBe(
      'test/fixtures/bad/out-of-range.yaml:4:13: workloads[0].repeat: expected > 0, got number -3 (in the scenario)',
    );
  });

  it('an unresolved model name lists the models that exist, and suggests the closest', () => {
    expect(errorOf(() => loadScenario(bad('unknown-model'), { modelsDir: fixtureModels })).message).toBe(
      'test/fixtures/bad/unknown-model.yaml:2:6: cpu: unknown cpu model "pentium5": no file test/fixtures/models/cpu/pentium5.yaml; expected one of pentium4; did you mean "pentium4"?',
    );
  });

  it('an unknown operation kind lists the kinds, and suggests the closest', () => {
    expect(errorOf(() => loadScenario(bad('unknown-op'))).message).toMatch(
      /^test\/fixtures\/bad\/unknown-op\.yaml:6:15: workloads\[0\]\.ops\[1\]\.op: expected one of "compute", "syscall", .*"interrupt", "block", got the string "sycall"; did you mean "syscall"\? \(in the scenario\)$/,
    );
  });

  it('a missing required key is named', () => {
    expect(errorOf(() => loadScenario(bad('missing-key'))).message).toBe(
      'test/fixtures/bad/missing-key.yaml:4:11: workloads[0].ops[0].cycles: missing required key (expected a number) (in the scenario)',
    );
  });

  it('composites that use each other in a cycle are refused, located in the guest profile', () => {
    expect(errorOf(() => loadScenario(bad('cycle'), { modelsDir: fixtureModels })).message).toBe(
      'test/fixtures/models/guest/loopy.yaml:11:21: composites.exec.ops[1]: composite operations use each other in a cycle: fork → exec → fork',
    );
  });

  it('a document that is not a mapping is refused', () => {
    expect(errorOf(() => loadScenario(bad('not-mapping'))).message).toBe(
      'test/fixtures/bad/not-mapping.yaml:1:1: a scenario must be a YAML mapping (name:, workloads:, …)',
    );
  });

  it('a YAML alias bomb is refused without expanding it', () => {
    expect(errorOf(() => loadScenario(bad('alias-bomb'))).message).toMatch(
      /^test\/fixtures\/bad\/alias-bomb\.yaml:7:5: g\[0\]: YAML aliases expand too far \(an alias bomb\?\)/,
    );
  });

  it('a missing scenario file is named', () => {
    expect(errorOf(() => loadScenario('test/fixtures/bad/nope.yaml')).message).toBe('test/fixtures/bad/nope.yaml: scenario file not found');
  });

  it('a --set override is validated by the same schema and blamed on the flag', () => {
    expect(errorOf(() => loadScenario('test/fixtures/ok.yaml', { set: ['cpu.native.syscallCycles=-5'] })).message).toBe(
      '--set cpu.native.syscallCycles=-5: native.syscallCycles: expected ≥ 0, got number -5 (in the cpu model "pentium4")',
    );
  });

  it('a --set of an unknown parameter is an unknown key, with the key it resembles', () => {
    expect(errorOf(() => loadScenario('test/fixtures/ok.yaml', { set: ['cpu.clockGhz=3'] })).message).toBe(
      '--set cpu.clockGhz=3: clockGhz: unknown key "clockGhz"; did you mean "clockGHz"? (in the cpu model "pentium4")',
    );
  });

  it('a malformed --set is refused', () => {
    expect(errorOf(() => loadScenario('test/fixtures/ok.yaml', { set: ['cpu.clockGHz'] })).message).toBe(
      '--set cpu.clockGHz: expected KEY=VALUE, such as cpu.vmx.vmExitCycles=1186',
    );
  });
});

describe('overrides', () => {
  it('--set changes a model parameter and a scenario field', () => {
    const l = loadScenario('test/fixtures/ok.yaml', { set: ['cpu.clockGHz=2', 'workloads.0.repeat=7', 'seed=9'] });
    expect(l.cpu.clockGHz).toBe(2);
    expect(l.workloads[0].repeat).toBe(7);
    expect(l.scenario.seed).toBe(9);
  });
});
