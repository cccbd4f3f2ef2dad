// The published package as a user gets it: `npm pack`, installed into a
// fresh project (offline: its dependencies are copied from this checkout's
// node_modules and anything else comes from npm's cache), imported by name
// from ESM, type-checked from TypeScript, and its command run.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../src/api/loadScenario.js';
import { runScenario } from '../src/run/runScenario.js';

const ROOT = resolve('.');
const STUDY_SET = { vmms: ['native', 'hardware'], 'cpu.vmx.vmExitCycles': 1000, 'workloads.0.repeat': 1000 };

/** Top-level production dependencies of this checkout (the lockfile's non-dev packages present on disk). */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && path.split('node_modules/').length === 2 && !p.dev && existsSync(path))
    .map(([path]) => path);
}

describe('the packed package', () => {
  let project = '';
  let files: string[] = [];

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-pack-'));
    // dist/ is already built (npm test builds first); --ignore-scripts skips a second build.
    const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { encoding: 'utf8' })) as [{ filename: string; files: { path: string }[] }];
    files = packed[0].files.map((f) => f.path);
    project = join(dir, 'study');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'study', private: true, type: 'module' }));
    for (const path of productionPackages()) cpSync(join(ROOT, path), join(project, path), { recursive: true, verbatimSymlinks: true });
    const r = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, packed[0].filename)], { cwd: project, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm install of the packed tarball failed:\n${r.stderr}`);
  }, 180_000);

  it('holds the built library with its declarations, the models, the scenarios and the docs the README links, and no tests', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/run/sweepWorker.js', 'dist/cli/runProgressWorker.js', 'models/cpu/pentium4.yaml', 'scenarios/default.yaml', 'package.json', 'README.md']) expect(files).toContain(f);
    const linked = [...readFileSync('README.md', 'utf8').matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]);
    expect(linked.filter((f) => !files.includes(f))).toEqual([]);
    expect(files.filter((f) => /\.test\.|^test\//.test(f))).toEqual([]);
  });

  it('imports by name from ESM and runs a study with overrides in code, with the records this checkout computes', () => {
    const script = `
      import { join } from 'node:path';
      import { loadScenario, runScenario, sweep, simulate, MODES, SCENARIOS_DIR } from 'vmmsim';
      const set = ${JSON.stringify(STUDY_SET)};
      const records = runScenario(loadScenario(join(SCENARIOS_DIR, 'default.yaml'), { set }));
      const swept = await sweep(join(SCENARIOS_DIR, 'default.yaml'), { set, jobs: 2 });
      const one = simulate(loadScenario(join(SCENARIOS_DIR, 'default.yaml'), { set }), 'syscall', 'hardware');
      console.log(JSON.stringify({ modes: Object.keys(MODES), records, same: JSON.stringify(swept) === JSON.stringify(records), oneCycles: one.cycles }));
    `;
    writeFileSync(join(project, 'study.mjs'), script);
    const r = spawnSync(process.execPath, ['study.mjs'], { cwd: project, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { modes: string[]; records: unknown[]; same: boolean; oneCycles: number };
    expect(out.modes).toContain('nested');
    const here = runScenario(loadScenario('scenarios/default.yaml', { set: STUDY_SET }));
    expect(out.records).toEqual(JSON.parse(JSON.stringify(here)));
    expect(out.same).toBe(true);
    expect(out.oneCycles).toBe(here.find((x) => x.workload === 'syscall' && x.vmm === 'hardware')!.cycles);
  });

  it('type-checks a TypeScript consumer against the built declarations, and rejects a wrong use', { timeout: 60_000 }, () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const options = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types')];
    writeFileSync(join(project, 'good.ts'), [
      "import { loadScenario, runScenario, type ResultRecord, type LoadedScenario } from 'vmmsim';",
      "const loaded: LoadedScenario = loadScenario('x.yaml', { set: { cpu: 'core2' } });",
      'const records: ResultRecord[] = runScenario(loaded);',
      'export const cycles: number = records[0].metrics.cyclesPerIteration;',
    ].join('\n'));
    writeFileSync(join(project, 'bad.ts'), "import { runScenario } from 'vmmsim';\nexport const n: number = runScenario('not a scenario');\n");
    const good = spawnSync(process.execPath, [tsc, ...options, 'good.ts'], { cwd: project, encoding: 'utf8' });
    expect(good.stdout + good.stderr).toBe('');
    expect(good.status).toBe(0);
    const bad = spawnSync(process.execPath, [tsc, ...options, 'bad.ts'], { cwd: project, encoding: 'utf8' });
    expect(bad.stdout).toMatch(/error TS2345/);
  });

  it('builds the command executable, so `npx vmmsim` works from the checkout after `npm run build`', () => {
    // tsc writes dist/cli/main.js without the execute bit; the build script sets it.
    if (process.platform !== 'win32') expect(statSync('dist/cli/main.js').mode & 0o111).toBe(0o111);
  });

  it('installs the vmmsim command, which runs the shipped default scenario', () => {
    const r = spawnSync(join(project, 'node_modules/.bin/vmmsim'), ['check', join(project, 'node_modules/vmmsim/scenarios/default.yaml')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/: ok — scenario "default"/);
  });
});
