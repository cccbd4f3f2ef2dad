// `vmmsim profile -- COMMAND …` and `vmmsim profile --from FILE`: measure a
// real run's event mix (or import a saved perf stat / strace -c output) and
// write a scenario that replays it under every mode.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { machine, release, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../../config/errors.js';
import { DEFAULT_LIMITS, formatCount, LIMIT_FLAGS } from '../../config/limits.js';
import type { RunEstimate } from '../../config/runEstimate.js';
import { DEFAULT_MODELS_DIR, loadGuestModel, loadScenario, modelPath } from '../../config/load.js';
import { YamlFile } from '../../config/yamlFile.js';
import { CpuModelSchema } from '../../vmm/cpu.js';
import { factsOf } from '../../profile/facts.js';
import { importCounters } from '../../profile/importFile.js';
import { measure } from '../../profile/measure.js';
import { planMix, replayProblem } from '../../profile/mixPlan.js';
import { PROFILE_TARGET, profileYaml, type Provenance } from '../../profile/profileYaml.js';
import { detectTools } from '../../profile/tools.js';
import { CommandFailed } from '../commandFailed.js';
import { checkOutFile, writeInside } from '../files.js';

interface ProfileOptions {
  out?: string;
  name?: string;
  timeout?: number;
  keepFailed: boolean;
  from?: string;
  perf: boolean;
  strace: boolean;
  models?: string;
}

/** The longest --timeout: Node's timers hold at most 2^31 − 1 ms (a longer one fires at once). */
const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

const parseSeconds = (text: string): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds, such as 60 or 0.5.');
  if (n > MAX_TIMEOUT_SECONDS) throw new InvalidArgumentError(`expected at most ${formatCount(MAX_TIMEOUT_SECONDS)} seconds (about 24.8 days, the longest timer this runtime keeps).`);
  return n;
};

/** Longest scenario name: it names the file the profile is checked in, and a file name has at most 255 bytes. */
const MAX_NAME_LENGTH = 100;

const parseName = (text: string): string => {
  if (text.length > MAX_NAME_LENGTH) throw new InvalidArgumentError(`expected a name of at most ${MAX_NAME_LENGTH} characters, got ${formatCount(text.length)}.`);
  return text;
};

/** The `profile` command. */
export function profileCommand(): Command {
  return new Command('profile')
    .description('run COMMAND natively, measure its event mix (perf stat, else strace -f -c, and always the process tree\'s resource usage) ' +
      'and write a scenario that replays it on a Linux 2.6 guest under every mode; or import a saved perf stat / strace -c output with --from')
    .usage('[options] -- COMMAND [ARGS...]   |   profile --from FILE [options]')
    .argument('[command...]', 'the command to run and measure (after --)')
    .option('-o, --out <file>', 'write the scenario here (default: print it; the command\'s own output then goes to stderr)')
    .addOption(new Option('--name <name>', `scenario and workload name, at most ${MAX_NAME_LENGTH} characters (default: the command's or file's base name)`).argParser(parseName))
    .addOption(new Option('--timeout <seconds>', `kill the command's process group after this long (at most ${formatCount(MAX_TIMEOUT_SECONDS)}) and write nothing`).argParser(parseSeconds))
    .option('--keep-failed', 'write a profile even when the command exits with a non-zero status', false)
    .option('--from <file>', 'import saved `perf stat -x,` (or table) or `strace -c` output instead of running a command')
    .option('--no-perf', 'do not use perf (fall back to strace and resource usage)')
    .option('--no-strace', 'do not use strace')
    .option('--models <dir>', 'directory of model files (the guest profile is guest/linux-2.6.yaml)')
    .addHelpText('after', '\nExit status: 0 written; 2 bad input (an unreadable --from file names file:line); 1 the command failed or timed out (nothing written).')
    .action(async (command: string[], opts: ProfileOptions) => {
      if (opts.from !== undefined && command.length > 0) throw new InputError('give either --from FILE or a command after --, not both', { source: '--from' });
      if (opts.from === undefined && command.length === 0) throw new InputError('nothing to profile: give a command after -- (vmmsim profile -- make -j2) or --from FILE', { source: 'vmmsim profile' });
      if (opts.out !== undefined) checkOutFile(opts.out, 'expected the name of the scenario file to write, such as my-profile.yaml'); // before measuring: a name that cannot be written is bad input, found at once
      const name = sanitize(opts.name ?? (opts.from !== undefined ? basename(opts.from).replace(/\.[^.]*$/, '') : basename(command[0])));
      const clock = hostClock(opts.models ?? DEFAULT_MODELS_DIR);
      const base = { date: new Date().toISOString(), hostCpu: clock.cpu, clockGHz: clock.ghz, clockFrom: clock.from };
      let text: string;
      if (opts.from !== undefined) {
        const { set, format } = importCounters(opts.from, DEFAULT_LIMITS.maxInputBytes);
        const facts = factsOf(set, null);
        const prov: Provenance = { ...base, command: `imported ${format} output ${opts.from}`, kernel: 'unknown (imported file)', clockFrom: `${clock.from}, of the machine that imported the file`,
          tools: [`${format}: read from ${opts.from}`], missing: [], exitStatus: null };
        text = render(name, prov, set, facts, opts, opts.from);
        process.stderr.write(`vmmsim profile: read ${set.counters.length} counters (${format}) from ${opts.from}\n`);
      } else {
        const tools = detectTools({ perf: opts.perf, strace: opts.strace });
        for (const m of tools.missing) process.stderr.write(`vmmsim profile: ${m}\n`);
        const m = await measure(command, tools, { timeoutSeconds: opts.timeout ?? null, stdoutFd: opts.out === undefined ? 2 : 1 });
        if (m.end.kind === 'timeout') throw new CommandFailed(`the command ran longer than --timeout ${m.end.seconds} s; its process group was killed and nothing was written`, 1);
        const status = m.end.kind === 'exited' ? m.end.status : null;
        if (status !== 0 && !opts.keepFailed) {
          throw new CommandFailed(`the command ${m.end.kind === 'signaled' ? `was killed by ${m.end.signal}` : `exited with status ${status}`}; no profile written (--keep-failed writes one anyway)`, 1);
        }
        const facts = factsOf(m.set, m.wrapper);
        const prov: Provenance = { ...base, command: command.join(' '), kernel: `${release()} ${machine()}`, tools: m.tools, missing: tools.missing, exitStatus: m.end.kind === 'signaled' ? `killed by ${m.end.signal}` : status };
        text = render(name, prov, m.set, facts, opts, 'vmmsim profile');
        process.stderr.write(`vmmsim profile: measured with ${m.tools.map((t) => t.split(':')[0]).join(', ')}\n`);
      }
      const estimate = validateScenario(text, name, opts.models);
      for (const note of limitNotes(estimate)) process.stderr.write(`vmmsim profile: ${note}\n`);
      if (opts.out !== undefined) {
        writeInside(dirname(opts.out), { [basename(opts.out)]: text }); // staged, locked, never through a link
        process.stderr.write(`vmmsim profile: wrote ${opts.out}\n`);
      } else process.stdout.write(text);
    });
}

