import { ConfigError, loadConfig } from './config.ts';
import { startHub } from './start-hub.ts';
import { SUMMARY_EVERY_MS } from './request-log.ts';

try {
  const config = loadConfig(process.argv.slice(2), process.env);
  const hub = await startHub(config);
  console.log(`Browser IoT Hub at ${hub.url}/`);
  if (hub.simulator) {
    console.log('demo mode: no Odoo configured (--odoo URL or ODOO_URL to set one); an Odoo simulator plays the database,');
    console.log('  and the hub gets a virtual receipt printer, scale and barcode scanner (its "Demo devices" section)');
    console.log(`  and a virtual network printer on 127.0.0.1:${hub.virtualNetworkPrinter?.port} (in its Devices section)`);
    console.log(`  IoT app (tokens, pairing codes, paired hubs): ${hub.simulator.iotAppUrl}`);
    console.log(`  POS page (send actions to the hub):           ${hub.simulator.posUrl}`);
  } else console.log(`forwarding Odoo paths to ${config.odooOrigin}, pairing codes to ${config.pairingProxyOrigin}`);
  console.log(
    config.logRequests
      ? 'logging every request (--log-requests)'
      : `from here on: refusals and errors as they happen, a summary every ${SUMMARY_EVERY_MS / 60_000} minutes (--log-requests for every request)`,
  );
  const stop = () => void hub.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? `browser-iot-hub: ${error.message}` : error);
  process.exit(2);
}
