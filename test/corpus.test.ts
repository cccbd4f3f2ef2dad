// The bad-input corpus (test/corpus/): every case is refused by the CLI's
// main() with the exit status and the exact one-paragraph message asserted —
// file, line, column, key path and what was expected — within a second of
// CPU, with no stack trace and nothing written into --out. A sample runs
// again through the built CLI in a subprocess, as a user runs it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, STACK_LINE } from './support/runCli.js';
import { runMain } from './support/runMain.js';

const MODELS = 'test/corpus/models';
/** The "within a second or so", measured in-process as CPU time (wall time depends on the machine's load). */
const IN_PROCESS_CPU_MS = 1000;
/**
 * Through a subprocess only a hang guard: wall time there includes Node's
 * start-up and whatever else a shared CI machine runs (reading and parsing
 * the 100 MB file, or simulating 10^12 operations, would take far longer).
 */
const CLI_WALL_MS = 60_000;

/** [case name, scenario file under test/corpus/, expected message after "vmmsim: "]. */
const FILE_CASES: Array<[string, string]> = [
  // malformed YAML
  ['syntax-unclosed', 'test/corpus/syntax-unclosed.yaml:6:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ['bad-indent', 'test/corpus/bad-indent.yaml:4:11: YAML syntax error: Nested mappings are not allowed in compact mappings'],
  ['duplicate-key', 'test/corpus/duplicate-key.yaml:6:5: YAML syntax error: Map keys must be unique (the key "repeat" appears twice)'],
  ['two-documents', 'test/corpus/two-documents.yaml:7:1: scenario file holds more than one YAML document (a second starts here); expected one document'],
  ['empty', 'test/corpus/empty.yaml:1:1: a scenario must be a YAML mapping (name:, workloads:, …)'],
  ['not-mapping', 'test/corpus/not-mapping.yaml:1:1: a scenario must be a YAML mapping (name:, workloads:, …)'],
  ['alias-bomb', 'test/corpus/alias-bomb.yaml:7:5: g[0]: YAML aliases expand too far (an alias bomb?): *f here stands for 1,111,111 nodes, and it is one of many; expected a document whose aliases expand to a modest size'],
  ['unknown-alias', 'test/corpus/unknown-alias.yaml:6:11: YAML alias *nope names no anchor: expected &nope on a node before it'],
  ['yaml11-sexagesimal', 'test/corpus/yaml11-sexagesimal.yaml:8:13: workloads[0].repeat: expected a number, got the string "1:30" (in the scenario)'],
  ['yaml11-merge', 'test/corpus/yaml11-merge.yaml:7:5: workloads[1].<<: unknown key "<<" (in the scenario)'],
  ['binary-garbage', 'test/corpus/binary-garbage.yaml:1:2: scenario file is not UTF-8 text (binary data?); expected a YAML file'],
  ['latin1', 'test/corpus/latin1.yaml:1:10: scenario file is not UTF-8 text (binary data?); expected a YAML file'],
  // unknown keys at every level
  ['unknown-key-scenario', 'test/corpus/unknown-key-scenario.yaml:3:1: seeds: unknown key "seeds"; did you mean "seed"? (in the scenario)'],
  ['unknown-key-workload', 'test/corpus/unknown-key-workload.yaml:4:5: workloads[0].repeats: unknown key "repeats"; did you mean "repeat"? (in the scenario)'],
  ['unknown-key-op', 'test/corpus/unknown-key-op.yaml:5:28: workloads[0].ops[0].prot: unknown key "prot"; did you mean "port"? (in the scenario)'],
  ['unknown-key-loop', 'test/corpus/unknown-key-loop.yaml:6:9: workloads[0].ops[0].times: unknown key "times" (in the scenario)'],
  ['unknown-key-use', 'test/corpus/unknown-key-use.yaml:6:22: workloads[0].ops[0].cuont: unknown key "cuont"; did you mean "count"? (in the scenario)'],
  ['unknown-key-cpu-nested', 'test/corpus/models/cpu/typo-nested.yaml:20:5: native.exceptionCycles.nmi: unknown key "nmi" (in the cpu model "typo-nested")'],
  ['unknown-key-guest-composite', 'test/corpus/models/guest/typo-composite.yaml:8:5: composites.fork.opps: unknown key "opps" (expected "ops", which is missing) (in the guest model "typo-composite")'],
  ['unknown-key-vmm', 'test/corpus/models/vmm/hardware.yaml:39:1: shadowCahce: unknown key "shadowCahce" (expected "shadowCache", which is missing) (in the vmm model "hardware")'],
  ['unknown-key-guest-op', 'test/corpus/models/guest/typo-op.yaml:10:25: composites.fork.ops[1].times: unknown key "times" (in the guest model "typo-op")'],
  // wrong types
  ['wrong-type-seed', 'test/corpus/wrong-type-seed.yaml:2:7: seed: expected a number, got the string "one" (in the scenario)'],
  ['wrong-type-repeat', 'test/corpus/wrong-type-repeat.yaml:4:13: workloads[0].repeat: expected a number, got the string "ten thousand" (in the scenario)'],
  ['fractional-repeat', 'test/corpus/fractional-repeat.yaml:4:13: workloads[0].repeat: expected a whole number, got number 2.5 (in the scenario)'],
  ['wrong-type-ops', 'test/corpus/wrong-type-ops.yaml:5:10: workloads[0].ops: expected a list, got the string "syscall" (in the scenario)'],
  ['wrong-type-vmms', 'test/corpus/wrong-type-vmms.yaml:2:7: vmms: expected a list, got the string "native" (in the scenario)'],
  ['wrong-type-workloads', 'test/corpus/wrong-type-workloads.yaml:3:1: workloads: expected a list, got a mapping (in the scenario)'],
  // negative, NaN and infinite costs; a zero clock rate
  ['negative-cost', 'test/corpus/negative-cost.yaml:4:34: workloads[0].ops[0].cycles: expected ≥ 0, got number -5 (in the scenario)'],
  ['nan-cost', 'test/corpus/nan-cost.yaml:4:34: workloads[0].ops[0].cycles: expected a finite number, got NaN (in the scenario)'],
  ['infinite-cost', 'test/corpus/infinite-cost.yaml:4:34: workloads[0].ops[0].cycles: expected a finite number, got Infinity (in the scenario)'],
  ['negative-cost-cpu', 'test/corpus/models/cpu/negative.yaml:7:18: native.syscallCycles: expected ≥ 0, got number -243 (in the cpu model "negative")'],
  ['nan-cost-cpu', 'test/corpus/models/cpu/nan.yaml:8:13: native.inCycles: expected a finite number, got NaN (in the cpu model "nan")'],
  ['infinite-clock', 'test/corpus/models/cpu/infinite-clock.yaml:4:11: clockGHz: expected a finite number, got Infinity (in the cpu model "infinite-clock")'],
  ['zero-clock', 'test/corpus/models/cpu/zero-clock.yaml:4:11: clockGHz: expected ≥ 0.001, got number 0 (in the cpu model "zero-clock")'],
  // unknown names
  ['unknown-cpu', 'test/corpus/unknown-cpu.yaml:2:6: cpu: unknown cpu model "pentium5": no file test/corpus/models/cpu/pentium5.yaml; expected one of infinite-clock, nan, negative, pentium4, typo-nested, zero-clock; did you mean "pentium4"?'],
  ['unknown-guest', 'test/corpus/unknown-guest.yaml:2:8: guest: unknown guest model "linux-9": no file test/corpus/models/guest/linux-9.yaml; expected one of bomb, cycle, self, tiny, typo-composite, typo-op'],
  ['unknown-mode', 'test/corpus/unknown-mode.yaml:2:16: vmms[1]: expected one of "native", "software", "hardware", "nested", "interpreter", "trap-and-emulate", got the string "quantum" (in the scenario)'],
  ['unknown-composite', 'test/corpus/unknown-composite.yaml:5:18: workloads[0].ops[0].use: unknown composite operation "clone": expected one of fork'],
  // composites in a cycle; runs too long to start
  ['composite-cycle', 'test/corpus/models/guest/cycle.yaml:11:21: composites.exec.ops[1]: composite operations use each other in a cycle: fork → exec → fork'],
  ['composite-self', 'test/corpus/models/guest/self.yaml:8:20: composites.spin.ops[1]: composite operations use each other in a cycle: spin → spin'],
  ['composite-bomb', 'test/corpus/composite-bomb.yaml:5:5: workloads[0]: workload "a" is about 1.0×10^40 operations per mode; the limit is 1,000,000,000 (lower repeat or count, or raise the limit with --max-ops)'],
  ['too-many-ops', 'test/corpus/too-many-ops.yaml:5:5: workloads[0]: workload "a" is 3,000,000,000,000 operations per mode; the limit is 1,000,000,000 (lower repeat or count, or raise the limit with --max-ops)'],
  ['sweep-billion', 'test/corpus/sweep-billion.yaml:6:1: sweep: the sweep expands to 1,000,000,000 points; the limit is 10,000 (split it into several scenarios, shorten its lists, or raise the limit with --max-points)'],
  ['count-too-big', 'test/corpus/count-too-big.yaml:4:33: workloads[0].ops[0].count: expected ≤ 1000000000000, got number 10000000000000 (in the scenario)'],
  // issue 14, class 1: keys that reach into the object prototype, in set: blocks and sweeps
  ['proto-set', 'test/corpus/proto-set.yaml:4:23: __proto__.polluted: bad key "__proto__.polluted": a key of parameters, not of __proto__, constructor, prototype, length (in the scenario)'],
  ['proto-op', 'test/corpus/proto-op.yaml:6:37: workloads[0].ops[0].__proto__: "__proto__" is not a parameter (no key has that name, and a mapping of names would drop it unread); expected a key of the scenario, model or sweep'],
  ['proto-sweep', 'test/corpus/proto-sweep.yaml:8:5: sweep.grid.workloads.__proto__.x: bad key "workloads.__proto__.x": a key of parameters, not of __proto__, constructor, prototype, length (in the scenario)'],
  // class 3: simulated time and events are limited, and --max-ops holds for traces
  ['sim-seconds', 'test/corpus/sim-seconds.yaml:4:5: workloads[0]: workload "a" is estimated at 263,200,000 simulated seconds natively; the limit is 86,400 (check the units of cycles, latencyUs and thinkUs, or raise the limit with --max-sim-seconds)'],
  ['device-latency', 'test/corpus/device-latency.yaml:5:5: workloads[0]: workload "a" is estimated at about 1.0×10^9 simulated seconds natively; the limit is 86,400 (check the units of cycles, latencyUs and thinkUs, or raise the limit with --max-sim-seconds)'],
  ['think-time', 'test/corpus/think-time.yaml:5:5: workloads[0]: workload "a" is estimated at about 1.0×10^10 simulated seconds natively; the limit is 86,400 (check the units of cycles, latencyUs and thinkUs, or raise the limit with --max-sim-seconds)'],
  // keys the workload's form does not read are errors, not silent no-ops
  ['unread-repeat', "test/corpus/unread-repeat.yaml:6:13: workloads[0].repeat: does nothing here: a guest system of one process runs and counts that process's iterations; set processes.0.repeat (in the scenario)"],
  ['unread-clients-repeat', "test/corpus/unread-clients-repeat.yaml:6:13: workloads[0].repeat: does nothing here: the run ends after the clients' requests (clients.requests) and counts them (in the scenario)"],
  ['unread-setup', 'test/corpus/unread-setup.yaml:6:5: workloads[0].setup: belongs to a single stream (ops:); in a guest system each process has its own setup: (in the scenario)'],
  ['trace-count', 'test/corpus/trace-count.jsonl:2:1: the trace reaches 1,000,000,000,001 operations and memory accesses by this line; the limit is 1,000,000,000 (lower its counts, or raise the limit with --max-ops)'],
  // class 5: a trace that cannot be read is found before anything runs, at the scenario line
  ['trace-missing', 'test/corpus/trace-missing.yaml:5:12: workloads[0].trace: test/corpus/no-such-trace.jsonl: trace file not found'],
  ['trace-directory', 'test/corpus/trace-directory.yaml:5:12: workloads[0].trace: test/corpus/models.jsonl: trace file is a directory; expected a JSONL or CSV file'],
  // class 7: totals that overflow, and results that would be NaN or infinite
  ['ops-overflow', 'test/corpus/ops-overflow.yaml:5:5: workloads[0]: workload "a" adds up to a number of operations that overflows (a repeat, count or calibrated computation is out of range: the total is not a finite number); expected counts that add up to a finite number'],
  ['overflow', 'test/corpus/overflow.yaml:5:5: workloads[0]: workload "a" adds up to a simulated time that overflows (its cycles, latencies or clock rate are out of range: the total is not a finite number); expected costs and rates that add up to a finite time'],
  ['trace-far-time', "test/corpus/trace-far-time.yaml:5:12: workloads[0].trace: the trace's last timestamp is about 1.0×10^291 simulated seconds in; the limit is 86,400 (timestamps t are nanoseconds since the trace began; or raise the limit with --max-sim-seconds)"],
  ['trace-long-compute', "test/corpus/trace-long-compute.yaml:5:12: workloads[0].trace: the trace's computations alone (its compute lines, and those of the composites it uses) take about 2.6×10^290 simulated seconds at 3.8 GHz under native, which runs them at native speed or slower; the limit is 86,400 (lower their cycles, or raise the limit with --max-sim-seconds)"],
  // class 9: duplicates, a name that would break CSV, memory accesses under --max-ops
  ['duplicate-mode', 'test/corpus/duplicate-mode.yaml:3:16: vmms[1]: mode "native" is listed twice; expected each mode once (in the scenario)'],
  ['duplicate-workload', 'test/corpus/duplicate-workload.yaml:6:11: workloads[1].name: workload name "a" is used twice; expected a unique name per workload (in the scenario)'],
  ['name-newline', 'test/corpus/name-newline.yaml:2:7: name: one line of text without control characters, unpaired surrogates, line separators or text-direction controls (it becomes a CSV cell and a table heading) (in the scenario)'],
  ['name-bidi', 'test/corpus/name-bidi.yaml:1:7: name: one line of text without control characters, unpaired surrogates, line separators or text-direction controls (it becomes a CSV cell and a table heading) (in the scenario)'],
  ['name-surrogate', 'test/corpus/name-surrogate.yaml:2:7: name: one line of text without control characters, unpaired surrogates, line separators or text-direction controls (it becomes a CSV cell and a table heading) (in the scenario)'],
  ['trace-dup-column', 'test/corpus/trace-dup-column.csv:1:10: CSV column "count" appears twice in the header; expected each column once'],
  ['trace-empty', 'test/corpus/trace-empty.yaml:5:12: workloads[0].trace: test/corpus/trace-empty.jsonl: the trace has no operations (the file is empty, or holds only comments, blank lines and a CSV header); expected one operation per line'],
  ['trace-comments-only', 'test/corpus/trace-comments-only.yaml:5:12: workloads[0].trace: test/corpus/trace-comments-only.jsonl: the trace has no operations (the file is empty, or holds only comments, blank lines and a CSV header); expected one operation per line'],
  ['trace-header-only', 'test/corpus/trace-header-only.yaml:5:12: workloads[0].trace: test/corpus/trace-header-only.csv: the trace has no operations (the file is empty, or holds only comments, blank lines and a CSV header); expected one operation per line'],
  ['trace-binary', 'test/corpus/trace-binary.jsonl:1:14: trace file is not UTF-8 text (binary data?); expected a JSONL or CSV file'],
  ['trace-latin1', 'test/corpus/trace-latin1.jsonl:2:6: trace file is not UTF-8 text (binary data?); expected a JSONL or CSV file'],
  ['trace-nul', 'test/corpus/trace-nul.jsonl:2:12: trace file is binary (a NUL byte), not text; expected a JSONL or CSV file'],
  ['trace-control', 'test/corpus/trace-control.jsonl:1:8: op: unknown operation "sys\\u001b[2J\\u000bcall": expected one of compute, syscall, io, cr8write, cr3write, callret, pgfault, pteWrite, exception, rdtsc, newKernelCode, tlbMiss, memory, interrupt, mmCreate, mmDestroy, block (or "use" with a composite of the guest profile)'],
  ['trace-proto-composite', 'test/corpus/trace-proto-composite.jsonl:2:9: use: unknown composite operation "toString" (the scenario\'s guest profile does not define it)'],
  ['trace-dup-key', 'test/corpus/trace-dup-key.jsonl:2:31: count: the key "count" appears twice; expected each key once'],
  // two sweep keys of which one lies inside the other: the point would run whichever is applied last, labelled with both
  ['sweep-overlap', 'test/corpus/sweep-overlap.yaml:11:5: sweep.grid.workloads.0.repeat: overlaps sweep.grid.workloads.0 (test/corpus/sweep-overlap.yaml:10:5): ' +
    'workloads.0.repeat lies inside workloads.0, so which value a point runs would depend on the order the two are applied in, while each point is labelled with both: sweep only one of them'],
  // a mapping key __proto__: YAML keeps it, a schema's key → value mapping dropped it unread
  ['proto-key', 'test/corpus/proto-key.yaml:10:5: sweep.grid.__proto__: "__proto__" is not a parameter (no key has that name, and a mapping of names would drop it unread); expected a key of the scenario, model or sweep'],
  ['memory-accesses', 'test/corpus/memory-accesses.yaml:4:5: workloads[0]: workload "a" is 1,000 operations and about 1.0×10^15 memory accesses per mode; the limit is 1,000,000,000 (lower repeat or count, or raise the limit with --max-ops)'],
];

let tmp = '';
let huge = '';
let nul = '';
let farSyntax = '';
let farValue = '';
let deepValue = '';
let manyAliases = '';
let manyKeys = '';
let unknownTag = '';
let binaryTag = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vmmsim-corpus-'));
  // A 100 MB file of valid YAML (comment lines): refused by its size before a byte is read.
  huge = join(tmp, 'huge.yaml');
  const mb = Buffer.from('# padding padding padding padding padding padding padding padding padding padding\n'.repeat(12_800).slice(0, 1 << 20));
  writeFileSync(huge, 'name: huge\n');
  for (let i = 0; i < 100; i++) writeFileSync(huge, mb, { flag: 'a' });
  // Text with NUL bytes (valid UTF-8, still binary).
  nul = join(tmp, 'nul.yaml');
  writeFileSync(nul, 'name: nul\nworkloads:\n  - name: a\u0000\u0000\u0001\n');
  // Trace files (streamed while the simulation runs) broken 100,000 lines in:
  // far past any read buffer, after much of the run is done.
  const trace = (name: string, broken: string) => {
    writeFileSync(join(tmp, `${name}.jsonl`), '{"op": "syscall"}\n'.repeat(100_000) + broken + '\n' + '{"op": "callret"}\n'.repeat(10));
    writeFileSync(join(tmp, `${name}.yaml`), `name: ${name}\nworkloads:\n  - name: replay\n    trace: ${name}.jsonl\n`);
    return join(tmp, `${name}.yaml`);
  };
  farSyntax = trace('far-syntax', '{"op": "syscall", "count": 2');
  farValue = trace('far-value', '{"op": "compute", "cycles": -5}');
  // Nested 30,000 deep in 60 KB, under the line limit: was a stack overflow, reported as an internal error (exit 1).
  deepValue = trace('deep-value', `{"op": "syscall", "x": ${'['.repeat(30_000)}${']'.repeat(30_000)}}`);
  // Quadratic in yaml's own checks (each alias resolved by a walk of the document, each key compared with all before
  // it): 4,000 aliases took 8 s of CPU and 6,000 keys 2 s, in files of 16 and 50 KB.
  manyAliases = join(tmp, 'many-aliases.yaml');
  writeFileSync(manyAliases, `name: t\nworkloads:\n  - name: a\n    ops: [&o syscall${', *o'.repeat(4000)}]\n`);
  // A tag yaml cannot resolve made its value a string without a word; !!binary built a Buffer blamed on its shape.
  unknownTag = join(tmp, 'unknown-tag.yaml');
  writeFileSync(unknownTag, 'name: t\nworkloads:\n  - name: a\n    repeat: !foo 10\n    ops: [syscall]\n');
  binaryTag = join(tmp, 'binary-tag.yaml');
  writeFileSync(binaryTag, 'name: !!binary aGVsbG8=\nworkloads:\n  - name: a\n    ops: [syscall]\n');
  manyKeys = join(tmp, 'many-keys.yaml');
  writeFileSync(manyKeys, `name: t\nworkloads:\n  - name: a\n    ops: [syscall]\nx:\n${Array.from({ length: 6_000 }, (_, i) => `  k${i}: 1\n`).join('')}  k5: 2\n`);
  // Traces that never end (a device), never arrive (a FIFO) or hold one endless line.
  const replay = (name: string) => writeFileSync(join(tmp, `${name}.yaml`), `# issue 14, class 4\nname: ${name}\nworkloads:\n  - name: replay\n    trace: ${name}.jsonl\n`);
  symlinkSync('/dev/zero', join(tmp, 'zero.jsonl'));
  replay('zero');
  execFileSync('mkfifo', [join(tmp, 'fifo.jsonl')]);
  replay('fifo');
  symlinkSync('/proc/self/pagemap', join(tmp, 'pagemap.jsonl'));
  replay('pagemap');
  symlinkSync('/proc/self/mem', join(tmp, 'mem.jsonl'));
  replay('mem');
  writeFileSync(join(tmp, 'long.jsonl'), `{"op": "syscall"}\n{"op": "syscall", "pad": "${'x'.repeat(4 << 20)}"}\n`);
  replay('long');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** [case name, CLI arguments after `run` (before --out), expected status, expected stderr after "vmmsim: " (or the whole, for commander)]. */
const FLAG_CASES: () => Array<[string, string[], number, string]> = () => [
  ['a 100 MB file', [huge], 2, `${huge}: scenario file is 104,857,611 bytes; the limit is 4,194,304 bytes (raise it with --max-input-bytes)`],
  ['binary text with NUL bytes', [nul], 2, `${nul}:3:12: scenario file is binary (a NUL byte), not text; expected a YAML file`],
  ['a scenario over --max-input-bytes', ['test/corpus/good.yaml', '--max-input-bytes', '100'], 2,
    'test/corpus/good.yaml: scenario file is 171 bytes; the limit is 100 bytes (raise it with --max-input-bytes)'],
  ['a __proto__ key in a --set value', ['test/corpus/good.yaml', '--set', 'sweep.grid={__proto__: [1, 2]}'], 2,
    '--set sweep.grid={__proto__: [1, 2]}: sweep.grid.__proto__: "__proto__" is not a parameter (no key has that name, and a mapping of names would drop it unread); expected a key of the scenario, model or sweep'],
  ['a zero clock rate from --set', ['test/corpus/good.yaml', '--set', 'cpu.clockGHz=0'], 2,
    '--set cpu.clockGHz=0: clockGHz: expected ≥ 0.001, got number 0 (in the cpu model "pentium4")'],
  ['an unknown nested cpu key from --set', ['test/corpus/good.yaml', '--set', 'cpu.native.exceptionCycles.nmi=1'], 2,
    '--set cpu.native.exceptionCycles.nmi=1: native.exceptionCycles.nmi: unknown key "nmi" (in the cpu model "pentium4")'],
  ['a --set repeat over the operations limit', ['test/corpus/good.yaml', '--set', 'workloads.0.repeat=1e12'], 2,
    '--set workloads.0.repeat=1e12: workloads[0]: workload "a" is 2,000,000,000,000 operations per mode; the limit is 1,000,000,000 (lower repeat or count, or raise the limit with --max-ops)'],
  ['a negative VMM cost from --set', ['test/corpus/vmm-for-set.yaml', '--set', 'vmm.software.trapCycles=-5'], 2,
    '--set vmm.software.trapCycles=-5: trapCycles: expected ≥ 0, got number -5 (in the vmm model "software")'],
  ["a --set into the scenario's set: block (read before any override, so dropped unread)", ['test/corpus/good.yaml', '--set', 'set.cpu=nosuchcpu'], 2,
    '--set set.cpu=nosuchcpu: set.cpu: "set.cpu" cannot be overridden: set: entries are overrides themselves; give the key directly (cpu=…)'],
  ['a YAML tag in a --set value, refused as in a file', ['test/corpus/good.yaml', '--set', 'cpu=!foo core2'], 2,
    '--set cpu=!foo core2: the YAML tag !foo is not one vmmsim reads; expected the value written plainly (tags such as !!str, !!int and !!bool may stay)'],
  ['a --set value under a YAML 1.1 directive, read by the core schema as a file is', ['test/corpus/good.yaml', '--set', 'workloads.0.repeat=%YAML 1.1\n---\n1:30'], 2,
    '--set workloads.0.repeat=%YAML 1.1\\n---\\n1:30: workloads[0].repeat: expected a number, got the string "1:30" (in the scenario)'],
  ['a VMM parameter of a mode that has none', ['test/corpus/good.yaml', '--set', 'vmm.native.exitCycles=5'], 2,
    '--set vmm.native.exitCycles=5: vmm.native.exitCycles: mode "native" has no VMM parameters to override'],
  ['a VMM parameter of an unknown mode', ['test/corpus/good.yaml', '--set', 'vmm.quantum.x=1'], 2,
    '--set vmm.quantum.x=1: vmm.quantum.x: unknown mode "quantum": expected one of native, software, hardware, nested, interpreter, trap-and-emulate'],
  ['a trace file with a JSON syntax error 100,000 lines in', [farSyntax], 2,
    `${join(tmp, 'far-syntax.jsonl')}:100001:29: not valid JSON: Expected ',' or '}' after property value in JSON at position 28`],
  ['a trace file with a negative cost 100,000 lines in', [farValue], 2,
    `${join(tmp, 'far-value.jsonl')}:100001:29: cycles: Too small: expected number to be >=0`],
  ['a trace line nested 30,000 deep 100,000 lines in', [deepValue], 2,
    `${join(tmp, 'deep-value.jsonl')}:100001:1: values are nested more than 64 deep; expected an object of numbers and strings such as {"op": "syscall", "count": 2}`],
  ['4,000 aliases of one anchor (refused in time, at the alias past the cap)', [manyAliases], 2,
    `${manyAliases}:4:4023: more than 1,000 YAML aliases (*o here is alias number 1,001); expected a document with a handful`],
  ['a mapping of 6,000 keys whose last repeats one (found in time)', [manyKeys], 2,
    `${manyKeys}:6006:3: YAML syntax error: Map keys must be unique (the key "k5" appears twice)`],
  ['a --set value with a newline and an ESC: escaped, the message stays one line', ['test/corpus/good.yaml', '--set', 'workloads.0.repeat=10\n\u001b[2Jseed: 5'], 2,
    '--set workloads.0.repeat=10\\n\\u001b[2Jseed: 5: the value is not valid YAML: Implicit keys need to be on a single line'],
  ['an unknown YAML tag (the value became a string silently)', [unknownTag], 2,
    `${unknownTag}:4:18: the YAML tag !foo is not one vmmsim reads; expected the value written plainly (tags such as !!str, !!int and !!bool may stay)`],
  ['a !!binary value', [binaryTag], 2,
    `${binaryTag}:1:16: the YAML tag !!binary is not one vmmsim reads; expected the value written plainly (tags such as !!str, !!int and !!bool may stay)`],
  ['a missing scenario file', ['test/corpus/nope.yaml'], 2, 'test/corpus/nope.yaml: scenario file not found'],
  ['a directory as the scenario', ['test/corpus'], 2, 'test/corpus: scenario file is a directory; expected a YAML file'],
  ['a device as the scenario (it would never end)', ['/dev/zero'], 2, '/dev/zero: scenario file is not a regular file (a device, FIFO or socket); expected a YAML file'],
  // issue 14, class 1: --set into the prototype, list surgery
  ['--set into the object prototype', ['test/corpus/good.yaml', '--set', '__proto__.polluted=1'], 2,
    '--set __proto__.polluted=1: __proto__.polluted: "__proto__" cannot be overridden (it is not a parameter); expected a dotted key of scenario or model parameters such as cpu.vmx.vmExitCycles'],
  ['--set into a list\'s prototype', ['test/corpus/good.yaml', '--set', 'workloads.__proto__.x=1'], 2,
    '--set workloads.__proto__.x=1: workloads.__proto__.x: "__proto__" cannot be overridden (it is not a parameter); expected a dotted key of scenario or model parameters such as cpu.vmx.vmExitCycles'],
  ['--set of a model key\'s prototype', ['test/corpus/good.yaml', '--set', 'cpu.vmx.__proto__=1'], 2,
    '--set cpu.vmx.__proto__=1: cpu.vmx.__proto__: "__proto__" cannot be overridden (it is not a parameter); expected a dotted key of scenario or model parameters such as cpu.vmx.vmExitCycles'],
  ['--set of the mode named constructor', ['test/corpus/good.yaml', '--set', 'vmm.constructor.x=1'], 2,
    '--set vmm.constructor.x=1: vmm.constructor.x: "constructor" cannot be overridden (it is not a parameter); expected a dotted key of scenario or model parameters such as cpu.vmx.vmExitCycles'],
  ['--set of a list\'s length (it dropped workloads)', ['test/corpus/good.yaml', '--set', 'workloads.length=1'], 2,
    '--set workloads.length=1: workloads.length: "length" cannot be overridden (it is not a parameter); expected a dotted key of scenario or model parameters such as cpu.vmx.vmExitCycles'],
  ['--set of a huge list length (it ran to a heap abort)', ['test/corpus/good.yaml', '--set', 'workloads.length=1e9'], 2,
    '--set workloads.length=1e9: workloads.length: "length" cannot be overridden (it is not a parameter); expected a dotted key of scenario or model parameters such as cpu.vmx.vmExitCycles'],
  ['--set of list index -1', ['test/corpus/good.yaml', '--set', 'workloads.-1.repeat=5'], 2,
    '--set workloads.-1.repeat=5: workloads.-1: cannot set workloads.-1.repeat: workloads is a list, indexed by 0, 1, 2, …, not by "-1"'],
  ['--set of list index 1e3', ['test/corpus/good.yaml', '--set', 'workloads.1e3.repeat=1'], 2,
    '--set workloads.1e3.repeat=1: workloads.1e3: cannot set workloads.1e3.repeat: workloads is a list, indexed by 0, 1, 2, …, not by "1e3"'],
  // class 9: a --set past the end of a list names the flag, not the file
  ['--set of a list entry that does not exist', ['test/corpus/good.yaml', '--set', 'workloads.5.repeat=10'], 2,
    '--set workloads.5.repeat=10: workloads[5]: cannot set workloads.5.repeat: workloads has 1 entry (0 to 0); there is no entry 5 to override'],
  // class 3: events
  ['a guest system over --max-events', ['test/corpus/events.yaml', '--max-events', '1000'], 2,
    'test/corpus/events.yaml:5:5: workloads[0]: workload "a" is estimated at 2,634 simulation events per mode (timer ticks, device and client requests); the limit is 1,000 (shorten the run, or raise the limit with --max-events)'],
  ['a run whose events outrun the estimate under a slower mode', ['test/corpus/events-runtime.yaml', '--max-events', '30'], 2,
    'test/corpus/events-runtime.yaml:6:5: workloads[0]: workload "a" passed the limit of 30 simulation events under software (the estimate before the run was lower; shorten the run, or raise the limit with --max-events)'],
  // class 4: traces that never end or never arrive, and a line without end
  ['a trace linked to /dev/zero', [traceLinked('zero')], 2, `${traceLinked('zero')}:5:12: workloads[0].trace: ${join(tmp, 'zero.jsonl')}: trace file is not a regular file (a device, FIFO or socket); expected a JSONL or CSV file`],
  ['a FIFO as the trace', [traceLinked('fifo')], 2, `${traceLinked('fifo')}:5:12: workloads[0].trace: ${join(tmp, 'fifo.jsonl')}: trace file is not a regular file (a device, FIFO or socket); expected a JSONL or CSV file`],
  ['/proc/self/pagemap as the trace (binary data in a regular file: the message was 12 lines of it)', [traceLinked('pagemap')], 2,
    `${join(tmp, 'pagemap.jsonl')}:1:1: trace file is binary (a NUL byte), not text; expected a JSONL or CSV file`],
  ['/proc/self/mem as the trace (reading it fails)', [traceLinked('mem')], 2,
    `${traceLinked('mem')}:5:12: workloads[0].trace: ${join(tmp, 'mem.jsonl')}: trace file cannot be read: EIO: i/o error, read`],
  ['a trace line of 4 MB', [traceLinked('long')], 2, `${join(tmp, 'long.jsonl')}:2:1: line is longer than 65,536 characters; expected one operation per line`],
  // class 7: a clock rate that makes every time infinite
  ['a denormal clock rate from --set', ['test/corpus/good.yaml', '--set', 'cpu.clockGHz=1e-320'], 2,
    '--set cpu.clockGHz=1e-320: clockGHz: expected ≥ 0.001, got number 1e-320 (in the cpu model "pentium4")'],
  ['a huge clock rate from --set (its timer ticks were infinite and its results NaN)', ['test/corpus/good.yaml', '--set', 'cpu.clockGHz=1e300'], 2,
    '--set cpu.clockGHz=1e300: clockGHz: expected ≤ 100, got number 1e+300 (in the cpu model "pentium4")'],
  // class 8: a --set of a swept key would label every point with a value it did not run
  ['a --set of a swept key', ['test/corpus/swept.yaml', '--set', 'cpu.native.syscallCycles=7'], 2,
    '--set cpu.native.syscallCycles=7: cpu.native.syscallCycles is swept by the scenario (test/corpus/swept.yaml:10:5: sweep.grid.cpu.native.syscallCycles); ' +
      'a --set of it would run every point at one value while labelling each with its swept value: drop the --set, or change the sweep'],
  ['a --set of a swept key written with a leading zero in a list index', ['test/corpus/swept-mode.yaml', '--set', 'workloads.00.repeat=3'], 2,
    '--set workloads.00.repeat=3: workloads.0.repeat is swept by the scenario (test/corpus/swept-mode.yaml:10:5: sweep.grid.workloads.0.repeat); ' +
      'a --set of it would run every point at one value while labelling each with its swept value: drop the --set, or change the sweep'],
  ['a --set of vmms while the mode is swept', ['test/corpus/swept-mode.yaml', '--set', 'vmms=[native]'], 2,
    '--set vmms=[native]: vmm is swept by the scenario (test/corpus/swept-mode.yaml:9:5: sweep.grid.vmm); ' +
      'a --set of it would run every point at one value while labelling each with its swept value: drop the --set, or change the sweep'],
  // class 9: an empty --out
  ['an empty --out', ['test/corpus/good.yaml', '--out', ''], 2, '--out: expected a directory name, got an empty string'],
];

/** A scenario in the temp dir replaying `NAME.jsonl` there (made in beforeAll). */
function traceLinked(name: string): string {
  return join(tmp, `${name}.yaml`);
}

/** Run one case through main() and check everything the issue asks of bad input. */
async function refused(args: string[], status: number, message: string): Promise<void> {
  const out = join(mkdtempSync(join(tmp, 'case-')), 'out');
  const before = [snapshot(tmp), snapshot('test/corpus')];
  const r = await runMain(['run', ...args, '--models', MODELS, ...(args.includes('--out') ? [] : ['--out', out])]);
  expect(r.stderr).toBe(`vmmsim: ${message}\n`);
  expect(r.status).toBe(status);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(existsSync(out)).toBe(false);
  expect([snapshot(tmp), snapshot('test/corpus')], 'nothing written or deleted outside --out').toEqual(before);
  expect(({} as Record<string, unknown>).polluted, 'Object.prototype untouched').toBeUndefined();
  expect(r.cpuMs).toBeLessThan(IN_PROCESS_CPU_MS);
}

/** Names and sizes of the files under `dir` (not following links), the case directories excepted. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory() && !join(e.parentPath, e.name).includes('/case-'))
    .map((e) => `${join(e.parentPath, e.name)}:${e.isFile() ? statSync(join(e.parentPath, e.name)).size : 'special'}`)
    .sort();
}

describe('bad-input corpus: exit status and message of every case, within a second of CPU, nothing written', () => {
  for (const [name, message] of FILE_CASES) {
    it(`${name}: exits 2 naming file:line:column, key and expectation`, () => refused([`test/corpus/${name}.yaml`], 2, message));
  }
  it.each(FLAG_CASES().map((c, i) => [c[0], i] as const))('%s: is refused with a located message', (_name, i) => {
    const [, args, status, message] = FLAG_CASES()[i];
    return refused(args, status, message);
  });

  it('predict with an unknown paper scenario: exits 2 naming the flag and the scenarios that exist', async () => {
    const r = await runMain(['predict', '--scenarios', 'forkwait,nope', '--no-write']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vmmsim: --scenarios forkwait,nope: unknown paper scenario "nope"; expected some of forkwait, /);
  });

  it('predict --scenarios takes names of the list only: a path out of scenarios/paper/ is refused', async () => {
    const r = await runMain(['predict', '--scenarios', '../default', '--no-write']);
    expect(r.stderr).toBe('vmmsim: --scenarios ../default: unknown paper scenario "../default"; expected some of forkwait, xp-boot, compile-lin, compile-win, apache-lin, apache-win, largeram, 2dgraphics, specint, specjbb\n');
    expect(r.status).toBe(2);
  });

  it('a message quoting a 100,000-character flag is cut to 2,000 characters, saying how much was left out', async () => {
    const r = await runMain(['run', 'test/corpus/good.yaml', '--set', `name=${'x'.repeat(100_000)}`]);
    expect(r.stderr).toMatch(/^vmmsim: --set name=x{1989}… \(\d{2},\d{3} more characters left out\)\n$/);
    expect(r.status).toBe(2);
  });

  it('a model file that is a link leading nowhere is named as such (it was "unknown cpu model", listing the same name as known)', async () => {
    const models = join(tmp, 'models-looped');
    cpSync('models', models, { recursive: true });
    rmSync(join(models, 'cpu', 'pentium4.yaml'));
    symlinkSync('pentium4.yaml', join(models, 'cpu', 'pentium4.yaml'));
    const r = await runMain(['check', 'test/corpus/good.yaml', '--models', models, '--no-estimate']);
    expect(r.stderr).toBe(`vmmsim: test/corpus/good.yaml:2:1: cpu: cpu model "pentium4": ${join(models, 'cpu', 'pentium4.yaml')} is a symbolic link that leads to no file (a loop, or a missing target); expected a model file\n`);
    expect(r.status).toBe(2);
  });

  it('a bad limit value is refused by the option parser with exit 2', async () => {
    const r = await runMain(['check', 'test/corpus/good.yaml', '--max-ops', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: option '--max-ops <n>' argument '0' is invalid\. expected a positive whole number, such as 2000000000 or 2e9\.\n/);
  });

  it.each([['1_'], ['1__0'], ['_1'], ['1e400'], ['1e17']])('a malformed or unsafe limit %j is refused, not read as another number', async (value) => {
    const r = await runMain(['check', 'test/corpus/good.yaml', '--no-estimate', '--max-ops', value]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`argument '${value}' is invalid`);
  });

  it.each([
    ['', 'got an empty name'],
    ['forkwait,', 'got an empty name'],
    ['forkwait,forkwait', 'names "forkwait" twice'],
  ])('predict --scenarios %j is refused before anything runs', async (value, message) => {
    const r = await runMain(['predict', '--scenarios', value, '--no-write']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it.each([['run', 'test/corpus/good.yaml'], ['sensitivity', 'test/fixtures/sensitivity-syscall.yaml']])('%s --charts without --out is refused, not ignored', async (cmd, file) => {
    const r = await runMain([cmd, file, '--charts']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vmmsim: --charts: needs --out DIR/);
  });

  it.each([
    ['vmm.hardware.nosuch=1', 'nosuch: unknown key "nosuch" (in the vmm model "hardware")'],
    ['vmm.hardware.shadowCache=-1', 'shadowCache: expected ≥ 1, got number -1 (in the vmm model "hardware")'],
  ])('--set %s is checked though the scenario does not run that mode', async (set, message) => {
    const r = await runMain(['check', 'test/corpus/good.yaml', '--no-estimate', '--set', set]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vmmsim: --set ${set}: ${message}\n`);
  });

  // forkwait calibrates its computation to the measured seconds × the clock rate: 1e300 GHz made it
  // "about Infinity operations"; under xp-boot and apache-lin the results were NaN (exit 1).
  it.each([
    ['check', 'scenarios/paper/forkwait.yaml', 'cpu.clockGHz=1e300', '--set cpu.clockGHz=1e300: clockGHz: expected ≤ 100, got number 1e+300 (in the cpu model "pentium4")'],
    ['run', 'scenarios/paper/forkwait.yaml', 'cpu.clockGHz=1e308', '--set cpu.clockGHz=1e308: clockGHz: expected ≤ 100, got number 1e+308 (in the cpu model "pentium4")'],
    ['sweep', 'scenarios/paper/forkwait.yaml', 'cpu.clockGHz=1e-300', '--set cpu.clockGHz=1e-300: clockGHz: expected ≥ 0.001, got number 1e-300 (in the cpu model "pentium4")'],
    ['run', 'scenarios/paper/xp-boot.yaml', 'cpu.clockGHz=1e300', '--set cpu.clockGHz=1e300: clockGHz: expected ≤ 100, got number 1e+300 (in the cpu model "pentium4")'],
    ['check', 'scenarios/paper/forkwait.yaml', 'workloads.0.processes.0.calibrate.seconds.pentium4=1e300',
      '--set workloads.0.processes.0.calibrate.seconds.pentium4=1e300: workloads[0].processes[0].calibrate.seconds.pentium4: the measured 1e+300 s at 3.8 GHz is more cycles than a number can hold (the computation to calibrate overflows); expected a measured time in seconds'],
  ])('%s %s --set %s is refused without an Infinity or NaN in the message', async (cmd, file, set, message) => {
    const out = join(mkdtempSync(join(tmp, 'case-')), 'out');
    const r = await runMain([cmd, file, '--set', set, ...(cmd === 'check' ? ['--no-estimate'] : ['--out', out]), ...(cmd === 'sweep' ? ['-q', '--jobs', '1'] : [])]);
    expect(r.stderr).toBe(`vmmsim: ${message}\n`);
    expect(r.status).toBe(2);
    expect(r.stdout).not.toMatch(/Infinity|NaN/);
    expect(existsSync(out)).toBe(false);
  });

  // A sweep block (or part of one) written by --set is blamed on the flag, not on the lines of the
  // file it replaced: the messages named test/corpus/swept.yaml:9:3 (grid:) or the file's own values.
  const SWEEP_SET = (set: string) => `--set ${set}`;
  it.each([
    ['sweep.grid={cpu.native.nosuch: [1, 2]}', 'native.nosuch: unknown key "nosuch" (in the cpu model "pentium4") — in sweep point 0 (cpu.native.nosuch=1)'],
    ['sweep.grid={cpu.native.syscallCycles: [-1, 2]}', 'native.syscallCycles: expected ≥ 0, got number -1 (in the cpu model "pentium4") — in sweep point 0 (cpu.native.syscallCycles=-1)'],
    ['sweep.grid={workloads.5.repeat: [1, 2]}', 'workloads[5]: cannot set workloads.5.repeat: workloads has 1 entry (0 to 0); there is no entry 5 to override — in sweep point 0 (workloads.5.repeat=1)'],
    ['sweep.zip={cpu.native.inCycles: [1, 2, 3], cpu.native.cr8WriteCycles: [1]}',
      'sweep.zip.cpu.native.cr8WriteCycles: zip lists must have equal lengths: cpu.native.cr8WriteCycles has 1 values, cpu.native.inCycles has 3'],
    ['sweep.grid.cpu.native.syscallCycles=[1, 2]', "a sweep entry is named by one dotted key (cpu.native.syscallCycles), which a --set cannot reach with dots; expected the whole block, such as --set 'sweep.grid={cpu.native.syscallCycles: [1, 2]}'"],
    ['sweep={grid: {cpu.native.syscallCycles: [1]}, zip: {cpu.native.syscallCycles: [2]}}', 'sweep.zip.cpu.native.syscallCycles: cpu.native.syscallCycles is swept in both grid and zip; sweep it in one of them'],
  ])('--set %s on a sweep is blamed on the flag by sweep, check and run', async (set, message) => {
    for (const cmd of ['sweep', 'check', 'run']) {
      const out = join(mkdtempSync(join(tmp, 'case-')), 'out');
      const extra = cmd === 'check' ? ['--no-estimate'] : cmd === 'sweep' ? ['--out', out, '-q', '--jobs', '1'] : ['--out', out];
      const r = await runMain([cmd, 'test/corpus/swept.yaml', '--models', MODELS, '--set', set, ...extra]);
      expect(r.stderr, cmd).toBe(`vmmsim: ${SWEEP_SET(set)}: ${message}\n`);
      expect(r.status, cmd).toBe(2);
      expect(existsSync(out), cmd).toBe(false);
    }
  });

  it('commands that run the base point once refuse a sweep or replicates, from the file or a flag, instead of ignoring them', async () => {
    const file = join(tmp, 'swept.yaml');
    writeFileSync(file, readFileSync('test/fixtures/sensitivity-syscall.yaml', 'utf8') + '\nsweep:\n  grid:\n    cpu.native.syscallCycles: [-5, 2]\n');
    const line = readFileSync(file, 'utf8').split('\n').indexOf('sweep:') + 1;
    const out = join(tmp, 'base-point-out');
    const cases: Array<[string[], string]> = [
      [['sensitivity', file, '--jobs', '1', '--out', out], `${file}:${line}:1: sweep: vmmsim sensitivity runs the scenario once, at its base point, so its sweep would be ignored; expected a scenario without a sweep (vmmsim run and vmmsim sweep run sweeps)`],
      [['reproduce', 'nanobench', '--out', out, '--set', 'sweep.grid={cpu.native.syscallCycles: [1, 2]}'], '--set sweep.grid={cpu.native.syscallCycles: [1, 2]}: sweep: vmmsim reproduce runs the scenario once, at its base point, so its sweep would be ignored; expected a scenario without a sweep (vmmsim run and vmmsim sweep run sweeps)'],
      [['validate', '--out', out, '--set', 'replicates=3'], '--set replicates=3: replicates: vmmsim validate runs the scenario once, at its base point, so its 3 replicates would be ignored; expected a scenario without replicates (vmmsim run and vmmsim sweep run replicates)'],
      [['predict', '--scenarios', 'forkwait', '--out', out, '--set', 'replicates=3'], '--set replicates=3: replicates: vmmsim predict runs the scenario once, at its base point, so its 3 replicates would be ignored; expected a scenario without replicates (vmmsim run and vmmsim sweep run replicates)'],
      [['walk-ratio', 'test/fixtures/walk-ratio-small.yaml', '--out', join(out, 'w.txt'), '--set', 'replicates=2'], '--set replicates=2: replicates: vmmsim walk-ratio runs the scenario once, at its base point, so its 2 replicates would be ignored; expected a scenario without replicates (vmmsim run and vmmsim sweep run replicates)'],
    ];
    for (const [args, message] of cases) {
      const r = await runMain(args);
      expect(r.stderr, args.join(' ')).toBe(`vmmsim: ${message}\n`);
      expect(r.status).toBe(2);
      expect(existsSync(out), args.join(' ')).toBe(false);
    }
  });

  it.each([[''], [','], [' , ']])('sensitivity --params %j names no parameter: refused (it wrote an empty table and chart)', async (value) => {
    const out = join(tmp, 'sens-empty');
    const r = await runMain(['sensitivity', 'test/fixtures/sensitivity-syscall.yaml', '--params', value, '--jobs', '1', '--out', out, '--charts']);
    expect(r.stderr).toBe(`vmmsim: --params: names no parameter (got "${value}"); expected comma-separated keys such as cpu.vmx.vmExitCycles, or a prefix such as vmm.hardware.*\n`);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('sensitivity --delta too small to move a parameter is refused', async () => {
    const r = await runMain(['sensitivity', 'test/fixtures/sensitivity-syscall.yaml', '--delta', '1e-320']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--delta must be a fraction or percentage from 0.0001% (1e-6)');
  });
});

/** Cases run again as a user runs them: the built CLI in a subprocess, exit code and all. */
const CLI_SAMPLE = ['syntax-unclosed', 'unknown-key-cpu-nested', 'unknown-key-vmm', 'nan-cost', 'zero-clock', 'alias-bomb', 'composite-bomb', 'sweep-billion',
  'proto-set', 'sim-seconds', 'device-latency', 'trace-count', 'trace-missing', 'overflow'];

describe.concurrent('a sample of the corpus through the built CLI', () => {
  const viaCli = async (args: string[], status: number, message: string) => {
    const out = join(mkdtempSync(join(tmp, 'cli-')), 'out');
    const r = await runCli(['run', ...args, '--models', MODELS, '--out', out]);
    expect(r.stderr).toBe(`vmmsim: ${message}\n`);
    expect(r.status).toBe(status);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(r.ms).toBeLessThan(CLI_WALL_MS);
  };
  for (const name of CLI_SAMPLE) {
    it(`${name}: exits 2 with the same message`, () => viaCli([`test/corpus/${name}.yaml`], 2, FILE_CASES.find(([n]) => n === name)![1]));
  }
  it('a 100 MB file: exits 2 at once', () => viaCli([huge], 2, FLAG_CASES()[0][3]));
  it('a --set value with a collection as a key: the message alone, no Node warning ahead of it', () =>
    viaCli(['test/corpus/good.yaml', '--set', 'workloads.0.ops={[a]: 1}'], 2, '--set workloads.0.ops={[a]: 1}: workloads[0].ops: expected a list, got a mapping (in the scenario)'));
  it('a FIFO as the trace: exits 2 at once instead of hanging', () => viaCli([traceLinked('fifo')], 2, FLAG_CASES().find((c) => c[0] === 'a FIFO as the trace')![3]));
  it('a device as the scenario: exits 2 at once', () => viaCli(['/dev/zero'], 2, FLAG_CASES().find((c) => c[1][0] === '/dev/zero')![3]));
});

/** Corpus cases whose trace is refused by the check every command makes while loading, before anything runs. */
const TRACE_CASES = ['trace-binary', 'trace-latin1', 'trace-empty', 'trace-header-only', 'trace-count', 'trace-far-time', 'trace-dup-column', 'trace-dup-key', 'trace-proto-composite'];

describe('a trace is checked whole while the scenario loads: sweep and check refuse it as run does, nothing written', () => {
  for (const name of TRACE_CASES) {
    const message = FILE_CASES.find(([n]) => n === name)![1];
    it(`${name}: sweep exits 2 with run's message and leaves no --out`, async () => {
      const out = join(mkdtempSync(join(tmp, 'case-')), 'out');
      const r = await runMain(['sweep', `test/corpus/${name}.yaml`, '--models', MODELS, '--out', out, '--jobs', '1', '-q', '--set', 'replicates=2']);
      expect(r.stderr).toBe(`vmmsim: ${message}\n`);
      expect(r.status).toBe(2);
      expect(existsSync(out)).toBe(false);
    });
    it(`${name}: check exits 2 with run's message`, async () => {
      const r = await runMain(['check', `test/corpus/${name}.yaml`, '--models', MODELS, '--no-estimate']);
      expect(r.stderr).toBe(`vmmsim: ${message}\n`);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
    });
  }
});

describe('limits are probed on both sides and can be raised', () => {
  it('--max-ops at the run length passes; one below is refused', async () => {
    const [at, below] = [
      await runMain(['check', 'test/corpus/too-many-ops.yaml', '--max-ops', '3e12']),
      await runMain(['check', 'test/corpus/too-many-ops.yaml', '--max-ops', '2999999999999']),
    ];
    expect(at.stderr).toBe('');
    expect(at.status).toBe(0);
    expect(at.stdout).toMatch(/a \(3,000,000,000,000 ops, ~\S+ simulated s natively, ~2 events\)/);
    expect(below.status).toBe(2);
    expect(below.stderr).toMatch(/the limit is 2,999,999,999,999 \(lower repeat or count, or raise the limit with --max-ops\)\n$/);
  });

  it('--max-points at the sweep size passes; one below is refused', async () => {
    const at = await runMain(['check', 'test/fixtures/sweep/four-points.yaml', '--max-points', '4']);
    const below = await runMain(['check', 'test/fixtures/sweep/four-points.yaml', '--max-points', '3']);
    expect(at.stderr).toBe('');
    expect(at.status).toBe(0);
    expect(below.status).toBe(2);
    expect(below.stderr).toBe('vmmsim: test/fixtures/sweep/four-points.yaml:8:1: sweep: the sweep expands to 4 points; the limit is 3 (split it into several scenarios, shorten its lists, or raise the limit with --max-points)\n');
  });

  it('--max-input-bytes at the largest input passes; one below is refused, naming that file', async () => {
    const cpuFile = `${MODELS}/cpu/pentium4.yaml`;
    const need = statSync(cpuFile).size; // larger than the scenario: every YAML input is capped
    expect(need).toBeGreaterThan(statSync('test/corpus/good.yaml').size);
    const [at, below] = [
      await runMain(['check', 'test/corpus/good.yaml', '--models', MODELS, '--max-input-bytes', String(need)]),
      await runMain(['check', 'test/corpus/good.yaml', '--models', MODELS, '--max-input-bytes', String(need - 1)]),
    ];
    expect(at.stderr).toBe('');
    expect(at.status).toBe(0);
    expect(below.status).toBe(2);
    expect(below.stderr).toBe(`vmmsim: ${cpuFile}: cpu model file is ${need.toLocaleString('en-US')} bytes; the limit is ${(need - 1).toLocaleString('en-US')} bytes (raise it with --max-input-bytes)\n`);
  });
});

describe('the corpus models track the shipped ones', () => {
  // The corpus copies must differ from models/ only by the one mistake each
  // is for; otherwise a new required parameter changes which error a case reports.
  const body = (p: string) => readFileSync(p, 'utf8').split('\n').slice(1).join('\n'); // minus the corpus header line
  it('vmm/software.yaml is models/vmm/software.yaml; vmm/hardware.yaml is models/vmm/hardware.yaml with shadowCache misspelt', () => {
    expect(body(`${MODELS}/vmm/software.yaml`), 'update test/corpus/models/vmm/software.yaml').toBe(readFileSync('models/vmm/software.yaml', 'utf8'));
    expect(body(`${MODELS}/vmm/hardware.yaml`).replace(/^shadowCahce:/m, 'shadowCache:'), 'update test/corpus/models/vmm/hardware.yaml').toBe(readFileSync('models/vmm/hardware.yaml', 'utf8'));
  });
});
