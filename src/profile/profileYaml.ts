// Writes a profile as a scenario file: provenance (command, date, kernel,
// tools, every raw counter with its rate per second), the mapping with its
// derivations, and one guest process whose iteration replays 1/repeat of the
// measured mix (remainders run once in setup, so the totals are exact).
import type { CounterSet } from './counters.js';
import { ORDER, type MixPlan, type PlannedEntry } from './mixPlan.js';

/** Where and how the counts were measured. */
export interface Provenance {
  /** The command as run, or the imported file. */
  command: string;
  date: string;
  kernel: string;
  hostCpu: string;
  /** Clock the host's seconds are turned into cycles with, and where it came from. */
  clockGHz: number;
  clockFrom: string;
  /** One line per tool used, saying what it counted. */
  tools: string[];
  /** Fallbacks, and what could not be counted. */
  missing: string[];
  /** The command's exit status, or the signal that ended it (`killed by SIGKILL`); null when not known (an imported file). */
  exitStatus: number | string | null;
}

/** Guest, CPU model and modes every profile is written for. */
export const PROFILE_TARGET = { guest: 'linux-2.6', cpu: 'pentium4', vmms: ['native', 'software', 'hardware', 'nested'] } as const;

/** The scenario text for a profile named `name`. */
export function profileYaml(name: string, prov: Provenance, set: CounterSet, elapsed: number | null, plan: MixPlan): string {
  // A wall time too short for a finite rate (1e-300 s) has no rate either.
  const rate = (v: number) => (elapsed && elapsed > 0 && Number.isFinite(v / elapsed) ? fmt(v / elapsed) : '-');
  const out: string[] = [];
  const c = (s = '') => out.push(s === '' ? '#' : `# ${s}`);
  c(`Measured profile of \`${prov.command}\`, written by \`vmmsim profile\`.`);
  c(`Replays the measured event mix on a ${PROFILE_TARGET.guest} guest under every mode. A count measured`);
  c('on this kernel is evidence about the workload, not the paper-era kernel\'s exact count.');
  c();
  c('Provenance');
  c(`  command:     ${prov.command}`);
  c(`  date:        ${prov.date}`);
  c(`  kernel:      ${prov.kernel}`);
  c(`  host CPU:    ${prov.hostCpu}`);
  c(`  clock:       ${prov.clockGHz} GHz (${prov.clockFrom})`);
  c(`  exit status: ${prov.exitStatus ?? 'unknown'}`);
  c(`  wall time:   ${elapsed === null ? 'not measured' : `${fmt(elapsed)} s`}`);
  c('  tools:');
  for (const t of prov.tools) c(`    ${t}`);
  if (prov.missing.length + plan.notes.length > 0) {
    c('  not counted, fallbacks and adjustments:');
    for (const m of [...prov.missing, ...plan.notes]) wrap(m, 92).forEach((l, i) => c(`    ${i === 0 ? '- ' : '  '}${l}`));
  }
  c();
  c('Raw counters (whole run; per second of wall time)');
  c(`  ${'source'.padEnd(7)}${'counter'.padEnd(38)}${'total'.padStart(16)}${'per second'.padStart(16)}`);
  for (const k of set.counters) {
    const v = k.status === 'ok' && k.value !== null ? fmt(k.value) : `<${k.status}>`;
    c(`  ${k.source.padEnd(7)}${(k.name + (k.unit ? ` (${k.unit})` : '')).padEnd(38)}${v.padStart(16)}${(k.status === 'ok' && k.value !== null ? rate(k.value) : '').padStart(16)}`);
  }
  c();
  c(`Mapping onto ${PROFILE_TARGET.guest}'s operations (models/guest/${PROFILE_TARGET.guest}.yaml), whole run; per second`);
  for (const e of sorted(plan.entries)) {
    wrap(`${label(e)} × ${e.total} (${rate(e.total)}/s): ${e.why}`, 92).forEach((l, i) => c(`  ${i === 0 ? '' : '    '}${l}`));
  }
  const cyc = (v: number | null) => (v === null ? 'not measured' : `${Math.round(v)} cycles (${rate(v)}/s)`);
  wrap(`compute, user: ${cyc(plan.userCycles)} = user seconds × clock`, 92).forEach((l, i) => c(`  ${i === 0 ? '' : '    '}${l}`));
  wrap(`compute, kernel: ${cyc(plan.kernelCycles)} = ${plan.kernelWhy}`, 92).forEach((l, i) => c(`  ${i === 0 ? '' : '    '}${l}`));
  c('  The host\'s cycles stand in for the guest CPU\'s (ESTIMATE: the same work in the same cycles;');
  c('  a newer core does more per cycle than a Pentium 4, so plain computation is, if anything, low).');
  c();
  c(`One iteration is 1/${plan.repeat} of the run (one creation of the commonest kind); the remainders of`);
  c('the division run once in setup, after kernelWarmup, so the run\'s totals are the measured ones.');
  out.push(`name: ${JSON.stringify(name)}`);
  out.push(`description: ${JSON.stringify(`Measured: ${prov.command} (${prov.date}, Linux ${prov.kernel}; ${prov.tools.map((t) => t.split(':')[0]).join(', ')})`)}`);
  out.push('seed: 1');
  out.push(`cpu: ${PROFILE_TARGET.cpu}`);
  out.push(`guest: ${PROFILE_TARGET.guest}`);
  out.push(`vmms: [${PROFILE_TARGET.vmms.join(', ')}]`);
  out.push('workloads:');
  out.push(`  - name: ${JSON.stringify(name)}`);
  out.push('    processes:');
  out.push(`      - name: ${JSON.stringify(name)}`);
  out.push('        asid: 1');
  out.push(`        repeat: ${plan.repeat}`);
  out.push('        setup:');
  out.push('          - kernelWarmup');
  for (const line of iteration(plan, (total) => total % plan.repeat, false)) out.push(`          - ${line}`);
  out.push('        ops:');
  const body = iteration(plan, (total) => Math.floor(total / plan.repeat), true);
  for (const line of body) out.push(`          - ${line}`);
  if (body.length === 0) out.push(`          - { op: compute, cycles: 0, mode: user }`);
  return `${out.join('\n')}\n`;
}

