/**
 * The hub as an IoT box of the real Odoo 19, whose IoT routes are played by the test addon
 * iot_test_server (docs/real-odoo-tests.md says what that proves and what not): pairing by
 * token, registration, and an action the POS sends through RPC answered over Odoo's real bus.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildE2eHub, link, waitLink } from '../../support/iot-e2e.ts';
import { openRealIotRig, type RealIotRig } from '../../support/real-odoo-iot.ts';
import type { RealOdoo } from '../../support/real-odoo.ts';

export function describeIotLink(odoo: () => RealOdoo): void {
  describe('the hub as an IoT box of the real Odoo 19 (IoT routes from the test addon), over the real bus', () => {
    let rig: RealIotRig;
    before(async () => {
      rig = await openRealIotRig(odoo(), buildE2eHub());
    }, { timeout: 120_000 });
    after(() => rig?.close());

    it('registered by token: the box and its drawer are records in Odoo, and the token is used up', async () => {
      const [box] = (await odoo().call('iot.box', 'search_read', [[['identifier', '=', rig.box]]], { fields: ['name', 'version', 'device_ids'] })) as Array<{ version: string; device_ids: number[] }>;
      assert.ok(box, `iot.box ${rig.box} exists`);
      assert.match(box.version, /-19\.0/);
      const devices = (await odoo().call('iot.device', 'read', [box.device_ids, ['identifier', 'type', 'subtype', 'connected']])) as Array<Record<string, unknown>>;
      const drawer = devices.find((d) => d.identifier === rig.drawer);
      assert.deepEqual(drawer && { type: drawer.type, subtype: drawer.subtype, connected: drawer.connected }, { type: 'printer', subtype: 'receipt_printer', connected: true });
      assert.equal(await odoo().call('ir.config_parameter', 'get_param', ['iot_test_server.pairing_token']), false, 'the token was consumed');
    });

    it('runs an action sent through RPC and its result reaches the POS as operation_confirmation', async () => {
      const sessionId = await rig.pos.sendAction(rig.box, rig.drawer, { action: 'cashbox' });
      const confirmation = await rig.pos.confirmation(sessionId);
      const payload = confirmation.message.payload as { iot_box_identifier: string; device_identifier: string; message: { status: string; result: { opened: boolean; runs: number } } };
      assert.equal(payload.iot_box_identifier, rig.box);
      assert.equal(payload.device_identifier, rig.drawer);
      assert.equal(payload.message.status, 'success');
      assert.deepEqual(payload.message.result, { opened: true, runs: 1 });
    });

    it('a print result on the real bus is the printer driver\'s status event: no action_args, the receipt never goes back', async () => {
      const receipt = 'A'.repeat(64 * 1024);
      const sessionId = await rig.pos.sendAction(rig.box, rig.drawer, { action: 'print_receipt', receipt });
      const confirmation = await rig.pos.confirmation(sessionId);
      const payload = confirmation.message.payload as { message: Record<string, unknown> };
      assert.equal('action_args' in payload.message && payload.message.action_args !== null, false, JSON.stringify(payload).slice(0, 300));
      assert.ok(JSON.stringify(payload).length < 1024, `the bus row is ${JSON.stringify(payload).length} characters`);
    });

    it('no false alarm when the database calls itself localhost and the hub forwards to 127.0.0.1', async () => {
      const spelled = odoo().url.replace('127.0.0.1', 'localhost');
      await odoo().call('iot.channel', 'send_message', [{ iot_identifiers: [rig.box], server_url: spelled }, 'server_update']);
      await waitLink(rig.hub, (l) => l.serverUrl === spelled, 'the hub to take the new spelling', 10_000);
      const after = await link(rig.hub);
      assert.equal(after.serverNotice, '', 'the same server: no "the database now lives at" notice');
      await waitLink(rig.hub, (l) => l.registration.state === 'registered' && l.bus.state === 'open', 'the hub registered again', 15_000);
    });

    it('an action for another box is left alone', async () => {
      const sessionId = await rig.pos.sendAction('some-other-box', rig.drawer, { action: 'cashbox' });
      // A control action after it: once its answer is back, the hub has seen both.
      const control = await rig.pos.sendAction(rig.box, rig.drawer, { action: 'cashbox' });
      await rig.pos.confirmation(control);
      assert.ok(!rig.pos.subscriber.notifications.some((n) => n.message.type === 'operation_confirmation' && n.message.payload.session_id === sessionId));
    });
  });
}
