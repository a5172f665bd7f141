import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLocalServer, type LocalServerOptions } from '../../server/local-server.ts';
import { LOOPBACK_HOSTNAMES, DEFAULT_MAX_BODY_BYTES, type LocalServerConfig } from '../../server/config.ts';

/** HUB_DIST lets parallel work build into its own folder. */
export const DIST_DIR = process.env.HUB_DIST ?? fileURLToPath(new URL('../../dist', import.meta.url));

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the local server on a free loopback port, serving the built hub (npm run build first); quiet unless `options.log` is given. */
export async function startHubServer(overrides: Partial<LocalServerConfig> = {}, port = 0, options: LocalServerOptions = {}): Promise<RunningServer> {
  const config: LocalServerConfig = {
    odooOrigin: null,
    host: '127.0.0.1',
    port,
    allowedHosts: [...LOOPBACK_HOSTNAMES],
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    distDir: DIST_DIR,
    ...overrides,
  };
  const server = createLocalServer(config, { log: () => undefined, ...options });
  // closeAllConnections() leaves upgraded sockets alone: keep them to cut them on close, as a
  // network drop would (no close frame).
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (_req, socket: Duplex) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${actual}/`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of upgraded) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
