import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseConnectionToken, TokenError, MAX_TOKEN_LENGTH } from '../../../src/odoo/iot/token.ts';

const TOKEN = '0123456789abcdef0123456789abcdef';

test('accepts the three generations of connection token', () => {
  const old = parseConnectionToken(`https://shop.odoo.com|${TOKEN}|uuid-1|ENT123`);
  assert.deepEqual(old, { generation: 'old', serverUrl: 'https://shop.odoo.com', localhost: false, token: TOKEN, dbUuid: 'uuid-1', enterpriseCode: 'ENT123', dbName: '' });
  const v18 = parseConnectionToken(`https://shop.odoo.com/?token=${TOKEN}&db_uuid=uuid-1&enterprise_code=ENT123`);
  assert.equal(v18.generation, '18');
  assert.equal(v18.serverUrl, 'https://shop.odoo.com');
  assert.equal(v18.dbName, '');
  const v19 = parseConnectionToken(`  http://10.0.0.5:8069?token=${TOKEN}&db_uuid=uuid-1&enterprise_code=&db_name=shop%20one \n`);
  assert.equal(v19.generation, '19');
  assert.equal(v19.serverUrl, 'http://10.0.0.5:8069');
  assert.equal(v19.dbName, 'shop one');
  assert.equal(v19.enterpriseCode, '');
});

test('flags a localhost server instead of refusing it', () => {
  assert.equal(parseConnectionToken(`http://localhost:8069?token=${TOKEN}&db_uuid=u&enterprise_code=c`).localhost, true);
});

const wrong: Array<[string, RegExp]> = [
  ['', /empty/],
  ['https://shop.odoo.com', /web address without a token/],
  ['hello world', /spaces/],
  ['just-some-text', /not a connection token/],
  [`ftp://shop.odoo.com?token=${TOKEN}&db_uuid=u&enterprise_code=c`, /http:\/\/ or https:\/\//],
  [`?token=${TOKEN}&db_uuid=u&enterprise_code=c`, /does not start with the database address/],
  [`not a url?token=x`, /spaces/],
  [`nota-url?token=${TOKEN}&db_uuid=u&enterprise_code=c`, /is not a URL/],
  [`https://shop.odoo.com?db_uuid=u&enterprise_code=c`, /has no token/],
  [`https://shop.odoo.com?token=&db_uuid=u&enterprise_code=c`, /token in the connection token is empty/],
  [`https://shop.odoo.com?token=${TOKEN}&enterprise_code=c`, /has no db_uuid/],
  [`https://shop.odoo.com?token=${TOKEN}&db_uuid=u`, /has no enterprise_code/],
  [`https://shop.odoo.com?token=a&token=b&db_uuid=u&enterprise_code=c`, /names token 2 times/],
  [`https://shop.odoo.com|${TOKEN}|u`, /4 parts/],
  [`https://user:pw@shop.odoo.com?token=${TOKEN}&db_uuid=u&enterprise_code=c`, /user name or password/],
  [`https://shop.odoo.com?token=${TOKEN}&db_uuid=u&enterprise_code=c&db_name=`, /db_name in the connection token is empty/],
  ['x'.repeat(MAX_TOKEN_LENGTH + 1), /characters long/],
];

for (const [input, message] of wrong) {
  test(`says what is wrong with ${JSON.stringify(input.slice(0, 50))}`, () => {
    assert.throws(() => parseConnectionToken(input), (error: unknown) => error instanceof TokenError && message.test(error.message));
  });
}

test('fuzz: any string either parses to a bounded http(s) token or throws a TokenError', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 3000 }), fc.webUrl({ withQueryParameters: true }), fc.array(fc.string(), { maxLength: 6 }).map((a) => a.join('|'))), (input) => {
      try {
        const token = parseConnectionToken(input);
        assert.match(token.serverUrl, /^https?:\/\//);
        assert.ok(token.token.length > 0 && token.token.length <= 256);
      } catch (error) {
        assert.ok(error instanceof TokenError, `unexpected ${String(error)}`);
      }
    }),
    { numRuns: 2000 },
  );
});

test('fuzz: a well-formed 19 token round-trips its fields', () => {
  const field = fc.string({ minLength: 1, maxLength: 40 });
  fc.assert(
    fc.property(fc.webUrl({ withQueryParameters: false, withFragments: false }), field, fc.uuid(), fc.string({ maxLength: 20 }), field, (url, token, uuid, code, db) => {
      const query = new URLSearchParams({ token, db_uuid: uuid, enterprise_code: code, db_name: db });
      const text = `${url}?${query}`;
      if (/\s/.test(text) || text.includes('|') || url.includes('@') || url.includes('?')) return;
      const parsed = parseConnectionToken(text);
      assert.equal(parsed.token, token);
      assert.equal(parsed.dbUuid, uuid);
      assert.equal(parsed.enterpriseCode, code);
      assert.equal(parsed.dbName, db);
    }),
    { numRuns: 500 },
  );
});
