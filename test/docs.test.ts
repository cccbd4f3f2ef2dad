// The README and every page of docs/ are checked the same way: each relative
// link (and #anchor) resolves; each `vmmsim …` command in a sh block or an
// inline code span is accepted by the CLI, and a real scenario it names passes
// `check` with the same overrides; each fenced block marked
//   <!-- checked: file PATH -->          equals that committed file,
//   <!-- checked: output vmmsim ARGS -->  equals what the command prints,
//   <!-- checked: output-contains vmmsim ARGS -->  appears in what it prints
// (a command may also be `tsx FILE.ts`: a TypeScript example run with tsx);
// and every ```ts block runs (with tsx, `vmmsim` resolving to this checkout).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../src/cli/program.js';
import { runCli } from './support/runCli.js';
import { runMain } from './support/runMain.js';

const PAGES = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

/** The page with fenced code blocks blanked out (line numbers kept), for prose-only scans. */
function prose(text: string): string {
  return text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, (block) => block.replace(/[^\n]/g, ''));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  return new Set([...prose(readFileSync(file, 'utf8')).matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

/** Every relative link target of a page: [text](target) and ![alt](target), outside code. */
function links(text: string): string[] {
  const spans = prose(text).replace(/`[^`\n]*`/g, '');
  return [...spans.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t));
}

/** A broken link of `page`, described, or null. */
function brokenLink(page: string, target: string): string | null {
  const [path, anchor] = target.split('#') as [string, string | undefined];
  const file = path === '' ? page : normalize(join(dirname(page), path));
  if (!existsSync(file)) return `${page}: ${target}: no file ${file}`;
  if (anchor !== undefined && (!file.endsWith('.md') || !anchors(file).has(anchor))) return `${page}: ${target}: no heading #${anchor} in ${file}`;
  if (anchor === undefined && statSync(file).isFile() && statSync(file).size === 0) return `${page}: ${target}: ${file} is empty`;
  return null;
}

/**
 * The `vmmsim …` commands of a page: lines of sh blocks (complete commands)
 * and inline code spans (which may name a command without its required
 * arguments, as in "`vmmsim sweep` runs…"; a span with [optional] parts is
 * a usage synopsis, not a command).
 */
function commands(text: string): { command: string; complete: boolean }[] {
  const found = new Map<string, boolean>();
  for (const m of text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    for (const line of m[1].replace(/\\\n\s*/g, ' ').split('\n')) {
      if (line.startsWith('vmmsim ') && !line.includes('$')) found.set(line.replace(/\s+#.*$/, '').replace(/\s+/g, ' ').trim(), true);
    }
  }
  for (const m of prose(text).matchAll(/`(vmmsim [^`[]+)`/g)) {
    const command = m[1].replace(/\s+/g, ' ').trim();
    if (!found.has(command)) found.set(command, false);
  }
  return [...found].map(([command, complete]) => ({ command, complete }));
}

/** Split a documented command into argv (plain words, "double" or 'single' quotes). */
function argv(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]).slice(1);
}

/** What commander says when a command lacks a required argument or option: a mention, not a wrong command. */
const INCOMPLETE = new Set(['commander.missingArgument', 'commander.missingMandatoryOptionValue']);

/**
 * Parse `args` with the real program, every command's action replaced by a
 * no-op: null if accepted (or, unless `complete`, only incomplete), else
 * commander's message.
 */
async function parseError(args: string[], complete = true): Promise<string | null> {
  const program = buildProgram();
  let err = '';
  for (const cmd of [program, ...program.commands]) {
    cmd.configureOutput({ writeOut: () => {}, writeErr: (s) => { err += s; } });
    if (cmd !== program) cmd.action(() => {});
  }
  try {
    await program.parseAsync(args, { from: 'user' });
    return null;
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || (!complete && INCOMPLETE.has(code))) return null;
    return err || String(e);
  }
}

/** The checked blocks of a page: the marker and the block's text. */
function checkedBlocks(text: string): { kind: 'file' | 'output' | 'output-contains'; what: string; block: string }[] {
  return [...text.matchAll(/^<!-- checked: (file|output|output-contains) (.+?) -->\n```[^\n]*\n([\s\S]*?)^```$/gm)]
    .map((m) => ({ kind: m[1] as 'file' | 'output' | 'output-contains', what: m[2], block: m[3] }));
}

/** Run a TypeScript file with tsx, from the checkout's root. */
function tsx(file: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => execFile(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' }, (err, stdout, stderr) =>
    done({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr })));
}

/** Run a checked command: `vmmsim ARGS` through the built CLI, or `tsx FILE` with tsx. */
function run(command: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const [tool, ...args] = argv(`x ${command}`);
  if (tool === 'vmmsim') return runCli(args);
  if (tool !== 'tsx' || args.length !== 1) throw new Error(`a checked output must come from vmmsim or tsx FILE, not: ${command}`);
  return tsx(args[0]);
}

/** The ```ts blocks of a page that are not copies of a checked file. */
function tsBlocks(text: string): string[] {
  return [...text.matchAll(/^(<!-- checked: [^\n]*-->\n)?```ts\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === undefined).map((m) => m[2]);
}

/** An ESM project outside the checkout where `import 'vmmsim'` resolves to the checkout (as it would once installed). */
function snippetDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmmsim-docs-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(resolve('.'), join(dir, 'node_modules', 'vmmsim'), 'dir');
  return dir;
}

describe.each(PAGES)('%s', (page) => {
  const text = readFileSync(page, 'utf8');

  it('every relative link and anchor resolves', () => {
    expect(links(text).map((t) => brokenLink(page, t)).filter((b) => b !== null)).toEqual([]);
  });

  it('every vmmsim command in it is accepted by the CLI, and a scenario it names passes check with its overrides', async () => {
    for (const { command, complete } of commands(text)) {
      const args = argv(command);
      expect(await parseError(args, complete), command).toBeNull();
      const file = args.find((a) => a.endsWith('.yaml'));
      if (file === undefined || !['run', 'check', 'sweep'].includes(args[0]) || !file.includes('/')) continue;
      expect(existsSync(file), `${command}: no file ${file}`).toBe(true);
      const keep = args.flatMap((a, i) => (['--set', '-s', '--models'].includes(args[i - 1] ?? '') ? [args[i - 1], a] : []));
      const r = await runMain(['check', file, '--no-estimate', ...keep]);
      expect(r.stderr, command).toBe('');
      expect(r.status, command).toBe(0);
    }
  });

  it('every block marked as checked equals the committed file or the command output it names', async () => {
    for (const { kind, what, block } of checkedBlocks(text)) {
      if (kind === 'file') {
        expect(block, what).toBe(readFileSync(what, 'utf8'));
        continue;
      }
      const r = await run(what);
      expect(r.status, `${what}: ${r.stderr}`).toBe(0);
      if (kind === 'output') expect(block, what).toBe(r.stdout);
      else expect(r.stdout, what).toContain(block);
    }
  });
});

describe.each(PAGES.filter((p) => tsBlocks(readFileSync(p, 'utf8')).length > 0))('%s', (page) => {
  it('every TypeScript example in it runs without error', async () => {
    const dir = snippetDir();
    for (const [i, code] of tsBlocks(readFileSync(page, 'utf8')).entries()) {
      const file = join(dir, `example-${i}.ts`);
      writeFileSync(file, code);
      const r = await tsx(file);
      expect(r.stderr, code).toBe('');
      expect(r.status, code).toBe(0);
    }
  });
});

describe('docs/models.md', () => {
  it('every parameter in its Software VMM and Hardware VMM tables has the value of its model file', () => {
    let model = '';
    let checked = 0;
    const wrong: string[] = [];
    for (const line of readFileSync('docs/models.md', 'utf8').split('\n')) {
      if (/^(Software|Hardware) VMM/.test(line)) model = `models/vmm/${line.startsWith('Software') ? 'software' : 'hardware'}.yaml`;
      const row = /^\| ((?:`\w+`(?:, )?)+) \| ([^|]+) \|/.exec(line);
      if (!model || !row) continue;
      const names = [...row[1].matchAll(/`(\w+)`/g)].map((m) => m[1]);
      const values = row[2].trim().split(', ').map((v) => Number(v.replaceAll(',', '')));
      if (values.length !== names.length || values.some(Number.isNaN)) continue;
      const yaml = readFileSync(model, 'utf8');
      names.forEach((name, i) => {
        checked++;
        const m = new RegExp(`^${name}:\\s*([\\d.]+)`, 'm').exec(yaml);
        if (!m || Number(m[1]) !== values[i]) wrong.push(`${name} = ${values[i]} in docs/models.md, ${m ? m[1] : 'absent'} in ${model}`);
      });
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });
});

describe('docs/models.md, CPU numbers', () => {
  it('quotes the VT-x latencies and guest-mode extras of the CPU model files', () => {
    const vmx = (cpu: string) => (parse(readFileSync(`models/cpu/${cpu}.yaml`, 'utf8')) as { vmx: Record<string, number> }).vmx;
    const text = readFileSync('docs/models.md', 'utf8').replace(/\s+/g, ' ');
    const p4 = vmx('pentium4');
    expect(text).toContain(`exit ${p4.vmExitCycles}, entry ${p4.vmEntryCycles}, vmread ${p4.vmreadCycles} and vmwrite ${p4.vmwriteCycles}`);
    expect(text).toContain(`\`guestEventDeliveryExtraCycles\` ${p4.guestEventDeliveryExtraCycles}`);
    expect(text).toContain(`\`guestCr8WriteExtraCycles\` ${p4.guestCr8WriteExtraCycles}`);
    const c2 = vmx('core2');
    expect(text).toContain(`exit ${c2.vmExitCycles}, entry ${c2.vmEntryCycles}, vmread ${c2.vmreadCycles}, vmwrite ${c2.vmwriteCycles}`);
    const roundTrips = ['penryn', 'nehalem', 'westmere', 'sandybridge'].map((c) => vmx(c).vmExitCycles + vmx(c).vmEntryCycles);
    expect(text).toContain(`round trip (${roundTrips.join(', ')})`);
  });
});

describe('docs/workloads.md', () => {
  it('its table of guest profiles has each profile\'s timer, quantum and composites as its model file does', () => {
    const rows = [...readFileSync('docs/workloads.md', 'utf8').matchAll(/^\| `([\w.-]+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)];
    expect(rows.map((r) => r[1])).toEqual(readdirSync('models/guest').filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort());
    for (const [, name, timer, quantum, composites] of rows) {
      const model = parse(readFileSync(`models/guest/${name}.yaml`, 'utf8')) as { timerHz: number; quantumMs: number; composites: Record<string, unknown> };
      expect(timer.trim(), name).toBe(`${model.timerHz} Hz`);
      expect(quantum.trim().startsWith(`${model.quantumMs} ms`), name).toBe(true);
      expect(composites.replaceAll(' (Cygwin)', '').trim().split(', '), name).toEqual(Object.keys(model.composites));
    }
  });
});

describe('docs/address-translation.md', () => {
  it('the walk-sweep ranges it quotes are those of the committed results/mmu/walk-sweep/summary.csv', () => {
    const [header, ...lines] = readFileSync('results/mmu/walk-sweep/summary.csv', 'utf8').trim().split('\n').map((l) => l.split(','));
    const col = (name: string) => header.indexOf(name);
    const perMiss = (vmm: string, design: string, page: string) => lines
      .filter((r) => r[col('metric')] === 'walkCyclesPerMiss' && r[col('vmm')] === vmm && r[col('cpu.mmu.pwc.design')] === design && r[col('workloads.0.ops.0.pageSize')] === page)
      .map((r) => Math.round(Number(r[col('mean')])));
    const range = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`;
    const text = readFileSync('docs/address-translation.md', 'utf8').replace(/\s+/g, ' ');
    expect(text).toContain(`a nested walk costs ${range(perMiss('nested', 'none', '4K'))} cycles per miss against ${range(perMiss('native', 'none', '4K'))} natively`);
    const huge = perMiss('nested', '2D_PWC+NT', '2M');
    expect(Math.min(...huge) >= 35 && Math.max(...huge) <= 205, `2D_PWC+NT with 2 MB pages: ${range(huge)}, quoted as about 40–200`).toBe(true);
  });
});

describe('README', () => {
  it('is at most 12 KB, so a newcomer reads it whole', () => {
    expect(statSync('README.md').size).toBeLessThanOrEqual(12 * 1024);
  });

  it('links every page of docs/', () => {
    const linked = new Set(links(readFileSync('README.md', 'utf8')).map((t) => t.split('#')[0]));
    expect(PAGES.filter((p) => p.startsWith('docs/') && !linked.has(p))).toEqual([]);
  });
});

describe('the docs checker itself', () => {
  it('finds a broken link, a missing anchor, a command the CLI refuses and a checked block', async () => {
    expect(brokenLink('README.md', 'docs/no-such-page.md')).toMatch(/no file/);
    expect(brokenLink('README.md', 'docs/cli.md#no-such-heading')).toMatch(/no heading/);
    expect(brokenLink('docs/cli.md', '../README.md#validation')).toBeNull();
    expect(await parseError(['run', 'x.yaml', '--no-such-flag'])).toMatch(/unknown option/);
    expect(await parseError(['run', 'x.yaml', '--format', 'xml'])).toMatch(/invalid/);
    expect(await parseError(['sweep', 'x.yaml'])).toMatch(/required option/);
    expect(await parseError(['sweep', 'x.yaml'], false)).toBeNull();
    expect(commands('```sh\nvmmsim run a.yaml \\\n  --set cpu=core2   # note\n```\nthen `vmmsim plot DIR`.')).toEqual([
      { command: 'vmmsim run a.yaml --set cpu=core2', complete: true },
      { command: 'vmmsim plot DIR', complete: false },
    ]);
    expect(checkedBlocks('<!-- checked: file a.txt -->\n```\nx\n```\n')).toEqual([{ kind: 'file', what: 'a.txt', block: 'x\n' }]);
  });
});
