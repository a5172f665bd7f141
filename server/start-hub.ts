import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ConfigError, type LocalServerConfig } from './config.ts';
import { createLocalServer, type LocalServerOptions } from './local-server.ts';
import { startSimulator, type RunningSimulator } from './simulator/index.ts';
import { portTakenError } from './port-in-use.ts';
import { VirtualNetworkPrinter } from './printers/virtual-network-printer.ts';

export interface RunningHub {
  /** Where the hub answers, e.g. http://localhost:8079 (no trailing slash). */
  url: string;
  port: number;
  /** The Odoo simulator in demo mode (no Odoo configured), else null. */
  simulator: RunningSimulator | null;
  /** The demo's (and --virtual-devices') receipt printer on a loopback TCP port, driven through the printer link. */
  virtualNetworkPrinter: VirtualNetworkPrinter | null;
  close(): Promise<void>;
}

/**
 * What `npm start` runs: the local server serving the built hub and forwarding Odoo's paths to
 * the configured Odoo, or in demo mode (no Odoo configured) to an Odoo simulator on another
 * loopback port that plays the database and the pairing proxy.
 */
export async function startHub(config: LocalServerConfig, options: Pick<LocalServerOptions, 'log'> = {}): Promise<RunningHub> {
  if (!existsSync(join(config.distDir, 'index.html'))) {
    throw new ConfigError(`no built hub in ${config.distDir}: run "npm run build" first (npm start does it for you)`);
  }
  const simulator = config.odooOrigin ? null : await startSimulator();
  const effective: LocalServerConfig = simulator ? { ...config, odooOrigin: simulator.url, pairingProxyOrigin: simulator.url } : config;
  const virtualNetworkPrinter = simulator || config.virtualDevices ? new VirtualNetworkPrinter() : null;
  await virtualNetworkPrinter?.plug();
  const server = createLocalServer(effective, { demo: simulator !== null, log: options.log, virtualNetworkPrinterPort: virtualNetworkPrinter?.port });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await simulator?.close();
    await virtualNetworkPrinter?.unplug();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw await portTakenError(config.host, config.port);
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${displayHost(config.host)}:${port}`;
  // Tokens and pairing tell boxes where the database is: the hub's origin, which forwards to the simulator.
  if (simulator) simulator.iot.publicUrl = url;
  return {
    url,
    port,
    simulator,
    virtualNetworkPrinter,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await simulator?.close();
      await virtualNetworkPrinter?.unplug();
    },
  };
}

/** Loopback as people type it; IPv6 literals in brackets. */
function displayHost(host: string): string {
  if (host.includes(':')) return `[${host}]`;
  return host === '127.0.0.1' ? 'localhost' : host;
}
