import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';
import { postJson } from './helpers.ts';

describe('simulator pairing proxy (odoo-iot.md §2.2)', () => {
  let sim: RunningSimulator;
  before(async () => (sim = await startSimulator()));
  after(() => sim.close());

  const connectBox = (params: Record<string, unknown>) => postJson(`${sim.url}/odoo-enterprise/iot/connect-box`, { params: { serial_number: 'hub-1', ...params } });
  const connectDb = (params: Record<string, unknown>) => postJson(`${sim.url}/odoo-enterprise/iot/connect-db`, { params });

  it('gives a code, keeps answering it until the database pairs, then hands over url/token/db_uuid/enterprise_code', async () => {
    const first = await connectBox({ pairing_code: false, pairing_uuid: false });
    const { pairing_code, pairing_uuid } = first.json.result;
    assert.match(pairing_code, /^[A-Z2-9]{6}$/);
    assert.match(pairing_uuid, /^[0-9a-f-]{36}$/);
    assert.deepEqual((await connectBox({ pairing_code, pairing_uuid })).json.result, { pairing_code, pairing_uuid });
    const { token } = sim.iot.issueToken();
    const grant = { database_url: 'http://localhost:8069', token, db_uuid: sim.iot.identity.dbUuid, enterprise_code: sim.iot.identity.enterpriseCode };
    assert.equal((await connectDb({ pairing_code: pairing_code.toLowerCase(), ...grant })).json.result, true);
    const paired = await connectBox({ pairing_code, pairing_uuid });
    assert.deepEqual(paired.json.result, { url: 'http://localhost:8069', token, db_uuid: sim.iot.identity.dbUuid, enterprise_code: sim.iot.identity.enterpriseCode });
  });

  it('says {"error": "expired"} at top level once the code has expired', async () => {
    const { pairing_code, pairing_uuid } = (await connectBox({ pairing_code: false, pairing_uuid: false })).json.result;
    sim.iot.faults.expirePairingCode(pairing_code);
    const expired = await connectBox({ pairing_code, pairing_uuid });
    assert.equal(expired.json.error, 'expired');
    assert.ok(!('result' in expired.json));
    assert.ok('error' in (await connectDb({ pairing_code, database_url: 'x', token: 't', db_uuid: 'u', enterprise_code: 'c' })).json);
  });

  it('answers connect-db with an error key for an unknown code, and refuses malformed bodies', async () => {
    const answer = await connectDb({ pairing_code: 'NOPE42', database_url: 'x', token: 't', db_uuid: 'u', enterprise_code: 'c' });
    assert.match(answer.json.error, /not found/);
    const bad = await fetch(`${sim.url}/odoo-enterprise/iot/connect-box`, { method: 'POST', body: '[1' });
    assert.equal(bad.status, 400);
  });
});