/**
 * Entries of one iteration (counts from `share`). Context switches come in
 * pairs that alternate between the parent's and the child's address space;
 * in the body the last pair brackets the child's work, in setup the
 * remaining pairs run as one loop. User computation sits with the child's
 * work (before its exit), the residual kernel computation at the end.
 */
function iteration(plan: MixPlan, share: (total: number) => number, isBody: boolean): string[] {
  const lines: string[] = [];
  const to = (slot: string) => plan.entries.find((e) => e.slot === slot);
  const pairs = share(to('toChild')?.total ?? 0);
  const pairLoop = (count: number) => `{ loop: [${flow(to('toChild')!.spec)}, ${flow(to('toParent')!.spec)}], count: ${count} }`;
  const user = isBody && plan.userCycles ? `{ op: compute, cycles: ${Math.round(plan.userCycles / plan.repeat)}, mode: user }` : null;
  let userPlaced = false;
  for (const e of sorted(plan.entries)) {
    if (user && !userPlaced && ORDER.indexOf(e.slot) > ORDER.indexOf('ptes')) {
      lines.push(user);
      userPlaced = true;
    }
    if (e.slot === 'toChild') {
      if (!isBody && pairs > 0) lines.push(pairLoop(pairs));
      if (isBody && pairs > 1) lines.push(pairLoop(pairs - 1));
      if (isBody && pairs > 0) lines.push(flow(e.spec));
    } else if (e.slot === 'toParent') {
      if (isBody && pairs > 0) lines.push(flow(e.spec));
    } else if (share(e.total) > 0) {
      lines.push(flow({ ...e.spec, count: share(e.total) }));
    }
  }
  if (user && !userPlaced) lines.push(user);
  if (isBody && plan.kernelCycles) lines.push(`{ op: compute, cycles: ${Math.round(plan.kernelCycles / plan.repeat)}, mode: kernel }`);
  return lines;
}

function sorted(entries: readonly PlannedEntry[]): PlannedEntry[] {
  return [...entries].sort((a, b) => ORDER.indexOf(a.slot) - ORDER.indexOf(b.slot));
}

function label(e: PlannedEntry): string {
  const s = e.spec as Record<string, unknown>;
  return 'use' in s ? String(s.use) + (s.asid !== undefined ? ` (asid ${String(s.asid)})` : '') : String(s.op);
}

/** `{ use: fork, asid: 2, count: 3 }`: a flow mapping of plain scalars. */
function flow(spec: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(spec).map(([k, v]) => `${k}: ${typeof v === 'number' && k === 'port' ? `0x${v.toString(16)}` : String(v)}`);
  return `{ ${parts.join(', ')} }`;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`bug: a profile would show ${v}; its counters are bounded where they are read (counterBounds.ts)`);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(3);
}

function wrap(text: string, width: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur !== '' && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur === '' ? w : `${cur} ${w}`;
  }
  if (cur !== '') lines.push(cur);
  return lines;
}
