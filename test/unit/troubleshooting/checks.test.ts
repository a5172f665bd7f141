import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runChecks, serieMajor, type CheckId, type Evidence } from '../../../src/hub/troubleshooting/checks.ts';
import { ProtocolWatch } from '../../../src/hub/troubleshooting/protocol-watch.ts';
import { probeDatabases, probeServer } from '../../../src/hub/troubleshooting/probes.ts';
import { Logger } from '../../../src/hub/logger.ts';
import { rootCause } from '../../../workers/device-manager.ts';
import { mapUsbError } from '../../../workers/transports/usb.ts';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';

const ID = '0123456789abcdef';

function evidence(over: Partial<Evidence> = {}, link: Partial<Evidence['link']> = {}): Evidence {
  return {
    identifier: ID, hubSerie: '19.0', platform: 'linux', pageOrigin: 'http://localhost:8069',
    localServer: { mode: 'forward', odooOrigin: 'https://shop.example' },
    link: {
      paired: true, serverUrl: 'https://shop.example', dbName: 'shop', registration: { state: 'registered', message: '' },
      bus: { state: 'open', detail: '', versionFetches: 1 }, pairingCode: { state: 'off' },
      unknownTypes: {}, badMessages: 0, lastBadMessage: '', ...link,
    },
    server: { kind: 'odoo', serverSerie: '19.0', serverVersion: '19.0' },
    database: { databases: ['shop'], loginBinding: 'bound', boxListed: null },
    devices: { claimed: [{ transport: 'usb', name: 'EPSON TM-T20III' }], failures: [] },
    window: { secureContext: true, apis: { usb: true, serial: true, hid: true }, policyAllows: { usb: true, serial: true, hid: true }, lastRequestError: null, chooserClosedEmpty: false },
    storage: { persisted: true, usage: 1e6, quota: 1e9 },
    ...over,
  };
}

function check(e: Evidence, id: CheckId) {
  const found = runChecks(e).find((r) => r.id === id);
  assert.ok(found, id);
  return found;
}

