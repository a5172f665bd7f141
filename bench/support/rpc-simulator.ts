// The RPC simulator in its own process for bench/groups/rpc.ts, so the server does not share the
// client's event loop. Prints its URL on the first line of stdout; stops when stdin closes.
import { startRpcSimulator } from '../../test/support/odoo-simulator.ts';

const apiKey = process.argv[2];
const sim = await startRpcSimulator([{ login: 'admin', password: 'admin', apiKeys: [apiKey] }]);
sim.state.registry.register('product.product', {
  fields: { name: '', list_price: 0, barcode: '' },
  records: Array.from({ length: 50 }, (_, i) => ({ name: `Product ${i}`, list_price: i * 1.5, barcode: String(1_000_000 + i) })),
});
process.stdout.write(`${sim.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
