import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RUNS, HANG_GUARD, parsesOrRefuses, parsesOrRefusesAsync, text, jsonValue } from './support.ts';
import { jsonRpcCall } from '../../../src/odoo/json-rpc.ts';
import { Json2Driver } from '../../../src/odoo/json2.ts';
import { decodeResponse, XmlRpcFormatError } from '../../../src/odoo/xml-rpc-codec.ts';
import { OdooError } from '../../../src/odoo/errors.ts';
import { postIotJson, IotHttpError, MAX_ANSWER_BYTES } from '../../../src/odoo/iot/http.ts';
import { register, RegistrationError, setupBody } from '../../../src/odoo/iot/registration.ts';
import { openLoginPage, SessionInfoError } from '../../../src/odoo/iot/session-info.ts';
import { parseBoxSearch, parseDatabaseList, parseVersionAnswer, probeServer } from '../../../src/hub/troubleshooting/probes.ts';

const SECRET = 'fuzz-secret-0123456789abcdef';

/** An HTTP answer as a server (or anything pretending to be one) could send it. */
const answer = fc.record({
  status: fc.oneof(fc.constantFrom(200, 200, 200, 400, 401, 403, 404, 415, 500, 502), fc.integer({ min: 200, max: 599 })),
  type: fc.constantFrom('application/json', 'text/html', 'text/xml', ''),
  body: fc.oneof(
    text,
    jsonValue.map((v) => JSON.stringify({ jsonrpc: '2.0', id: 1, result: v })),
    jsonValue.map((v) => JSON.stringify({ jsonrpc: '2.0', id: 1, error: v })),
    fc.record({ code: fc.oneof(fc.constantFrom(100, 200, 404), fc.integer()), message: fc.string(), data: fc.record({ name: fc.oneof(fc.constantFrom('odoo.exceptions.AccessDenied', 'odoo.http.SessionExpiredException'), fc.string()), message: fc.string(), debug: fc.constant(`Traceback ... password=${SECRET}`) }, { requiredKeys: [] }) }, { requiredKeys: [] })
      .map((error) => JSON.stringify({ jsonrpc: '2.0', id: 1, error })),
  ),
});

function serve(a: { status: number; type: string; body: string }): typeof fetch {
  return async () => new Response(a.status === 204 || a.status === 304 ? null : a.body, { status: a.status, headers: a.type ? { 'Content-Type': a.type } : {} });
}

const NO_SECRET = (error: Error) => assert.ok(!error.message.includes(SECRET), 'a secret the server echoed is not in the error text');

describe('fuzz: Odoo answers', () => {
  it('JSON-RPC answers: a result or a typed OdooError (secrets redacted)', HANG_GUARD, async () => {
    await fc.assert(fc.asyncProperty(answer, async (a) => {
      const r = await parsesOrRefusesAsync(() => jsonRpcCall('/jsonrpc', {}, { fetch: serve(a) }), OdooError);
      if (!r.ok) NO_SECRET(r.error);
    }), { numRuns: RUNS });
  });

  it('JSON-2 answers: a value or a typed OdooError', HANG_GUARD, async () => {
    const driver = (a: { status: number; type: string; body: string }) => new Json2Driver({ base: '', fetch: serve(a) });
    await fc.assert(fc.asyncProperty(answer, async (a) => {
      const r = await parsesOrRefusesAsync(() => driver(a).executeKw({ database: 'db', login: 'admin', secret: SECRET }, 2, 'res.partner', 'read', [[1]], {}), OdooError);
      if (!r.ok) NO_SECRET(r.error);
    }), { numRuns: RUNS });
  });

  it('XML-RPC answers: a value, a fault, or an XmlRpcFormatError', HANG_GUARD, () => {
    const tag = fc.constantFrom('methodResponse', 'params', 'param', 'value', 'fault', 'struct', 'member', 'name', 'array', 'data', 'int', 'i4', 'double', 'boolean', 'string', 'base64', 'dateTime.iso8601', 'nil');
    type Node = string;
    const { xml } = fc.letrec<{ xml: Node }>((tie) => ({
      xml: fc.oneof({ depthSize: 'small', withCrossShrink: true },
        fc.string({ maxLength: 12 }).map((t) => t.replace(/[<&]/g, '')),
        fc.tuple(tag, fc.array(tie('xml'), { maxLength: 3 })).map(([t, children]) => `<${t}>${children.join('')}</${t}>`),
        fc.tuple(tag, tie('xml')).map(([t, inner]) => `<${t}>${inner}`),
      ),
    }));
    const document = fc.oneof(text, xml.map((x) => `<?xml version="1.0"?><methodResponse>${x}</methodResponse>`), xml);
    fc.assert(fc.property(document, (input) => {
      parsesOrRefuses(() => decodeResponse(input, { maxChars: 64 * 1024, maxDepth: 16 }), XmlRpcFormatError);
    }), { numRuns: RUNS });
  });

  it('IoT route answers (/iot/setup and friends): an answer or an IotHttpError; registration: a channel or a RegistrationError', HANG_GUARD, async () => {
    const body = setupBody({ identifier: '0123456789abcdef', mac: '00:00:00:00:00:00', address: '127.0.0.1', version: 'B0.1.0-19.0', name: 'hub' }, SECRET, {});
    await fc.assert(fc.asyncProperty(answer, async (a) => {
      await parsesOrRefusesAsync(() => postIotJson('/iot/box/send_websocket', {}, { fetch: serve(a) }), IotHttpError);
      const r = await parsesOrRefusesAsync(() => register(body, { fetch: serve(a) }), RegistrationError);
      if (r.ok) assert.match(r.value, /^iot_channel-/);
      else NO_SECRET(r.error);
    }), { numRuns: RUNS });
    const huge = await parsesOrRefusesAsync(() => postIotJson('/iot/setup', {}, { fetch: serve({ status: 200, type: 'application/json', body: `"${'x'.repeat(MAX_ANSWER_BYTES)}"` }) }), IotHttpError);
    assert.equal(huge.ok, false);
  });

  it('login pages: the bus worker version or nothing', HANG_GUARD, async () => {
    const page = fc.oneof(text, fc.string({ maxLength: 80 }).map((v) => `<script>odoo.__session_info__ = {"websocket_worker_version": "${v}"}</script>`));
    await fc.assert(fc.asyncProperty(page, fc.constantFrom(200, 303, 404, 500), async (html, status) => {
      const r = await parsesOrRefusesAsync(() => openLoginPage({ fetch: serve({ status, type: 'text/html', body: html }), dbName: 'shop' }), SessionInfoError);
      if (r.ok && r.value !== null) assert.match(r.value, /^[\w.+-]{1,64}$/);
    }), { numRuns: RUNS });
  });

  it('troubleshooting probes: never throw, always a verdict', HANG_GUARD, async () => {
    await fc.assert(fc.asyncProperty(answer, jsonValue, async (a, value) => {
      const server = await probeServer({ fetch: serve(a) });
      assert.ok(['odoo', 'not-odoo', 'no-answer'].includes(server.kind));
      const body = { result: value };
      assert.ok(['odoo', 'not-odoo'].includes(parseVersionAnswer(200, body).kind));
      const list = parseDatabaseList(body);
      assert.ok(list === null || list === 'refused' || (Array.isArray(list) && list.every((d) => typeof d === 'string')));
      assert.ok([true, false, null].includes(parseBoxSearch(body, 'x')));
    }), { numRuns: RUNS });
  });
});
