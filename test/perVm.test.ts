// Per-VM and per-process results of guest systems: the split adds up to the
// run, exits and faults add up to the run's counters, and the table and CSV
// show it. Single streams carry no split.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/config/load.js';
import { toCsv } from '../src/report/csv.js';
import { toTable } from '../src/report/table.js';
import type { ResultRecord, ShareResult } from '../src/run/record.js';
import { runScenario } from '../src/run/runScenario.js';
import { CATEGORIES } from '../src/vmm/categories.js';

// Four VMs, shortened: fewer requests and iterations keep the test fast.
const records = runScenario(loadScenario('scenarios/examples/four-vms.yaml', {
  set: ['workloads.0.vms.0.clients.requests=200', 'workloads.0.vms.1.processes.0.repeat=50', 'workloads.0.vms.2.processes.0.repeat=20'],
}));

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const categoryCycles = (s: ShareResult) => sum(Object.values(s.breakdown).map((b) => b!.cycles));

describe('per-VM and per-process results of a guest system', () => {
  it('every record has one entry per VM plus (host), in the order of the scenario', () => {
    for (const r of records) expect(r.vms!.map((v) => v.vm)).toEqual(['web.1', 'web.2', 'shell', 'batch', '(host)']);
  });

  it('the VMs add up to the run: cycles and every category, count and cycles', () => {
    for (const r of records) {
      expect(sum(r.vms!.map((v) => v.cycles))).toBeCloseTo(r.cycles, 0);
      for (const cat of CATEGORIES) {
        const own = r.breakdown[cat];
        expect(sum(r.vms!.map((v) => v.breakdown[cat]?.cycles ?? 0)), `${r.vmm} ${cat}`).toBeCloseTo(own?.cycles ?? 0, 0);
        expect(sum(r.vms!.map((v) => v.breakdown[cat]?.count ?? 0)), `${r.vmm} ${cat}`).toBe(own?.count ?? 0);
      }
    }
  });

  it("each VM's processes add up to the VM, and a VM's cycles are its categories' cycles", () => {
    for (const r of records) {
      for (const v of r.vms!) {
        expect(sum(v.processes.map((p) => p.cycles))).toBeCloseTo(v.cycles, 0);
        expect(sum(v.processes.map((p) => p.exits))).toBe(v.exits);
        expect(sum(v.processes.map((p) => p.faults))).toBe(v.faults);
        expect(categoryCycles(v)).toBeCloseTo(v.cycles, 0);
      }
    }
  });

  it('exits add up to the run’s VM exits (hardware, nested) or traps (software), and none natively', () => {
    const exits = (r: ResultRecord) => sum(r.vms!.map((v) => v.exits));
    const by = (m: string) => records.find((r) => r.vmm === m)!;
    expect(exits(by('native'))).toBe(0);
    expect(exits(by('software'))).toBe(by('software').metrics.traps);
    expect(exits(by('hardware'))).toBe(by('hardware').metrics.exits);
    expect(exits(by('nested'))).toBe(by('nested').metrics.exits);
    expect(by('hardware').metrics.exits).toBeGreaterThan(0);
  });

  it('faults are the pgfault count and hidden faults the hiddenpf count, VM by VM', () => {
    for (const r of records) {
      expect(sum(r.vms!.map((v) => v.faults))).toBe(r.breakdown.pgfault?.count ?? 0);
      expect(sum(r.vms!.map((v) => v.hiddenFaults))).toBe(r.breakdown.hiddenpf?.count ?? 0);
    }
    // Only the fork/exec shell takes true page faults; the shadow-paging VMM hides faults in several VMs.
    const hw = records.find((r) => r.vmm === 'hardware')!;
    expect(hw.vms!.filter((v) => v.faults > 0).map((v) => v.vm)).toEqual(['shell']);
    expect(hw.vms!.filter((v) => v.hiddenFaults > 0).length).toBeGreaterThan(1);
  });

  it('a server’s worker tasks are one process, `workers`; the guest kernel’s own work is `(kernel)`; idle and world switches are the host’s', () => {
    const hw = records.find((r) => r.vmm === 'hardware')!;
    expect(hw.vms![0].processes.map((p) => p.process)).toEqual(['workers', '(kernel)']);
    expect(hw.vms![2].processes.map((p) => p.process)).toEqual(['sh', '(kernel)']);
    const host = hw.vms!.at(-1)!;
    expect(Object.keys(host.breakdown).every((c) => c === 'idle' || c === 'vmswitch')).toBe(true);
    expect(host.breakdown.vmswitch!.cycles).toBe(hw.breakdown.vmswitch!.cycles);
  });

  it('the table shows cycles per iteration by VM and process, and exits and faults, per mode', () => {
    const t = toTable(records);
    expect(t).toMatch(/by VM and process: cycles\/iter \(share\) +native +software +hardware +nested/);
    expect(t).toMatch(/\n {2}workers +[\d,]+ \(\d+%\)/);
    expect(t).toMatch(/exits \/ faults \/ hidden faults \(whole run\)/);
    const hw = records.find((r) => r.vmm === 'hardware')!;
    const shell = hw.vms!.find((v) => v.vm === 'shell')!;
    expect(t).toContain(`${shell.exits.toLocaleString('en-US')} / ${shell.faults.toLocaleString('en-US')} / ${shell.hiddenFaults.toLocaleString('en-US')}`);
  });

  it('the header says what an iteration is', () => {
    expect(toTable(records)).toMatch(/^four-vms \/ mixed on pentium4 — 200 requests from web\.1's clients\n/);
    const fork = runScenario(loadScenario('scenarios/paper/forkwait.yaml', { set: ['workloads.0.processes.0.repeat=20'] }));
    expect(toTable(fork)).toMatch(/^forkwait \/ forkwait on pentium4 — 20 iterations of process forkwait\n/);
  });

  it('the CSV has vm and process columns with each VM’s and process’s totals and categories', () => {
    const lines = toCsv(records).trim().split('\n');
    expect(lines[0]).toBe('point,replicate,seed,scenario,workload,vmm,cpu,vm,process,category,metric,value');
    const hw = records.find((r) => r.vmm === 'hardware')!;
    const web = hw.vms![0];
    expect(lines).toContain(`0,0,1,four-vms,mixed,hardware,pentium4,web.1,,total,exits,${web.exits}`);
    expect(lines).toContain(`0,0,1,four-vms,mixed,hardware,pentium4,web.1,workers,total,cycles,${web.processes[0].cycles}`);
    expect(lines).toContain(`0,0,1,four-vms,mixed,hardware,pentium4,shell,sh,pgfault,count,${hw.vms![2].processes[0].faults}`);
    expect(lines).toContain(`0,0,1,four-vms,mixed,hardware,pentium4,,,total,cycles,${hw.cycles}`);
  });

  it('single-stream records carry no split, and their CSV keeps its columns', () => {
    const r = runScenario(loadScenario('scenarios/examples/trace.yaml'));
    expect(r.every((x) => x.vms === undefined && x.iterationsOf === undefined)).toBe(true);
    expect(toCsv(r).split('\n')[0]).toBe('point,replicate,seed,scenario,workload,vmm,cpu,category,metric,value');
  });
});
