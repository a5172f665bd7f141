import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, parseOdooUrl, ConfigError, DEFAULT_PORT } from '../../../server/config.ts';

describe('local server configuration', () => {
  it("defaults to loopback, port 8079 (off Odoo's 8069 and 8072) and demo mode", () => {
    const config = loadConfig([], {});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, DEFAULT_PORT);
    assert.equal(DEFAULT_PORT, 8079);
    assert.equal(config.odooOrigin, null);
    assert.deepEqual(config.allowedHosts, ['localhost', '127.0.0.1', '[::1]']);
  });

  it('takes the Odoo URL from --odoo or ODOO_URL, as an origin', () => {
    assert.equal(loadConfig(['--odoo', 'https://shop.example.com'], {}).odooOrigin, 'https://shop.example.com');
    assert.equal(loadConfig([], { ODOO_URL: 'http://10.0.0.5:8069/' }).odooOrigin, 'http://10.0.0.5:8069');
  });

  it('says what is wrong with a bad Odoo URL', () => {
    assert.throws(() => parseOdooUrl('shop.example.com'), (e: Error) => e instanceof ConfigError && /is not a URL/.test(e.message));
    assert.throws(() => parseOdooUrl('ftp://shop.example.com'), /must start with http:\/\/ or https:\/\//);
    assert.throws(() => parseOdooUrl('https://shop.example.com/odoo'), /must be an origin only, without a path \(e.g. https:\/\/shop.example.com\)/);
    assert.throws(() => parseOdooUrl('https://admin:secret@shop.example.com'), (e: Error) => /user name or password/.test(e.message) && !e.message.includes('secret'));
  });

  it('refuses a port that is not a port', () => {
    assert.throws(() => loadConfig(['--port', '99999'], {}), /port "99999" is not a port number/);
  });

  it('adds explicitly allowed host names', () => {
    assert.ok(loadConfig(['--allowed-host', 'POS-1.shop.lan'], {}).allowedHosts.includes('pos-1.shop.lan'));
  });
});
