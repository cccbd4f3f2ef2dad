// The vmmsim command line: argv → config → run → report. Exit status 0 on
// success, 2 on bad input (a located one-paragraph message, no stack trace),
// 1 on an internal error (a short message naming where the stack was written).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { InputError } from '../config/errors.js';
import { InputFileError, printable } from '../workload/inputFile.js';
import { CommandFailed } from './commandFailed.js';
import { checkCommand } from './commands/check.js';
import { mergeCommand } from './commands/merge.js';
import { plotCommand } from './commands/plot.js';
import { reportCommand } from './commands/report.js';
import { reproduceCommand } from './commands/reproduce.js';
import { predictCommand } from './commands/predict.js';
import { profileCommand } from './commands/profile.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { sweepCommand } from './commands/sweep.js';
import { OutputError } from './files.js';
import { walkRatioCommand } from './commands/walkRatio.js';
import { validateCommand } from './commands/validate.js';
import { sensitivityCommand } from './commands/sensitivity.js';
import { MODE_IDS, MODES } from '../vmm/registry.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Exit statuses. */
export const EXIT = { ok: 0, internal: 1, input: 2 } as const;

/** Build the program with every command registered. */
export function buildProgram(): Command {
  const program = new Command('vmmsim')
    .description('Discrete-event performance model of x86 virtualization: what a guest workload costs natively, under a ' +
      'binary-translating VMM, a hardware (VT-x/SVM) VMM with shadow page tables, or nested paging (EPT/NPT); and, ' +
      'as predictions, under an interpreter or a classical trap-and-emulate VMM.')
    .version(pkg.version, '-V, --version')
    .showHelpAfterError('(run vmmsim --help for usage)')
    .exitOverride();
  for (const cmd of [runCommand(), sweepCommand(), mergeCommand(), plotCommand(), reportCommand(), checkCommand(), reproduceCommand(), predictCommand(), profileCommand(), schemaCommand(), walkRatioCommand(), validateCommand(), sensitivityCommand()]) program.addCommand(cmd.exitOverride());
  program.addHelpText('after', `\nExecution modes (a scenario's vmms; docs/modes.md for the interpreter and trap-and-emulate):\n${modeHelp()}`);
  program.addHelpText('after', '\nExit status: 0 success, 2 bad input (file:line:column and key named), 1 internal error, a file that cannot be written, ' +
    'failed runs or sweep tasks (their errors are in the results), validate with a cell outside its tolerance, or a profiled command that failed.');
  return program;
}

/** One line per registered mode: its id and description. */
function modeHelp(): string {
  const width = Math.max(...MODE_IDS.map((m) => m.length));
  return MODE_IDS.map((m) => `  ${m.padEnd(width)}  ${MODES[m].description}`).join('\n');
}

/** Run the CLI on `argv` (without node and script); resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    return report(e);
  }
}

/** Longest message printed, in characters: a message quoting a megabyte flag or listing 20,000 files is cut. */
export const MAX_MESSAGE_CHARS = 2000;

/**
 * `message` as one paragraph on the terminal: control characters a flag or
 * file name carried (a newline, an ESC sequence) escaped, and cut to
 * {@link MAX_MESSAGE_CHARS} characters saying how much was left out.
 */
export function paragraph(message: string): string {
  const text = printable(message);
  if (text.length <= MAX_MESSAGE_CHARS) return text;
  return `${text.slice(0, MAX_MESSAGE_CHARS)}… (${(text.length - MAX_MESSAGE_CHARS).toLocaleString('en-US')} more characters left out)`;
}

function report(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    return EXIT.input; // commander has already printed its message
  }
  if (e instanceof CommandFailed) {
    process.stderr.write(`vmmsim: ${paragraph(e.message)}\n`);
    return e.status;
  }
  if (e instanceof InputError || e instanceof InputFileError) {
    process.stderr.write(`vmmsim: ${paragraph(e.message)}\n`);
    return EXIT.input;
  }
  if (e instanceof OutputError) {
    process.stderr.write(`vmmsim: ${paragraph(e.message)}\n`);
    return EXIT.internal; // an I/O failure, not a bug: no stack file
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const where = writeCrashLog(err);
  const firstLine = paragraph(err.message.split('\n')[0]);
  process.stderr.write(`vmmsim: internal error: ${firstLine}.${where ? ` The full stack trace is in ${where}.` : ''} Please report it.\n`);
  return EXIT.internal;
}

/**
 * Write the stack of an internal error to a fresh private directory under
 * the system temp dir (a fixed name there could be a planted symlink).
 * Returns the file's path, or null if even that failed.
 */
function writeCrashLog(err: Error): string | null {
  try {
    const file = join(mkdtempSync(join(tmpdir(), 'vmmsim-crash-')), 'stack.txt');
    writeFileSync(file, `vmmsim ${pkg.version} on Node ${process.version}\nargv: ${JSON.stringify(process.argv.slice(2))}\n\n${err.stack ?? err.message}\n`, { flag: 'wx' });
    return file;
  } catch {
    return null;
  }
}
