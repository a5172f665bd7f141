import { before, after } from 'node:test';
import { startRealOdoo, type RealOdoo } from '../support/real-odoo.ts';
import { describeRpcClients } from './real-odoo/rpc-clients.ts';
import { describeForwarding } from './real-odoo/forwarding.ts';
import { describeBusClient } from './real-odoo/bus-client.ts';
import { describeIotLink } from './real-odoo/iot-link.ts';
import { IOT_TEST_ADDON } from '../support/real-odoo-iot.ts';

/**
 * Everything that runs against the real Odoo 19 server (test/support/real-odoo.ts), in one file so
 * the server and its database are made once per run.
 */
let odoo: RealOdoo | undefined;
const server = () => {
  if (!odoo) throw new Error('the real Odoo server did not start (see the before hook)');
  return odoo;
};

before(async () => {
  odoo = await startRealOdoo({ addons: [IOT_TEST_ADDON] });
}, { timeout: 300_000 });
after(() => odoo?.stop());

describeRpcClients(server);
describeForwarding(server);
describeBusClient(server);
describeIotLink(server);
