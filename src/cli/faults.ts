// Deliberate internal errors, so tests can prove that a bug in vmmsim ends
// with a short message, the stack in a file and exit status 1 — and that
// nothing half-written is left behind. Only an exact environment variable
// triggers one; no flag, file or scenario can.

/** Environment variable naming the site at which to throw. */
export const FAULT_ENV = 'VMMSIM_INJECT_FAULT';

/** Throw an ordinary Error (as a bug would) when `VMMSIM_INJECT_FAULT` equals `site`. */
export function injectFault(site: string): void {
  if (process.env[FAULT_ENV] === site) throw new Error(`injected fault at "${site}" (${FAULT_ENV} is set)`);
}
