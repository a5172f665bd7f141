import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ping } from '../../../src/odoo/ping.ts';
import { resolveTarget } from '../../../src/odoo/target.ts';
import { validateInput, newRandomPassword, checkNewPassword, ConnectionInputError, type ConnectionInput } from '../../../src/odoo/connection-store.ts';
import { OdooClient } from '../../../src/odoo/client.ts';
import { OdooError } from '../../../src/odoo/errors.ts';
import { startRpcSimulator, type RpcSimulator } from '../../support/odoo-simulator.ts';

const API_KEY = '0123456789abcdef0123456789abcdef01234567';
let sim: RpcSimulator;
before(async () => (sim = await startRpcSimulator()));
after(() => sim.close());

const NODE = { page: { origin: null, forwardedOdoo: null }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } };

describe('ping', () => {
  for (const [protocol, secret] of [['JSON-RPC', 'admin'], ['XML-RPC', API_KEY], ['JSON-2', API_KEY]] as const) {
    it(`${protocol}: "Ping OK, took: N s" with the server version`, async () => {
      const result = await ping({ protocol, host: sim.host, port: sim.port, database: 'shop', user: 'admin', secret }, NODE);
      assert.equal(result.ok, true, result.text);
      assert.match(result.text, /^Ping OK, took: \d+\.\d{4} s$/);
      assert.equal(result.serverVersion, '19.0');
    });
  }

  it('a random password is access denied in plain words, still with the version it found', async () => {
    const result = await ping({ protocol: 'JSON-RPC', host: sim.host, port: sim.port, database: 'shop', user: 'admin', secret: newRandomPassword() }, NODE);
    assert.equal(result.ok, false);
    assert.equal(result.errorKind, 'access-denied');
    assert.match(result.text, /^Access denied \(wrong login, password or API key\)/);
    assert.equal(result.serverVersion, '19.0');
  });
});

describe('same-origin targets', () => {
  it('Node calls the URL directly', () => {
    assert.deepEqual(resolveTarget('odoo.example.com', 443, 'JSON-RPCS', { origin: null, forwardedOdoo: null }), { base: 'https://odoo.example.com', origin: 'https://odoo.example.com', crossOrigin: false });
  });

  it('in a browser, the forwarded Odoo and the page origin go through relative paths; others are cross-origin', () => {
    const page = { origin: 'http://localhost:8069', forwardedOdoo: 'https://shop.odoo.com' };
    assert.equal(resolveTarget('shop.odoo.com', 443, 'JSON-2', page).base, '');
    assert.equal(resolveTarget('localhost', 8069, 'XML-RPC', page).base, '');
    assert.deepEqual(resolveTarget('other.odoo.com', 443, 'JSON-RPCS', page), { base: 'https://other.odoo.com', origin: 'https://other.odoo.com', crossOrigin: true });
  });

  it('a TypeError from fetch on a cross-origin target is the same-origin error with the fix', async () => {
    const blocked = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const client = new OdooClient({ protocol: 'JSON-RPCS', host: 'other.odoo.com', port: 443, database: 'd', user: 'u', secret: 'secret-xyz' }, { ...NODE, page: { origin: 'http://localhost:8069', forwardedOdoo: null }, fetch: blocked });
    await assert.rejects(client.version(), (error: OdooError) => error.kind === 'same-origin' && /--odoo/.test(error.message) && /Odoo's own origin/.test(error.message));
  });
});

describe('connection definitions', () => {
  const base: ConnectionInput = { name: ' Shop ', isActive: true, host: 'odoo.example.com', database: 'shop', user: 'pos', protocol: 'JSON-RPC' };

  it('defaults port 8069 and pool size 3, trims text', () => {
    assert.deepEqual(validateInput(base), { name: 'Shop', isActive: true, host: 'odoo.example.com', port: 8069, database: 'shop', user: 'pos', protocol: 'JSON-RPC', poolSize: 3 });
  });

  for (const [field, patch, pattern] of [
    ['host', { host: 'https://odoo.example.com' }, /without http/],
    ['host', { host: 'odoo.example.com:8069' }, /not a host name/],
    ['port', { port: 70000 }, /between 1 and 65535/],
    ['name', { name: '  ' }, /required/],
    ['poolSize', { poolSize: 0 }, /1 to 32/],
    ['protocol', { protocol: 'SOAP' }, /one of/],
  ] as const) {
    it(`refuses a bad ${field} (${JSON.stringify(patch)})`, () => {
      assert.throws(() => validateInput({ ...base, ...(patch as Partial<ConnectionInput>) }), (e: ConnectionInputError) => e.field === field && pattern.test(e.message));
    });
  }

  it('a new password is a UUID4 as 32 hex characters, different each time', () => {
    const a = newRandomPassword();
    assert.match(a, /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    assert.notEqual(a, newRandomPassword());
  });

  it('a changed password must be typed twice the same', () => {
    assert.equal(checkNewPassword('s3cret', 's3cret'), 's3cret');
    assert.throws(() => checkNewPassword('s3cret', 's3cre'), /differ/);
    assert.throws(() => checkNewPassword('', ''), /empty/);
  });
});
