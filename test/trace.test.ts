// Trace replay: the committed example files, and located errors however far
// into a (streamed) file the broken line is.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/config/load.js';
import { runScenario } from '../src/run/runScenario.js';
import { LINE_READER_CHUNK_BYTES } from '../src/workload/lineReader.js';
import { jsonKeys } from '../src/workload/jsonLine.js';
import { parseTrace } from '../src/workload/traceProgram.js';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });

describe('trace replay', () => {
  it('replays the committed example; JSONL and CSV forms of the same trace give the same records', () => {
    const recs = runScenario(loadScenario('scenarios/examples/trace.yaml', { set: ['vmms=[native]'] }));
    const [jsonl, csv] = recs;
    // By hand, on the Pentium 4 (native costs of models/cpu/pentium4.yaml, composites of linux-2.6):
    //   stream 1: syscall 243 + compute 2000 + 3 PTE stores 3 + cowFault (1093 + 3000 + 3×11 + 1) = 6373
    //   t = 5000 ns = 19000 cycles: idle 12627; switch to stream 2: contextSwitch 3000 + 33 + 500 + the refill
    //   of 16 TLB misses the MMU model prices at 22.173828125 each (2 references, nearly all L2 hits) = 3887.78
    //   stream 2: syscall 243 + out 3209 + compute 10000 → 36339.78
    //   t = 20000 ns = 76000 cycles: idle; switch back 3887.78; pgfault 1093 + divzero 889 → 81869.78125
    expect(jsonl.cycles).toBe(81869.78125);
    expect(jsonl.breakdown.idle?.cycles).toBe(12627 + (76000 - 36339.78125));
    expect(jsonl.metrics.streamSwitches).toBe(2);
    expect(jsonl.metrics.traceLines).toBe(9);
    expect({ ...csv, workload: 'jsonl' }).toEqual(jsonl);
  });

  it('a malformed line is an input error naming file:line (exit 2, nothing on stdout)', () => {
    const r = cli('run', 'test/fixtures/trace-bad.yaml');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^vmmsim: test\/fixtures\/traces\/bad-op\.jsonl:5:8: op: unknown operation "sycall"/);
  });

  it('reads a file far larger than its buffer lazily and locates a broken line far into it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-trace-'));
    const good = '{"op":"syscall"}\n';
    const lines = Math.ceil((4 * LINE_READER_CHUNK_BYTES) / good.length) + 7;
    writeFileSync(join(dir, 'big.csv.jsonl'), good.repeat(lines) + '{"op":"compute","cycles":-5}\n' + good);
    writeFileSync(join(dir, 's.yaml'), 'name: big\nworkloads:\n  - name: big\n    trace: big.csv.jsonl\n');
    expect(() => runScenario(loadScenario(join(dir, 's.yaml')))).toThrow(`big.csv.jsonl:${lines + 1}:26: cycles:`);
  });

  it('a CSV row with the wrong number of cells names its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-trace-'));
    writeFileSync(join(dir, 't.csv'), '# c\nop,cycles\nsyscall,\ncompute,10,3\n');
    writeFileSync(join(dir, 's.yaml'), 'name: c\nworkloads:\n  - name: c\n    trace: t.csv\n');
    expect(() => runScenario(loadScenario(join(dir, 's.yaml')))).toThrow('t.csv:4:1: expected 2 cells as in the header, got 3');
  });

  it('an absolute trace path is used as written, not joined onto the scenario\'s directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-trace-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'vmmsim-trace-'));
    writeFileSync(join(elsewhere, 'e.jsonl'), '{"op":"syscall","count":3}\n');
    writeFileSync(join(dir, 's.yaml'), `name: a\nworkloads:\n  - name: a\n    trace: ${join(elsewhere, 'e.jsonl')}\n`);
    const [r] = runScenario(loadScenario(join(dir, 's.yaml')));
    expect(r.metrics.traceLines).toBe(1);
    expect(r.metrics.operations).toBe(3);
    writeFileSync(join(dir, 'm.yaml'), `name: a\nworkloads:\n  - name: a\n    trace: ${join(elsewhere, 'missing.jsonl')}\n`);
    expect(() => loadScenario(join(dir, 'm.yaml'))).toThrow(`${join(dir, 'm.yaml')}:4:12: workloads[0].trace: ${join(elsewhere, 'missing.jsonl')}: trace file not found`);
  });

  it('a key written twice on a JSONL line is an error at its second occurrence; errors point at the key or value they are about', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-trace-'));
    const first = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return parseTrace(join(dir, name), name.endsWith('.csv') ? 'csv' : 'jsonl')?.error?.message.slice(dir.length + 1);
    };
    expect(first('a.jsonl', '{"op":"syscall"}\n{"op":"syscall","count":1,"count":5}\n')).toBe('a.jsonl:2:27: count: the key "count" appears twice; expected each key once');
    expect(first('b.jsonl', '{"op":"syscall","op":"syscall"}\n')).toBe('b.jsonl:1:17: op: the key "op" appears twice; expected each key once');
    expect(first('b2.jsonl', '{"op": "syscall", "count" : 1, "count"\t: 5}\n')).toBe('b2.jsonl:1:32: count: the key "count" appears twice; expected each key once');
    // A key-like text inside a string, and a nested object's own keys, are not top-level keys.
    expect(first('c.jsonl', '{"op":"syscall","count":2}\n{"op":"compute","cycles":1,"mode":"a\\",\\"cycles\\":2"}\n')).toBe('c.jsonl:2:35: mode: Invalid option: expected one of "user"|"kernel"');
    expect(first('d.jsonl', '{"op":"compute","cycles":{"x":1,"x":2}}\n')).toBe('d.jsonl:1:26: cycles: Invalid input: expected number, received object');
    expect(first('e.jsonl', '   {"op": "compute", "cycles": -5}\n')).toBe('e.jsonl:1:32: cycles: Too small: expected number to be >=0');
    expect(first('f.jsonl', '{"op":"syscall","pad":1}\n')).toBe('f.jsonl:1:17: Unrecognized key: "pad"');
    const decimal = 'expected a decimal number as JSON writes it (such as 12, 1.5 or 2e3)';
    expect(first('g.csv', 'op, cycles\ncompute, abc\n')).toBe(`g.csv:2:10: column cycles: ${decimal}, got "abc"`);
    expect(first('h.csv', 'op, count\nsyscall, 0x10\n')).toBe(`h.csv:2:10: column count: ${decimal}, got "0x10"`);
    expect(first('i.csv', 'op, cycles\ncompute, 1.5e3\ncompute, 0.5\ncompute, Infinity\n')).toBe(`i.csv:4:10: column cycles: ${decimal}, got "Infinity"`);
    // JSON's syntax, as a JSONL trace has it: no leading +, bare point or leading zero.
    for (const cell of ['.5', '5.', '+5', '007']) expect(first('j.csv', `op, cycles\ncompute, ${cell}\n`)).toBe(`j.csv:2:10: column cycles: ${decimal}, got "${cell}"`);
    expect(jsonKeys('{"a":"\\"b\\":1,","c":[{"d":1}],"e":{}}').map((k) => k.key)).toEqual(['a', 'c', 'e']);
  });

  it('check reads every line of a trace and prints what it counts', () => {
    const r = cli('check', 'scenarios/examples/trace.yaml', '--no-estimate');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('jsonl (trace scenarios/examples/trace.jsonl, every line checked: 61 ops), csv (trace scenarios/examples/trace.csv, every line checked: 61 ops)');
  });

  it('a trace must be UTF-8 text: a character split by the read buffer is read whole; a bad byte anywhere is found at its line and column, after the lines before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-trace-'));
    const error = (bytes: Buffer) => {
      writeFileSync(join(dir, 't.jsonl'), bytes);
      const p = parseTrace(join(dir, 't.jsonl'), 'jsonl')!;
      return p.error === null ? `ok: ${p.lines} lines` : p.error.message.slice(dir.length + 1);
    };
    // A comment line of "€" (3 bytes) that straddles the first chunk boundary, then an operation.
    const pad = '{"op":"syscall"}\n'.repeat(Math.floor((LINE_READER_CHUNK_BYTES - 100) / 17));
    const euros = '#' + '€'.repeat(60) + '\n';
    expect(Buffer.byteLength(pad) < LINE_READER_CHUNK_BYTES && Buffer.byteLength(pad + euros) > LINE_READER_CHUNK_BYTES).toBe(true);
    const lines = pad.split('\n').length - 1;
    expect(error(Buffer.from(pad + euros + '{"op":"syscall"}\n'))).toBe(`ok: ${lines + 1} lines`);
    // The same with one byte of a "€" lost at the boundary, and a "€" cut off by the end of the file.
    const cut = Buffer.from(pad + euros);
    expect(error(Buffer.concat([cut.subarray(0, LINE_READER_CHUNK_BYTES), cut.subarray(LINE_READER_CHUNK_BYTES + 1)]))).toMatch(new RegExp(`^t\\.jsonl:${lines + 1}:\\d+: trace file is not UTF-8 text \\(binary data\\?\\); expected a JSONL or CSV file$`));
    expect(error(Buffer.from('{"op":"syscall"}\n#€', 'utf8').subarray(0, -1))).toBe('t.jsonl:2:2: trace file is not UTF-8 text (binary data?); expected a JSONL or CSV file');
    // Overlong forms and surrogates are not UTF-8; a bad line before a bad byte in the same chunk is reported first.
    expect(error(Buffer.from([...Buffer.from('{"op":"syscall"}\n# '), 0xc0, 0xaf, 0x0a]))).toBe('t.jsonl:2:3: trace file is not UTF-8 text (binary data?); expected a JSONL or CSV file');
    expect(error(Buffer.from([...Buffer.from('# '), 0xed, 0xa0, 0x80, 0x0a]))).toBe('t.jsonl:1:3: trace file is not UTF-8 text (binary data?); expected a JSONL or CSV file');
    expect(error(Buffer.from([...Buffer.from('{"op":"sycall"}\n# '), 0xff, 0x0a]))).toBe('t.jsonl:1:7: op: unknown operation "sycall": expected one of compute, syscall, io, cr8write, cr3write, callret, pgfault, pteWrite, exception, rdtsc, newKernelCode, tlbMiss, memory, interrupt, mmCreate, mmDestroy, block (or "use" with a composite of the guest profile)');
  });
});
