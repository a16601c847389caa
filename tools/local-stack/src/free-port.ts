import { createServer } from 'node:net';

/** Asks the OS for a free loopback port (so a second copy of the pipeline never collides). */
export function freePort(): Promise<number> {
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
