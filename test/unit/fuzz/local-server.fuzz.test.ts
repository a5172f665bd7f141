import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RUNS, HANG_GUARD } from './support.ts';
import { checkHost, checkTarget, isForwardedPath, isPairingProxyPath, FORWARDED_PREFIXES, PAIRING_PROXY_PREFIX } from '../../../server/forwarding.ts';
import { LOOPBACK_HOSTNAMES } from '../../../server/config.ts';

const ODOO = 'https://shop.example';
const host = fc.oneof(fc.string({ maxLength: 40 }), fc.domain(), fc.constantFrom('localhost:8069', '127.0.0.1', '[::1]:8069', 'LOCALHOST', 'localhost.evil.com', '[::1', 'evil.com:80'));
const target = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.webUrl(),
  fc.webPath().map((p) => `/${p.replace(/^\//, '')}`),
  fc.constantFrom(...FORWARDED_PREFIXES).chain((p) => fc.string({ maxLength: 20 }).map((s) => `${p}${s}`)),
  fc.constantFrom('//evil.com/jsonrpc', 'http://evil.com/jsonrpc', '/jsonrpcx', '/websocketx', '/web', '/../web/x', 'evil.com:443'),
);

describe('fuzz: the local server\'s request checks', () => {
  it('Host check: only loopback names (and those allowed) pass; never throws', HANG_GUARD, () => {
    fc.assert(fc.property(fc.option(host, { nil: undefined }), (h) => {
      const refusal = checkHost(h, LOOPBACK_HOSTNAMES);
      if (refusal === null) {
        const name = h!.toLowerCase().startsWith('[') ? h!.toLowerCase().slice(0, h!.indexOf(']') + 1) : h!.toLowerCase().replace(/:[^:]*$/, '');
        assert.ok(LOOPBACK_HOSTNAMES.includes(name), `${h} passed`);
      } else assert.ok(refusal.status === 400 || refusal.status === 403);
    }), { numRuns: RUNS });
  });

  it('request targets: paths go on, absolute targets only to this server itself (never an open proxy)', HANG_GUARD, () => {
    fc.assert(fc.property(target, host, (t, h) => {
      const refusal = checkTarget(t, h, ODOO);
      if (refusal !== null) return assert.ok(refusal.status === 400 || refusal.status === 403);
      if (!t.startsWith('/')) assert.equal(new URL(t).host, h, 'an absolute target passes only when it names this server');
    }), { numRuns: RUNS });
  });

  it('forwarded paths: only Odoo\'s and the pairing proxy\'s prefixes', HANG_GUARD, () => {
    fc.assert(fc.property(target, (t) => {
      if (isForwardedPath(t)) assert.ok(FORWARDED_PREFIXES.some((p) => t.startsWith(p)), t);
      if (isPairingProxyPath(t)) assert.ok(t.startsWith(PAIRING_PROXY_PREFIX));
    }), { numRuns: RUNS });
  });
});
