// The hosted I/O architecture of VMware Player (the paper's VMMs): a few
// virtual devices live in the VMM itself (the interrupt controllers, the
// timer, the POST port 0x80 of Figure 4); every other port is emulated by the
// host, which costs a world switch to the host and back plus the host-side
// device model. Shared by every VMM mode; which ports stay in the VMM is a
// parameter, looked up per operation in a 64 K-entry bitmap built once.
import { z } from 'zod';

const cycles = (d: string) => z.number().finite().nonnegative().describe(d);

/** Hosted-I/O parameters, part of every VMM model. */
export const HostedIoShape = {
  monitorPorts: z
    .array(z.int().min(0).max(0xffff))
    .describe('I/O ports whose virtual devices live in the VMM; accesses to any other port are emulated by the host'),
  worldSwitchCycles: cycles('switch from the VMM world to the host world and back'),
  hostDeviceCycles: cycles('the host-side device model handling one port access'),
} as const;

/** A bitmap over the 65,536 ports: 1 where the VMM emulates the device itself. */
export function monitorPortMap(ports: readonly number[]): Uint8Array {
  const map = new Uint8Array(0x10000);
  for (const p of ports) map[p] = 1;
  return map;
}
