import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.ts';
import { createLocalServer } from './local-server.ts';

try {
  const config = loadConfig(process.argv.slice(2), process.env);
  if (!existsSync(join(config.distDir, 'index.html'))) {
    throw new ConfigError(`no built hub in ${config.distDir}: run "npm run build" first (npm start does it for you)`);
  }
  const server = createLocalServer(config);
  server.listen(config.port, config.host, () => {
    const where = `http://${config.host.includes(':') ? `[${config.host}]` : config.host === '127.0.0.1' ? 'localhost' : config.host}:${config.port}/`;
    console.log(`Browser IoT Hub at ${where}`);
    console.log(config.odooOrigin ? `forwarding Odoo paths to ${config.odooOrigin}` : 'demo mode: no Odoo configured (--odoo URL or ODOO_URL to set one)');
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? `browser-iot-hub: ${error.message}` : error);
  process.exit(2);
}
