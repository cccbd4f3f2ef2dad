// The perf stat and strace -c parsers on outputs captured from real runs on
// this machine (test/fixtures/profile/capture.sh says how).
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../config/errors.js';
import { MAX_EVENTS } from './counterBounds.js';
import { counterValue } from './counters.js';
import { factsOf } from './facts.js';
import { importCounters } from './importFile.js';
import { parsePerfStat } from './perfStat.js';
import { parseStraceSummary } from './straceSummary.js';

const dir = 'test/fixtures/profile';
const read = (f: string) => readFileSync(`${dir}/${f}`, 'utf8');
const errorOf = (f: () => unknown): InputError => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('perf stat -x, parser', () => {
  it('reads counts, msec values and tracepoints, and marks <not supported> rows as having no value', () => {
    const set = parsePerfStat(read('perf-x.txt'), 'perf-x.txt');
    expect(counterValue(set, 'sched:sched_process_fork')).toBe(200);
    expect(counterValue(set, 'syscalls:sys_enter_exit_group')).toBe(201);
    expect(counterValue(set, 'page-faults')).toBe(3861);
    const clock = set.counters.find((c) => c.name === 'task-clock')!;
    expect([clock.value, clock.unit]).toEqual([39.9, 'msec']);
    const cycles = set.counters.find((c) => c.name === 'cycles')!;
    expect([cycles.value, cycles.status]).toEqual([null, 'not supported']);
  });

  it('marks <not counted> rows as counted by no tool, and a profile from them says what was not measured', () => {
    const set = parsePerfStat(read('perf-x-not-counted.txt'), 'f');
    expect(set.counters.map((c) => c.status)).toEqual(['not counted', 'not supported', 'not counted']);
    const facts = factsOf(set, null);
    expect(facts.minorFaults).toBeNull();
    expect(facts.contextSwitches).toBeNull();
  });

  it('reads the table form with en_US thousands separators, and its elapsed, user and sys seconds', () => {
    const set = parsePerfStat(read('perf-table-en_US.txt'), 'f');
    expect(counterValue(set, 'page-faults')).toBe(14801);
    expect(counterValue(set, 'raw_syscalls:sys_enter')).toBe(11148);
    expect(counterValue(set, 'task-clock')).toBe(279.68);
    expect(set.counters.find((c) => c.name === 'cycles')!.status).toBe('not supported');
    expect([set.elapsedSeconds, set.userSeconds, set.sysSeconds]).toEqual([0.84243301, 0.240196, 0.074135]);
  });

  it('reads a locale that groups with dots and writes decimals with a comma (the en_US capture rewritten by hand as de_DE prints it)', () => {
    const de = read('perf-table-en_US.txt').replace(/(\d),(\d{3})/g, '$1.$2').replace('279.68 msec', '279,68 msec').replace('0.240196000 seconds user', '0,240196000 seconds user');
    const set = parsePerfStat(de, 'f');
    expect(counterValue(set, 'page-faults')).toBe(14801);
    expect(counterValue(set, 'task-clock')).toBe(279.68);
    expect(set.userSeconds).toBe(0.240196);
  });

  it('names the file and line of a row it cannot read', () => {
    const e = errorOf(() => parsePerfStat(read('perf-x-bad.txt'), `${dir}/perf-x-bad.txt`));
    expect(e.message).toMatch(/^test\/fixtures\/profile\/perf-x-bad\.txt:6:1: cannot read this line as perf stat output: "2o7 context switches/);
  });
});

describe('strace -c parser', () => {
  it('reads calls per system call (the errors column may be empty) and the total', () => {
    const set = parseStraceSummary(read('strace-fc.txt'), 'f');
    expect(counterValue(set, 'strace:vfork')).toBe(301);
    expect(counterValue(set, 'strace:execve')).toBe(302);
    expect(counterValue(set, 'strace:wait4')).toBe(602);
    expect(counterValue(set, 'strace:total')).toBe(11020);
  });

  it('sums the tables of several personalities', () => {
    const one = read('strace-fc.txt');
    const set = parseStraceSummary(`System call usage summary for 64 bit mode:\n${one}\nSystem call usage summary for 32 bit mode:\n${one}`, 'f');
    expect(counterValue(set, 'strace:vfork')).toBe(602);
  });

  it('estimates exit_group, which strace -c does not count, as one per process created plus the command', () => {
    const facts = factsOf(parseStraceSummary(read('strace-fc.txt'), 'f'), null);
    expect(facts.syscalls!.get('exit_group')).toBe(302);
    expect(facts.spawns!.value).toBe(301);
    expect(facts.execs!.value).toBe(302);
  });

  it('names the file and line of a row it cannot read', () => {
    const e = errorOf(() => parseStraceSummary(read('strace-fc-bad.txt'), `${dir}/strace-fc-bad.txt`));
    expect(e.message).toMatch(/^test\/fixtures\/profile\/strace-fc-bad\.txt:8:1: cannot read this line as a strace -c summary row/);
  });
});

describe('import', () => {
  it('tells the formats apart and refuses a file that is neither, at its first line', () => {
    expect(importCounters(`${dir}/perf-x.txt`, 1 << 20).format).toBe('perf stat');
    expect(importCounters(`${dir}/perf-table-en_US.txt`, 1 << 20).format).toBe('perf stat');
    expect(importCounters(`${dir}/strace-fc.txt`, 1 << 20).format).toBe('strace -c');
    expect(errorOf(() => importCounters(`${dir}/neither.txt`, 1 << 20)).message).toMatch(/neither\.txt:1:1: neither perf stat output/);
  });

  it('refuses a file larger than the input limit before reading it', () => {
    expect(errorOf(() => importCounters(`${dir}/perf-x.txt`, 100)).message).toMatch(/the limit is 100 bytes/);
  });

  it('stops reading one byte past the limit a file whose size stat does not tell (/proc says 0 bytes)', () => {
    expect(statSync('/proc/self/maps').size).toBe(0);
    const e = errorOf(() => importCounters('/proc/self/maps', 100));
    expect(e.message).toMatch(/^\/proc\/self\/maps: --from file is 101 bytes; the limit is 100 bytes$/);
  });
});

describe('counter values', () => {
  const perfX = read('perf-x.txt');
  const table = read('perf-table-en_US.txt');
  const strace = read('strace-fc.txt');
  const perfError = (text: string) => errorOf(() => parsePerfStat(text, 'f.txt')).message;
  const straceError = (text: string) => errorOf(() => parseStraceSummary(text, 'f.txt')).message;

  it('refuses a counter printed twice (the second value was dropped), a time in a unit the mapping does not read, and a control character in a name', () => {
    expect(perfError(perfX.replace(/^(3861,,page-faults.*)$/m, '$1\n20,,page-faults,1,100,,'))).toBe('f.txt:4:1: the counter page-faults appears twice (first on line 3); expected each counter once');
    expect(perfError(perfX.replace(/^39\.90,msec,task-clock/m, '39.90,parsecs,task-clock'))).toBe('f.txt:8:1: task-clock 39.9 parsecs: the mapping reads task-clock in msec or ms; expected that unit (or none), as perf stat prints it');
    expect(perfError(perfX.replace(/^3861,,page-faults/m, '3861,,\u001b[2Jpage-faults'))).toBe('f.txt:3:1: the counter name "\\u001b[2Jpage-faults" holds a control character; expected an event name such as page-faults');
    const human = table.replace(/^(\s*[\d,]+\s+page-faults.*)$/m, '$1\n$1');
    expect(human).not.toBe(table);
    expect(perfError(human)).toMatch(/^f\.txt:\d+:1: the counter page-faults appears twice \(first on line \d+\); expected each counter once$/);
  });

  it('refuses a negative count or time at its line, naming the counter', () => {
    expect(perfError(perfX.replace(/^3861,,page-faults/m, '-5,,page-faults'))).toBe('f.txt:3:1: page-faults -5 is negative; expected a count or a time, 0 or more');
    expect(perfError(perfX.replace(/^39\.90,msec,task-clock/m, '-1,msec,task-clock'))).toMatch(/^f\.txt:8:1: task-clock -1 msec is negative/);
  });

  it('refuses a count too long to be a finite number (it would reach the scenario as Infinity)', () => {
    const huge = `14${',999'.repeat(110)}`;
    expect(perfError(table.replace(/^ +14,801 +page-faults/m, `${huge}      page-faults`))).toMatch(/^f\.txt:6:1: page-faults: the value is too large to be a number/);
    expect(perfError(perfX.replace(/^3861,,page-faults/m, `${'9'.repeat(400)},,page-faults`))).toMatch(/^f\.txt:3:1: page-faults: the value is too large/);
    expect(straceError(strace.replace(/ 301 +vfork/, ` ${'9'.repeat(400)} vfork`))).toMatch(/^f\.txt:4:1: strace:vfork: the value is too large/);
  });

  it(`refuses a count of events above ${MAX_EVENTS} (more than a scenario replays), and a fraction of an event`, () => {
    expect(perfError(perfX.replace(/^3861,,page-faults/m, `1${'0'.repeat(29)},,page-faults`))).toMatch(/^f\.txt:3:1: page-faults 1×10\^29 is more than 1×10\^12 events/);
    expect(perfError(perfX.replace(/^200,,sched:sched_process_fork/m, '2.5,,sched:sched_process_fork'))).toMatch(/^f\.txt:11:1: sched:sched_process_fork 2\.5 is not a whole number/);
    expect(() => parsePerfStat(perfX.replace(/^3861,,page-faults/m, `${MAX_EVENTS},,page-faults`), 'f.txt')).not.toThrow();
    // a counter the mapping does not read may be larger (cycles of a long run), up to what 64 bits hold
    expect(counterValue(parsePerfStat(perfX.replace(/^<not supported>,,cycles/m, '12345678901234567,,cycles'), 'f.txt'), 'cycles')).toBe(12345678901234567);
    expect(perfError(perfX.replace(/^<not supported>,,cycles/m, `1${'0'.repeat(20)},,cycles`))).toMatch(/^f\.txt:9:1: cycles 1×10\^20 is larger than any 64-bit counter/);
  });

  it('refuses a time beyond any run, in a counter or in the table\'s footer', () => {
    expect(perfError(perfX.replace(/^39\.90,msec,task-clock/m, '2000000000000,msec,task-clock'))).toMatch(/^f\.txt:8:1: task-clock 2×10\^12 msec is 2×10\^9 seconds, more than the 1×10\^9/);
    expect(perfError(table.replace('0.240196000 seconds user', '999999999999.0 seconds user'))).toMatch(/^f\.txt:15:1: seconds user: 1×10\^12 seconds is more than/);
  });

  it('checks a strace count as summed over the personalities\' tables', () => {
    const one = strace.replace(/ 301 +vfork/, ' 600000000000 vfork');
    expect(() => parseStraceSummary(one, 'f.txt')).not.toThrow();
    const two = `System call usage summary for 64 bit mode:\n${one}\nSystem call usage summary for 32 bit mode:\n${one}`;
    expect(straceError(two)).toMatch(/^f\.txt:\d+:1: strace:vfork 1\.2×10\^12 is more than 1×10\^12 events.* \(summed over the tables of 2 personalities\)$/);
  });

  it('refuses a strace summary or a perf table with no counter rows, at its header', () => {
    const header = strace.split('\n').slice(0, 2).join('\n');
    expect(straceError(`${header}\n`)).toBe('f.txt:1:1: the strace -c summary counts no system call (no rows under its header); expected a row such as "10.73  0.013325  44  301  vfork"');
    const noRows = table.split('\n').filter((l) => !/^ +(\d|<)/.test(l) || /seconds/.test(l)).join('\n');
    expect(perfError(noRows)).toMatch(/^f\.txt:4:1: perf stat's table has no counter rows/);
  });
});
