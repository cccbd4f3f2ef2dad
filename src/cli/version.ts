// The version of vmmsim, from package.json (shown by --version, stamped into sweep manifests).
import { readFileSync } from 'node:fs';

/** vmmsim's version string. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