/** The scenario text; `source` (the imported file, or the command) is named if its counts add up past what a scenario replays. */
function render(name: string, prov: Provenance, set: Parameters<typeof profileYaml>[2], facts: ReturnType<typeof factsOf>, opts: ProfileOptions, source: string): string {
  const guest = loadGuestModel(opts.models ?? DEFAULT_MODELS_DIR, PROFILE_TARGET.guest);
  const plan = planMix(facts, guest, prov.clockGHz);
  const problem = replayProblem(plan);
  if (problem !== null) throw new InputError(problem, { source });
  return profileYaml(name, prov, set, facts.elapsedSeconds, plan);
}

/** The flags `vmmsim run` needs for this profile, where it passes a default limit. */
function limitNotes(est: RunEstimate): string[] {
  const notes: string[] = [];
  const over = (what: string, value: number | null, limit: number, flag: string) => {
    if (value !== null && value > limit) notes.push(`replaying it takes ${what} per mode, more than the default limit of ${formatCount(limit)}: run it with ${flag} ${Math.ceil(value)}`);
  };
  over(`${formatCount(Math.ceil((est.operations ?? 0) + (est.memoryAccesses ?? 0)))} operations`, (est.operations ?? 0) + (est.memoryAccesses ?? 0), DEFAULT_LIMITS.maxOpsPerRun, LIMIT_FLAGS.maxOpsPerRun);
  over(`an estimated ${formatCount(Math.ceil(est.simSeconds ?? 0))} simulated seconds`, est.simSeconds, DEFAULT_LIMITS.maxSimSeconds, LIMIT_FLAGS.maxSimSeconds);
  over(`an estimated ${formatCount(Math.ceil(est.events ?? 0))} events`, est.events, DEFAULT_LIMITS.maxEvents, LIMIT_FLAGS.maxEvents);
  return notes;
}

/** A scenario name from a command or file name: letters, digits, '.', '_' and '-', at most MAX_NAME_LENGTH of them. */
function sanitize(raw: string): string {
  const s = raw.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, MAX_NAME_LENGTH);
  return s === '' ? 'profile' : s;
}

/** This machine's CPU model and clock from /proc/cpuinfo; the profile's CPU model's clock if unreadable. */
function hostClock(modelsDir: string): { cpu: string; ghz: number; from: string } {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1]);
    const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown';
    const cpus = (info.match(/^processor\s*:/gm) ?? []).length;
    if (Number.isFinite(mhz) && mhz > 0) return { cpu: `${model}, ${cpus} CPU${cpus === 1 ? '' : 's'}`, ghz: Math.round(mhz) / 1000, from: '/proc/cpuinfo "cpu MHz"' };
  } catch {
    // fall through
  }
  const ghz = CpuModelSchema.parse(YamlFile.read(modelPath(modelsDir, 'cpu', PROFILE_TARGET.cpu), 'cpu model').data).clockGHz;
  return { cpu: 'unknown', ghz, from: `ESTIMATE: /proc/cpuinfo unreadable; the ${PROFILE_TARGET.cpu} model's clock` };
}

/**
 * The written scenario must load (schema, composites, finite totals): a
 * failure here is a bug in the profiler. The run-length limits are not
 * applied: a long run's profile is as long as the run (a build's millions of
 * system calls), and `run` takes the flags that raise them — see
 * {@link limitNotes}. Returns what replaying it takes under one mode.
 */
function validateScenario(text: string, name: string, modelsDir: string | undefined): RunEstimate {
  const dir = mkdtempSync(join(tmpdir(), 'vmmsim-profile-check-'));
  try {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, text);
    const unlimited = { maxOpsPerRun: Number.MAX_SAFE_INTEGER, maxSimSeconds: Number.MAX_VALUE, maxEvents: Number.MAX_SAFE_INTEGER };
    return loadScenario(file, { modelsDir, limits: unlimited }).estimates[0];
  } catch (e) {
    if (e instanceof InputError) throw new Error(`the profile does not load as a scenario: ${e.message}`);
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
