// IoT round trips against a real Odoo 19 (../shared/odoo19, with the test addon iot_test_server
// playing the IoT app's box routes; see docs/real-odoo-tests.md). The POS side is a page of
// Odoo's origin with a web session: it sends a cashbox action with iot.channel.send_message
// (/web/dataset/call_kw) and waits for the operation_confirmation on the bus. The hub (e2e build
// in Chromium, test drawer) is served by the local server that forwards to Odoo. The anchor,
// measured side by side in the same run, is a plain bus subscriber registered as a second box
// that answers each action at once with /iot/box/send_websocket, straight to Odoo: the bare cost
// of Odoo's bus for one message and its answer. Then one JSON-2 read through the local server
// and straight to Odoo, call by call.
import { randomUUID } from 'node:crypto';
import { median, type Figure } from '../figures.ts';
import { OdooClient } from '../../src/odoo/client.ts';
import { buildE2eHub } from '../../test/support/iot-e2e.ts';
import { subscribeBus, type BusSubscriber } from '../../test/support/bus-subscriber.ts';
import { ODOO_ADMIN, startRealOdoo, type RealOdoo } from '../../test/support/real-odoo.ts';
import { IOT_TEST_ADDON, issueConnectionToken, openRealIotRig, type RealPos } from '../../test/support/real-odoo-iot.ts';

const ROUND_TRIPS = 20;
const WARM_UP = 5;
const RPC_CALLS = 200;
const RPC_WARM_UP = 20;
/** Between round trips, so each one is one action's latency, not the tail of the previous one's traffic. */
const SETTLE_MS = 50;
const ECHO_DEVICE = 'echo_device';

/** A second "box" that is only a bus subscriber: it answers each action for it from its message handler. */
async function startEchoBox(odoo: RealOdoo, channel: string): Promise<{ identifier: string; subscriber: BusSubscriber }> {
  const identifier = `echo-${randomUUID()}`;
  const token = new URL(await issueConnectionToken(odoo)).searchParams.get('token');
  const post = async (path: string, params: Record<string, unknown>) => {
    const response = await fetch(`${odoo.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Odoo-Database': odoo.database },
      body: JSON.stringify({ jsonrpc: '2.0', params }),
    });
    return ((await response.json()) as { result?: unknown }).result;
  };
  const registered = await post('/iot/setup', {
    iot_box: { identifier, mac: '00:00:00:00:00:00', ip: '127.0.0.1', token, version: 'T1.0-19.0', name: 'Echo' },
    devices: { [ECHO_DEVICE]: { name: 'Echo', type: 'device', manufacturer: '', connection: 'direct', subtype: '' } },
  });
  if (registered !== channel) throw new Error(`the echo box was not registered: /iot/setup answered ${JSON.stringify(registered)}`);
  const subscriber = await subscribeBus({
    origin: odoo.url, database: odoo.database, channels: [channel],
    onNotification({ message: { type, payload } }) {
      if (type !== 'iot_action' || !(payload.iot_identifiers as string[] | undefined)?.includes(identifier)) return;
      void post('/iot/box/send_websocket', {
        session_id: payload.session_id, iot_box_identifier: identifier, device_identifier: ECHO_DEVICE, status: 'success',
        result: { opened: true, runs: 1 }, action_args: { action: payload.action, action_unique_id: payload.action_unique_id },
        owner: payload.session_id, time: Date.now() / 1000,
      });
    },
  });
  return { identifier, subscriber };
}

async function roundTrip(pos: RealPos, box: string, device: string): Promise<number> {
  const started = performance.now();
  const sessionId = await pos.sendAction(box, device, { action: 'cashbox' });
  const confirmation = await pos.confirmation(sessionId);
  const elapsed = performance.now() - started;
  const status = (confirmation.message.payload.message as { status?: unknown } | undefined)?.status;
  if (status !== 'success') throw new Error(`round trip to ${box}: ${JSON.stringify(confirmation.message.payload)}`);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  return elapsed;
}

/** One read, timed call by call, alternating between the two clients so load drift hits both alike. */
async function rpcCalls(direct: OdooClient, forwarded: OdooClient): Promise<{ direct: number[]; forwarded: number[] }> {
  const read = (client: OdooClient) => client.executeKw('res.users', 'read', [[ODOO_ADMIN.uid], ['login', 'name']]);
  const timed = async (client: OdooClient) => {
    const started = performance.now();
    await read(client);
    return performance.now() - started;
  };
  for (let i = 0; i < RPC_WARM_UP; i++) await Promise.all([read(direct), read(forwarded)]);
  const times = { direct: [] as number[], forwarded: [] as number[] };
  for (let i = 0; i < RPC_CALLS; i++) {
    times.direct.push(await timed(direct));
    times.forwarded.push(await timed(forwarded));
  }
  return times;
}

export async function run(): Promise<Figure[]> {
  const odoo = await startRealOdoo({ addons: [IOT_TEST_ADDON] });
  try {
    const rig = await openRealIotRig(odoo, buildE2eHub());
    try {
      const echo = await startEchoBox(odoo, rig.channel);
      try {
        for (let i = 0; i < WARM_UP; i++) {
          await roundTrip(rig.pos, rig.box, rig.drawer);
          await roundTrip(rig.pos, echo.identifier, ECHO_DEVICE);
        }
        const hub: number[] = [];
        const anchor: number[] = [];
        for (let i = 0; i < ROUND_TRIPS; i++) {
          hub.push(await roundTrip(rig.pos, rig.box, rig.drawer));
          anchor.push(await roundTrip(rig.pos, echo.identifier, ECHO_DEVICE));
        }

        const client = (port: number) => new OdooClient(
          { protocol: 'JSON-2', host: '127.0.0.1', port, database: odoo.database, user: ODOO_ADMIN.login, secret: odoo.apiKey },
          { page: { origin: null, forwardedOdoo: null } },
        );
        const rpc = await rpcCalls(client(odoo.port), client(rig.hubServer.port));
        const roundTripMs = median(hub);
        const anchorMs = median(anchor);
        console.log(`  bus round trips (ms): hub ${hub.map((t) => t.toFixed(1)).join(' ')}`);
        console.log(`  bus round trips (ms): plain subscriber ${anchor.map((t) => t.toFixed(1)).join(' ')}`);
        console.log(`  JSON-2 read: direct ${median(rpc.direct).toFixed(2)} ms, through the local server ${median(rpc.forwarded).toFixed(2)} ms (median of ${RPC_CALLS})`);
        const plain = 'a plain bus subscriber answering at once (Odoo\'s bus, one message and its answer)';
        return [
          { key: 'iot_real.roundtrip_bus_ms', value: roundTripMs, unit: 'ms', anchor: plain, anchor_value: anchorMs },
          { key: 'iot_real.overhead_ms', value: roundTripMs - anchorMs, unit: 'ms', goal: '<= 15' },
          { key: 'iot_real.rpc_call_ms', value: median(rpc.forwarded), unit: 'ms', goal: '<= 1.2 x anchor', anchor: 'the same JSON-2 read straight to Odoo', anchor_value: median(rpc.direct) },
        ];
      } finally {
        echo.subscriber.close();
      }
    } finally {
      await rig.close();
    }
  } finally {
    await odoo.stop();
  }
}
