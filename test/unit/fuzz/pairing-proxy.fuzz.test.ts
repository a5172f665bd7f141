import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RUNS, HANG_GUARD, parsesOrRefuses, text, jsonValue } from './support.ts';
import { parseConnectBoxAnswer, PairingProxyError } from '../../../src/odoo/iot/pairing-code.ts';

const anyField = fc.oneof(fc.string({ maxLength: 200 }), jsonValue);

/** Answers shaped like the proxy's (odoo-iot.md §2.2), each field swapped for anything now and then. */
const answer = fc.oneof(
  text,
  fc.record({
    jsonrpc: fc.constant('2.0'),
    error: fc.oneof(fc.constant(undefined), fc.constant('expired'), anyField),
    result: fc.oneof(
      fc.record({ pairing_code: anyField, pairing_uuid: anyField }, { requiredKeys: [] }),
      fc.record({ url: anyField, token: anyField, db_uuid: anyField, enterprise_code: anyField }, { requiredKeys: [] }),
      anyField,
    ),
  }, { requiredKeys: [] }).map((body) => JSON.stringify(body)),
  fc.string({ minLength: 16_380, maxLength: 16_400 }),
);

describe('fuzz: pairing proxy answers', () => {
  it('are expired, a grant, a code to show, or a PairingProxyError; never anything else', HANG_GUARD, () => {
    fc.assert(fc.property(answer, (input) => {
      const r = parsesOrRefuses(() => parseConnectBoxAnswer(input), PairingProxyError);
      if (!r.ok || r.value === 'expired') return;
      if ('url' in r.value) {
        for (const field of [r.value.url, r.value.token, r.value.dbUuid, r.value.enterpriseCode]) assert.equal(typeof field, 'string');
      } else {
        assert.ok(r.value.code === false || (typeof r.value.code === 'string' && r.value.code.length <= 64));
        assert.ok(r.value.uuid === false || (typeof r.value.uuid === 'string' && r.value.uuid.length <= 128));
      }
    }), { numRuns: RUNS });
  });

  it('reads the three answers the protocol names', () => {
    assert.equal(parseConnectBoxAnswer('{"error":"expired"}'), 'expired');
    assert.deepEqual(parseConnectBoxAnswer('{"result":{"pairing_code":"A1B2C3","pairing_uuid":"u-1"}}'), { code: 'A1B2C3', uuid: 'u-1' });
    assert.deepEqual(
      parseConnectBoxAnswer('{"result":{"url":"https://shop.example.com","token":"t","db_uuid":"u","enterprise_code":"c"}}'),
      { url: 'https://shop.example.com', token: 't', dbUuid: 'u', enterpriseCode: 'c' },
    );
    assert.throws(() => parseConnectBoxAnswer('<html>502 Bad Gateway</html>'), /the pairing proxy answer is not JSON/);
    assert.throws(() => parseConnectBoxAnswer('{"error":"code not found"}'), /the pairing proxy refused: code not found/);
  });
});
