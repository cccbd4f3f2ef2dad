#!/usr/bin/env node
// Entry point of the `vmmsim` command (package.json bin); see program.ts.
import { main } from './program.js';

// A reader that goes away (`vmmsim check x.yaml | head -1`) is not an error of
// the command: later output is dropped and the command finishes its work, so a
// file it was writing is completed, not cut off. Any other failure to write
// standard output (a full disk behind a redirect) is one line and status 1.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
  process.stderr.write(`vmmsim: cannot write the standard output: ${e.message}\n`);
  process.exitCode = 1;
});

const status = await main(process.argv.slice(2));
if (status !== 0 || process.exitCode === undefined) process.exitCode = status; // a failed write of stdout (1) stands over success
