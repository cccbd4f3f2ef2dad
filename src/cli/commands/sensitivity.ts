// `vmmsim sensitivity FILE`: the elasticity of each mode's result to each
// model parameter, one parameter at a time ±delta, on worker threads; prints
// a sorted table and writes it, a CSV and a tornado chart into --out.
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { InputError } from '../../config/errors.js';
import { loadBasePoint, loadScenario } from '../../config/load.js';
import { sensitivityCsv, sensitivityText, tornadoSpec } from '../../report/sensitivity.js';
import type { ResultRecord } from '../../run/record.js';
import { elasticities, perturbed, sensitivityParams, type SensitivityRow } from '../../run/sensitivity.js';
import { runSensitivityTask, type SensitivityWorkerData } from '../../run/sensitivityWorker.js';
import { runOnWorkers } from '../../run/workerPool.js';
import { checkSharedDir, writeResultFiles } from '../files.js';
import { addScenarioOptions, loadOptionsOf, type ScenarioOptions } from './common.js';
import { parseJobs } from './sweep.js';

interface SensitivityOptions extends ScenarioOptions {
  params?: string;
  delta: string;
  out?: string;
  jobs?: number;
  charts: boolean;
  force: boolean;
}

/** Parse `--delta` ("10%" or "0.1"). */
export function parseDelta(text: string): number {
  const pct = text.trim().endsWith('%');
  const v = Number(pct ? text.trim().slice(0, -1) : text);
  const d = pct ? v / 100 : v;
  // Below 1e-6 a parameter's ±delta is lost in the rounding of cycle sums, and every elasticity comes out 0.
  if (!Number.isFinite(d) || d < 1e-6 || d >= 1) throw new InputError(`--delta must be a fraction or percentage from 0.0001% (1e-6) to below 100%, got "${text}"`, { source: `--delta ${text}` });
  return d;
}

/** The `sensitivity` command. */
export function sensitivityCommand(): Command {
  const cmd = new Command('sensitivity')
    .description('elasticity of each mode\'s time (or throughput) to each CPU and VMM model parameter, one at a time ±delta, on worker threads; ' +
      'prints the largest per workload and mode; with --out writes sensitivity.txt, sensitivity.csv and a tornado chart')
    .argument('<file>', 'scenario YAML file')
    .option('--params <keys>', 'comma-separated override keys to move, or prefixes such as vmm.hardware.* (default: every numeric cpu.native.*, cpu.vmx.* and vmm.MODE.* parameter)')
    .option('--delta <d>', 'relative change of each parameter, e.g. 10% or 0.1', '10%')
    .option('-o, --out <dir>', 'directory for sensitivity.txt, sensitivity.csv and (with --charts) tornado.svg/png')
    .option('--charts', 'render the tornado chart (needs --out)', false)
    .option('--force', 'write into --out even if vmmsim did not write that directory before', false)
    .addOption(new Option('-j, --jobs <n>', 'worker threads').argParser(parseJobs).default(undefined, 'all cores'));
  addScenarioOptions(cmd);
  return cmd.action(async (file: string, opts: SensitivityOptions) => {
    if (opts.charts && opts.out === undefined) throw new InputError('needs --out DIR: the tornado chart is a file written into DIR', { source: '--charts' });
    if (opts.out !== undefined) checkSharedDir(opts.out, { force: opts.force }); // before simulating: a refused directory costs no run time
    const delta = parseDelta(opts.delta);
    const loadOptions = loadOptionsOf(opts);
    const loaded = loadBasePoint(file, loadOptions, 'sensitivity');
    let params = sensitivityParams(loaded);
    if (opts.params !== undefined) {
      const want = opts.params.split(',').map((k) => k.trim()).filter((k) => k.length > 0);
      if (want.length === 0) throw new InputError(`names no parameter (got "${opts.params}"); expected comma-separated keys such as cpu.vmx.vmExitCycles, or a prefix such as vmm.hardware.*`, { source: '--params' });
      // A key, or a prefix ending in .* for every parameter below it (vmm.hardware.*).
      const matches = (pattern: string, key: string) => (pattern.endsWith('.*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern);
      const unknown = want.filter((k) => !params.some((p) => matches(k, p.key)));
      if (unknown.length > 0) throw new InputError(`--params names no numeric parameter of this scenario: ${unknown.join(', ')} (e.g. ${params.slice(0, 3).map((p) => p.key).join(', ')}, or a prefix such as cpu.vmx.*)`, { source: '--params' });
      params = params.filter((p) => want.some((k) => matches(k, p.key)));
    }
    // Task 0: the base run; then two per parameter, running only the modes it can move.
    const tasks: string[][] = [[]];
    const xs = params.map((p) => perturbed(p, delta));
    params.forEach((p, i) => {
      const vmms = `vmms=[${p.modes.join(',')}]`;
      tasks.push([vmms, `${p.key}=${xs[i][0]}`], [vmms, `${p.key}=${xs[i][1]}`]);
    });
    // Every task's input is checked before any runs: a bad override is exit 2, nothing written.
    for (const t of tasks.slice(1)) loadScenario(file, { ...loadOptions, set: [...opts.set, ...t] });
    const data: SensitivityWorkerData = { file, set: opts.set, modelsDir: loadOptions.modelsDir, limits: loadOptions.limits, tasks };
    const results: ResultRecord[][] = new Array(tasks.length);
    await runOnWorkers(tasks.map((_, i) => i), {
      jobs: Math.min(opts.jobs ?? availableParallelism(), availableParallelism()),
      data,
      workerUrl: new URL('../../run/sensitivityWorker.js', import.meta.url),
      inline: (i) => runSensitivityTask(data, i),
      onResult: (i, recs) => { results[i] = recs; },
    });
    const rows: SensitivityRow[] = params.flatMap((p, i) => elasticities(p, xs[i], results[0], results[1 + 2 * i], results[2 + 2 * i]));
    const text = sensitivityText(rows, delta);
    if (opts.out !== undefined) {
      const files: Record<string, string | Buffer> = { 'sensitivity.txt': text, 'sensitivity.csv': sensitivityCsv(rows) };
      if (opts.charts) {
        // Loaded on demand: vega and vega-lite (about a thousand modules) would slow every command's start-up.
        const { renderChart } = await import('../../report/renderChart.js');
        const chart = await renderChart(tornadoSpec(rows));
        files['tornado.svg'] = chart.svg;
        files['tornado.png'] = chart.png;
      }
      writeResultFiles(opts.out, files, { force: opts.force });
    }
    process.stdout.write(text);
  });
}
