import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type LocalServerConfig } from './config.ts';
import { createLocalServer } from './local-server.ts';
import { startSimulator, type RunningSimulator } from './simulator/index.ts';

try {
  const config = loadConfig(process.argv.slice(2), process.env);
  if (!existsSync(join(config.distDir, 'index.html'))) {
    throw new ConfigError(`no built hub in ${config.distDir}: run "npm run build" first (npm start does it for you)`);
  }
  const where = `http://${config.host.includes(':') ? `[${config.host}]` : config.host === '127.0.0.1' ? 'localhost' : config.host}:${config.port}`;
  // Demo mode: with no Odoo configured, an Odoo simulator on a loopback port plays the database
  // and the pairing proxy, and the local server forwards to it as it would to a real Odoo.
  let simulator: RunningSimulator | null = null;
  let effective: LocalServerConfig = config;
  if (!config.odooOrigin) {
    simulator = await startSimulator({ publicUrl: where });
    effective = { ...config, odooOrigin: simulator.url, pairingProxyOrigin: simulator.url };
  }
  const server = createLocalServer(effective, { demo: simulator !== null });
  server.listen(config.port, config.host, () => {
    console.log(`Browser IoT Hub at ${where}/`);
    if (simulator) {
      console.log('demo mode: no Odoo configured (--odoo URL or ODOO_URL to set one); an Odoo simulator plays the database');
      console.log(`  IoT app (tokens, pairing codes, paired hubs): ${simulator.iotAppUrl}`);
      console.log(`  POS page (send actions to the hub):           ${simulator.posUrl}`);
    } else console.log(`forwarding Odoo paths to ${config.odooOrigin}, pairing codes to ${config.pairingProxyOrigin}`);
  });
  const stop = () => server.close(() => void (simulator?.close() ?? Promise.resolve()).then(() => process.exit(0)));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? `browser-iot-hub: ${error.message}` : error);
  process.exit(2);
}
