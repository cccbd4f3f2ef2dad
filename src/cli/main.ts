#!/usr/bin/env node
// Entry point of the `vmmsim` command (package.json bin); see program.ts.
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
