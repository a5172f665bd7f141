import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RUNS, HANG_GUARD } from './support.ts';
import { checkHost, checkOrigin, checkTarget, isForwardedPath, isPairingProxyPath, FORWARDED_PREFIXES, PAIRING_PROXY_PREFIX } from '../../../server/forwarding.ts';
import { LOOPBACK_HOSTNAMES } from '../../../server/config.ts';
import { rawTarget, upstreamWouldReadTheSame } from '../../support/request-targets.ts';

const ODOO = 'https://shop.example';
const PORT = 8069;
const host = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.domain(),
  fc.tuple(fc.constantFrom(...LOOPBACK_HOSTNAMES, 'LOCALHOST', 'localhost.evil.com', '[::1', 'evil.com'), fc.option(fc.integer({ min: 0, max: 99999 }))).map(([h, p]) => (p === null ? h : `${h}:${p}`)),
  fc.constantFrom('localhost:8069', '127.0.0.1:8069', '[::1]:8069', 'localhost:08069', 'localhost:', 'localhost:8069:1'),
);
const target = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.webUrl(),
  fc.webPath().map((p) => `/${p.replace(/^\//, '')}`),
  fc.constantFrom(...FORWARDED_PREFIXES).chain((p) => fc.string({ maxLength: 20 }).map((s) => `${p}${s}`)),
  rawTarget,
  fc.constantFrom('//evil.com/jsonrpc', 'http://evil.com/jsonrpc', '/jsonrpcx', '/websocketx', '/web', '/../web/x', 'evil.com:443', '*'),
);
const origin = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.webUrl(),
  fc.tuple(fc.constantFrom('http', 'https', 'HTTP'), fc.constantFrom(...LOOPBACK_HOSTNAMES, 'evil.com'), fc.constantFrom('', ':8069', ':80', ':8070')).map(([s, h, p]) => `${s}://${h}${p}`),
);

/** `name` and port of a Host header, as an independent reading of RFC 9110 §7.2. */
function hostParts(h: string): { name: string; port: number } | null {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(h);
  return m ? { name: m[1].toLowerCase(), port: m[2] === undefined ? 80 : Number(m[2]) } : null;
}

describe('fuzz: the local server\'s request checks', () => {
  it('Host check: one Host, an allowed name, this port; never throws', HANG_GUARD, () => {
    fc.assert(fc.property(fc.option(fc.array(host, { minLength: 1, maxLength: 3 }), { nil: undefined }), (hosts) => {
      const refusal = checkHost(hosts, LOOPBACK_HOSTNAMES, PORT);
      if (refusal === null) {
        assert.equal(hosts?.length, 1, 'exactly one Host header');
        const parts = hostParts(hosts![0]);
        assert.ok(parts && LOOPBACK_HOSTNAMES.includes(parts.name) && parts.port === PORT, `${hosts![0]} passed`);
      } else assert.ok(refusal.status === 400 || refusal.status === 403);
    }), { numRuns: RUNS });
  });

  it('Origin check: state changes and upgrades only from http://<allowed host>:<this port>', HANG_GUARD, () => {
    const method = fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH', 'get');
    fc.assert(fc.property(method, fc.option(fc.array(origin, { minLength: 1, maxLength: 2 }), { nil: undefined }), fc.boolean(), (m, origins, upgrade) => {
      const refusal = checkOrigin({ method: m, origin: origins, upgrade }, LOOPBACK_HOSTNAMES, PORT);
      if (refusal !== null) return assert.equal(refusal.status, 403);
      if (!upgrade && ['GET', 'HEAD', 'OPTIONS'].includes(m)) return;
      if (!upgrade && origins === undefined) return;
      assert.equal(origins?.length, 1);
      const own = LOOPBACK_HOSTNAMES.map((h) => `http://${h}:${PORT}`);
      assert.ok(own.includes(origins![0]), `${origins![0]} passed`);
    }), { numRuns: RUNS });
  });

  it('request targets: what goes on is canonical, and only absolute targets naming this server pass', HANG_GUARD, () => {
    fc.assert(fc.property(target, host, (t, h) => {
      const checked = checkTarget(t, h, ODOO);
      // Encoded '.', '/', '\\' and NUL are refused even where harmless: no browser sends them in a path.
      if (t.startsWith('/') && upstreamWouldReadTheSame(t) && !/%(2e|2f|5c|00)/i.test(t.split('?')[0])) assert.equal(checked.target?.path, t, `a canonical target goes on as it is: ${t}`);
      if (checked.refusal) return assert.ok(checked.refusal.status === 400 || checked.refusal.status === 403);
      if (!t.startsWith('/')) assert.equal(t.slice(0, 7 + h.length).toLowerCase(), `http://${h}`.toLowerCase(), 'an absolute target passes only when it names this server');
      assert.ok(upstreamWouldReadTheSame(checked.target.path), `${t} went on as ${checked.target.path}`);
      assert.equal(checked.target.path.split('?')[0], checked.target.pathname);
    }), { numRuns: RUNS });
  });

  it('forwarded paths: only Odoo\'s and the pairing proxy\'s prefixes', HANG_GUARD, () => {
    fc.assert(fc.property(target, (t) => {
      if (isForwardedPath(t)) assert.ok(FORWARDED_PREFIXES.some((p) => t.startsWith(p)), t);
      if (isPairingProxyPath(t)) assert.ok(t.startsWith(PAIRING_PROXY_PREFIX));
    }), { numRuns: RUNS });
  });
});