describe('troubleshooting checks', () => {
  it('a healthy hub has no problem, and every check links to a section of docs/deploy.md that exists', () => {
    const results = runChecks(evidence());
    assert.deepEqual(results.filter((r) => r.status === 'problem'), []);
    const deploy = readFileSync(new URL('../../../docs/deploy.md', import.meta.url), 'utf8');
    const anchors = new Set([...deploy.matchAll(/^#+ (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-')));
    for (const r of results) {
      const [file, anchor] = r.doc.split('#');
      assert.equal(file, 'docs/deploy.md');
      assert.ok(anchors.has(anchor), `docs/deploy.md has no section #${anchor} (${r.id})`);
    }
  });

  it('pairing code: offline, proxy path missing, expired, already paired, hub too old', () => {
    const unpaired = { paired: false, serverUrl: '', dbName: '' };
    const offline = check(evidence({}, { ...unpaired, pairingCode: { state: 'requesting', problem: 'TypeError: Failed to fetch' } }), 'pairing-code');
    assert.equal(offline.status, 'problem');
    assert.match(offline.summary, /offline|unreachable/);
    assert.match(offline.evidence.join('\n'), /Failed to fetch/);
    const noPath = check(evidence({}, { ...unpaired, pairingCode: { state: 'requesting', problem: 'the pairing proxy answered HTTP 404' } }), 'pairing-code');
    assert.match(noPath.fix, /\/odoo-enterprise\/iot\//);
    assert.match(check(evidence({}, { ...unpaired, pairingCode: { state: 'expired', message: 'x' } }), 'pairing-code').fix, /Ask for a new code/);
    const paired = check(evidence(), 'pairing-code');
    assert.equal(paired.status, 'ok');
    assert.match(paired.summary, /already paired/);
    const tooOld = evidence({ server: { kind: 'odoo', serverSerie: 'saas~20.1', serverVersion: 'saas~20.1' } }, { ...unpaired, pairingCode: { state: 'showing', code: 'ABC123', until: Date.now() + 1000 } });
    assert.equal(check(tooOld, 'pairing-code').status, 'problem');
    assert.match(check(tooOld, 'odoo-version').summary, /too old/);
    assert.equal(check(evidence({ server: { kind: 'odoo', serverSerie: '17.0', serverVersion: '17.0' } }), 'odoo-version').status, 'problem');
    assert.equal(check(evidence({ server: { kind: 'odoo', serverSerie: 'saas~18.4', serverVersion: '' } }), 'odoo-version').status, 'ok');
  });

  it('reads series as Odoo names them', () => {
    assert.equal(serieMajor('19.0'), 19);
    assert.equal(serieMajor('saas~18.3'), 18);
    assert.equal(serieMajor('master'), null);
  });

  it('paired but not in the database: multi-database without a database name, failed binding, box missing', () => {
    const multi = evidence({ database: { databases: ['shop', 'test'], loginBinding: 'not-tried', boxListed: null } }, { dbName: '' });
    const r = check(multi, 'database-binding');
    assert.equal(r.status, 'problem');
    assert.match(r.summary, /2 databases/);
    assert.match(r.fix, /dbfilter/);
    assert.equal(check(evidence({ database: { databases: 'refused', loginBinding: 'refused', boxListed: null } }), 'database-binding').status, 'problem');
    const missing = check(evidence({ database: { databases: ['shop'], loginBinding: 'bound', boxListed: false } }), 'database-binding');
    assert.equal(missing.status, 'problem');
    assert.match(missing.summary, new RegExp(ID));
    assert.equal(check(evidence({ database: { databases: ['shop', 'test'], loginBinding: 'bound', boxListed: true } }), 'database-binding').status, 'ok');
  });

  it('database reachable but the hub not: no answer (TypeError), not Odoo here, another server', () => {
    const none = check(evidence({ server: { kind: 'no-answer', detail: 'TypeError: Failed to fetch' } }), 'same-origin');
    assert.equal(none.status, 'problem');
    assert.match(none.summary, /TypeError/);
    assert.match(none.fix, /same|origin/i);
    const html = check(evidence({ server: { kind: 'not-odoo', status: 404, detail: 'text/html' } }), 'same-origin');
    assert.match(html.summary, /HTTP 404/);
    const elsewhere = check(evidence({ localServer: { mode: 'forward', odooOrigin: 'https://other.example' } }), 'same-origin');
    assert.equal(elsewhere.status, 'problem');
    assert.match(elsewhere.summary, /https:\/\/shop.example/);
    // The fix names the address the hub really answers at, not a default.
    const moved = check(evidence({ pageOrigin: 'http://localhost:8170', localServer: { mode: 'forward', odooOrigin: 'https://other.example' } }), 'same-origin');
    assert.match(moved.fix, /open the hub at http:\/\/localhost:8170\./);
    assert.doesNotMatch(moved.fix, /8069/);
  });

  it('a database whose web.base.url says localhost while the hub forwards to 127.0.0.1 is the same server', () => {
    const spelled = evidence(
      { pageOrigin: 'http://localhost:8070', localServer: { mode: 'forward', odooOrigin: 'http://127.0.0.1:8169' } },
      { serverUrl: 'http://localhost:8169' },
    );
    assert.equal(check(spelled, 'same-origin').status, 'ok');
    const otherPort = evidence(
      { pageOrigin: 'http://localhost:8070', localServer: { mode: 'forward', odooOrigin: 'http://127.0.0.1:8169' } },
      { serverUrl: 'http://localhost:8069' },
    );
    assert.equal(check(otherPort, 'same-origin').status, 'problem');
  });

  it('disconnected after an upgrade: OUTDATED_VERSION loop, unknown message types', () => {
    const loop = check(evidence({}, { bus: { state: 'waiting', detail: 'bus closed (code 1000, OUTDATED_VERSION)', versionFetches: 3 } }), 'bus-version');
    assert.equal(loop.status, 'problem');
    assert.match(loop.summary, /3 times/);
    const once = check(evidence({}, { bus: { state: 'waiting', detail: 'bus closed (code 1000, OUTDATED_VERSION)', versionFetches: 1 } }), 'bus-version');
    assert.notEqual(once.status, 'problem', 'one refetch is the normal way to learn the new version');
    const unknown = check(evidence({}, { unknownTypes: { iot_action_v2: 4 } }), 'bus-version');
    assert.equal(unknown.status, 'problem');
    assert.match(unknown.evidence.join('\n'), /iot_action_v2 ×4/);
  });

  it('device permission: insecure page, no API, policy, chooser refused, nothing chosen', () => {
    const w = evidence().window!;
    assert.match(check(evidence({ window: { ...w, secureContext: false } }), 'device-permission').fix, /localhost|https/);
    assert.equal(check(evidence({ window: { ...w, apis: { usb: false, serial: false, hid: false } } }), 'device-permission').status, 'problem');
    assert.match(check(evidence({ window: { ...w, policyAllows: { usb: false, serial: true, hid: true } } }), 'device-permission').summary, /usb/);
    const refused = check(evidence({ window: { ...w, lastRequestError: { kind: 'usb', name: 'SecurityError', message: 'Access denied.' } } }), 'device-permission');
    assert.match(refused.fix, /WebUsbAllowDevicesForUrls/);
    const empty = check(evidence({ devices: { claimed: [], failures: [] }, window: { ...w, chooserClosedEmpty: true } }), 'device-permission');
    assert.equal(empty.status, 'problem');
    assert.equal(check(evidence({ window: null }), 'device-permission').status, 'unknown');
  });

  it('USB interface held by an OS driver, from the claimInterface refusal', () => {
    const claim = rootCause(mapUsbError(new DOMException('Unable to claim interface.', 'NetworkError'), 'claim the printer interface'));
    const failures = [{ transport: 'usb' as const, label: 'TM-T20III', ...claim }];
    const linux = check(evidence({ devices: { claimed: [], failures } }), 'usb-driver');
    assert.equal(linux.status, 'problem');
    assert.match(linux.fix, /usblp/);
    assert.notEqual(check(evidence({ devices: { claimed: [], failures } }), 'udev-rules').status, 'problem', 'a held interface is not a udev problem');
    const windowsDenied = rootCause(mapUsbError(new DOMException('Access denied.', 'SecurityError'), 'open the printer'));
    const win = check(evidence({ platform: 'windows', devices: { claimed: [], failures: [{ transport: 'usb', label: 'TM-T20III', ...windowsDenied }] } }), 'usb-driver');
    assert.match(win.fix, /WinUSB/);
    assert.equal(win.doc, 'docs/deploy.md#windows-driver-conflicts');
  });

  it('missing udev rules: Linux refuses to open', () => {
    const denied = rootCause(mapUsbError(new DOMException('Access denied.', 'SecurityError'), 'open the printer'));
    assert.equal(denied.name, 'SecurityError');
    const r = check(evidence({ devices: { claimed: [], failures: [{ transport: 'usb', label: 'TM-T20III', ...denied }] } }), 'udev-rules');
    assert.equal(r.status, 'problem');
    assert.match(r.fix, /uaccess/);
    assert.equal(check(evidence({ platform: 'windows' }), 'udev-rules').status, 'ok');
  });

  it('storage not persistent', () => {
    const r = check(evidence({ storage: { persisted: false, usage: null, quota: null } }), 'storage');
    assert.equal(r.status, 'problem');
    assert.match(r.fix, /Install the hub/);
    const demo = check(evidence({ storage: { persisted: false, usage: null, quota: null }, localServer: { mode: 'demo', odooOrigin: null } }), 'storage');
    assert.equal(demo.status, 'expected', 'in the demo, storage is not persistent until the app is installed');
    assert.match(demo.summary, /expected in the demo.*installed as an app/);
  });
});

describe('protocol watch', () => {
  it('counts the link\'s own "received but not usable" log lines', () => {
    const logger = new Logger();
    const watch = new ProtocolWatch();
    watch.attach(logger);
    const bus = logger.scope('bus');
    bus.warning('bad bus frame ignored: FrameError: bus frame is not JSON: Unexpected token');
    logger.scope('odoo').debug('bus message iot_action_v2 ignored');
    logger.scope('odoo').debug('bus message iot_action_v2 ignored');
    logger.scope('odoo').warning('bad iot_action (notification 12) ignored: session_id is missing');
    logger.scope('odoo').info('registered with https://shop.example');
    assert.deepEqual(watch.snapshot(), { unknownTypes: { iot_action_v2: 2 }, badMessages: 2, lastBadMessage: 'iot_action: session_id is missing' });
  });

  it('the link still writes those lines (a rename here would blind the check)', () => {
    const bus = readFileSync(new URL('../../../src/odoo/iot/bus-client.ts', import.meta.url), 'utf8');
    const link = ['bus-session.ts', 'rtc-channels.ts'].map((file) => readFileSync(new URL(`../../../src/hub/link/${file}`, import.meta.url), 'utf8')).join('\n');
    assert.ok(bus.includes('`bad bus frame ignored: ${'));
    assert.ok(link.includes('`bus message ${type} ignored`'));
    assert.ok(link.includes('`bad ${type} (notification ${id}) ignored: ${'));
    assert.ok(link.includes('`bad WebRTC message ignored: ${'));
  });
});

describe('troubleshooting probes against the Odoo simulator', () => {
  let sim: RunningSimulator;
  let relative: typeof fetch;
  before(async () => {
    sim = await startSimulator();
    relative = (input, init) => fetch(new URL(String(input), sim.url), init);
  });
  after(() => sim.close());

  it('reads the serie at the hub\'s origin, lists the databases and binds the login', async () => {
    const server = await probeServer({ fetch: relative });
    assert.equal(server.kind, 'odoo');
    assert.equal(server.kind === 'odoo' && server.serverSerie, sim.iot.identity.serverSerie);
    const db = await probeDatabases(ID, { fetch: relative, dbName: sim.iot.identity.dbName });
    assert.deepEqual(db.databases, [sim.iot.identity.dbName]);
    assert.equal(db.loginBinding, 'bound');
    // The simulator lets iot.box be read here: an identifier it never registered is "not listed".
    assert.equal(db.boxListed, false);
    const wrong = await probeDatabases(ID, { fetch: relative, dbName: 'no-such-db' });
    assert.equal(wrong.loginBinding, 'refused');
  });

  it('says "no answer" for a fetch TypeError and "not Odoo" for a static server', async () => {
    const down: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    assert.deepEqual(await probeServer({ fetch: down }), { kind: 'no-answer', detail: 'TypeError: Failed to fetch' });
    const staticSite: typeof fetch = async () => new Response('<h1>Not Found</h1>', { status: 404, headers: { 'Content-Type': 'text/html' } });
    assert.deepEqual(await probeServer({ fetch: staticSite }), { kind: 'not-odoo', status: 404, detail: 'text/html' });
  });
});
