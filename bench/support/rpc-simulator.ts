// The RPC simulator in its own process for bench/groups/rpc.ts, so the server does not share the
// client's event loop. Prints its URL on the first line of stdout; stops when stdin closes.
// argv: <api key> <service ms> [<tls json file>]. With a file of {key, cert} it answers over
// HTTPS, counts the TLS connections it accepted and writes the count when a line "connections"
// comes on stdin (bench/groups/forward.ts). Every call waits `service ms` before it is answered, without
// blocking other calls, as a real Odoo spends a few milliseconds in the ORM and PostgreSQL per
// read while its other workers serve other calls; with 0 the pool can only show overhead.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { SimulatorHttp } from '../../server/simulator/http-app.ts';
import { installRpc, createRpcState } from '../../server/simulator/rpc/index.ts';

const [apiKey, serviceMsArg, tlsFile] = process.argv.slice(2);
const serviceMs = Number(serviceMsArg ?? 0);
const http = new SimulatorHttp();
if (serviceMs > 0) {
  http.route(async () => {
    await sleep(serviceMs);
    return false;
  });
}
const state = createRpcState({ database: 'shop', users: [{ login: 'admin', password: 'admin', apiKeys: [apiKey] }] });
installRpc(http, state);
state.registry.register('product.product', {
  fields: { name: '', list_price: 0, barcode: '' },
  records: Array.from({ length: 50 }, (_, i) => ({ name: `Product ${i}`, list_price: i * 1.5, barcode: String(1_000_000 + i) })),
});
if (tlsFile) {
  // The simulator's routes behind a TLS listener: its handler takes the decrypted requests.
  const secure = https.createServer(JSON.parse(readFileSync(tlsFile, 'utf8')), (req, res) => http.server.emit('request', req, res));
  let connections = 0;
  secure.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`https://127.0.0.1:${(secure.address() as AddressInfo).port}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => line === 'connections' && process.stdout.write(`${connections}\n`));
  lines.on('close', () => process.exit(0));
} else {
  const url = await http.listen(0, '127.0.0.1');
  process.stdout.write(`${url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void http.close().then(() => process.exit(0)));
}
