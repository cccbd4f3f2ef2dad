// A study written with the vmmsim library (docs/library.md): how much of a
// hardware VMM's page-fault cost is the VM exit? Load a shipped scenario,
// override the CPU's exit latency in code, run, and read the records.
// Run it from a checkout with `npx tsx scenarios/examples/study.ts`.
import { join } from 'node:path';
import { loadScenario, runScenario, SCENARIOS_DIR, simulate } from 'vmmsim';

const scenario = join(SCENARIOS_DIR, 'default.yaml'); // the Figure 4 nanobenchmarks on the Pentium 4

console.log('vmExitCycles  pgfault cycles/iter (hardware)  % of native  nested');
for (const vmExitCycles of [1931, 1500, 1000, 500]) {
  const loaded = loadScenario(scenario, {
    set: { vmms: ['native', 'hardware', 'nested'], 'cpu.vmx.vmExitCycles': vmExitCycles, 'workloads.4.repeat': 10000 },
  });
  const records = runScenario(loaded).filter((r) => r.workload === 'pgfault');
  const hardware = records.find((r) => r.vmm === 'hardware')!;
  const nested = records.find((r) => r.vmm === 'nested')!;
  console.log(
    `${String(vmExitCycles).padStart(12)}  ${hardware.metrics.cyclesPerIteration.toFixed(0).padStart(30)}  ` +
      `${hardware.metrics.percentOfNative.toFixed(1).padStart(11)}  ${nested.metrics.cyclesPerIteration.toFixed(0).padStart(6)}`,
  );
}

// One workload under one mode, with its breakdown by category and component.
const one = simulate(loadScenario(scenario, { set: { vmms: ['hardware'] } }), 'ptemod', 'hardware');
console.log(`\nptemod under hardware: ${one.operations} operations, ${(one.cycles / one.operations).toFixed(0)} cycles each; ` +
  `the VM exit is ${((100 * one.components.vmExit.cycles) / one.cycles).toFixed(1)}% of it`);
