import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Below the kernel's ephemeral range, where outgoing connections take their local ports. */
const QUIET_PORTS = { from: 20_000, tries: 50 };

/**
 * A free loopback port for a service to listen on, so a second copy of the pipeline never collides. Chosen below
 * the ephemeral range: a port the OS hands out there (what `listen(0)` gives) can be taken in the seconds before
 * the service binds it, as the local port of one of the many connections the services open to the broker.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralStart();
  if (below > QUIET_PORTS.from) {
    for (let i = 0; i < QUIET_PORTS.tries; i++) {
      const port = QUIET_PORTS.from + Math.floor(Math.random() * (below - QUIET_PORTS.from));
      if (await isPortFree(port)) return port;
    }
  }
  return osAssignedPort();
}

function ephemeralStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 0;
  } catch {
    return 0; // not Linux: the OS's choice
  }
}

function osAssignedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `wanted` unless it is 0, in which case any free port. */
export const portOrFree = async (wanted: number): Promise<number> => (wanted === 0 ? freePort() : wanted);

/** Whether `port` can be bound on loopback right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
