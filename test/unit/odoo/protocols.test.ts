import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OdooClient, type OdooTarget } from '../../../src/odoo/client.ts';
import { OdooError } from '../../../src/odoo/errors.ts';
import { startRpcSimulator, type RpcSimulator } from '../../support/odoo-simulator.ts';
import type { OdooProtocol } from '../../../src/odoo/target.ts';

const API_KEY = '0123456789abcdef0123456789abcdef01234567';
const NODE = { origin: null, forwardedOdoo: null };
const NO_RETRY = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };

let sim: RpcSimulator;

before(async () => {
  sim = await startRpcSimulator();
  sim.state.registry.register('shop.item', {
    fields: { name: '', qty: 0, category: '' },
    records: [
      { name: 'Apple', qty: 5, category: 'fruit' },
      { name: 'Banana', qty: 0, category: 'fruit' },
      { name: 'Carrot', qty: 12, category: 'vegetable' },
      { name: 'Apricot', qty: 7, category: 'fruit' },
    ],
    methods: {
      // A method returning None, like most button actions.
      action_touch: { run: () => null },
      echo: { model: true, run: ({ args, kwargs }) => ({ args, kwargs }) },
    },
  });
});
after(() => sim.close());

function client(protocol: OdooProtocol, secret = 'admin', overrides: Partial<OdooTarget> = {}, webSession = false): OdooClient {
  return new OdooClient({ protocol, host: sim.host, port: sim.port, database: 'shop', user: 'admin', secret, ...overrides }, { page: NODE, retry: NO_RETRY, webSession });
}

async function rejects(promise: Promise<unknown>, kind: OdooError['kind'], pattern?: RegExp): Promise<OdooError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OdooError, `expected an OdooError, got ${error}`);
    assert.equal(error.kind, kind, error.message);
    if (pattern) assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`expected a ${kind} error`);
}

for (const protocol of ['JSON-RPC', 'XML-RPC'] as const) {
  describe(`${protocol} against the simulator`, () => {
    it('reads the server version', async () => {
      const version = await client(protocol).version();
      assert.equal(version.serverVersion, '19.0');
      assert.deepEqual(version.versionInfo, [19, 0, 0, 'final', 0, '']);
    });

    it('logs in with the password and with an API key', async () => {
      assert.equal(await client(protocol).login(), 2);
      assert.equal(await client(protocol, API_KEY).login(), 2);
    });

    it('a wrong password is access denied (login answers false)', async () => {
      await rejects(client(protocol, 'wrong').login(), 'access-denied', /refused/);
    });

    it('a wrong password on execute_kw with a known uid is access denied', async () => {
      const c = client(protocol, 'wrong');
      (c as unknown as { uid: Promise<number> }).uid = Promise.resolve(2);
      await rejects(c.executeKw('res.users', 'search', [[]]), 'access-denied');
    });

    it('an unknown model is a user error naming it', async () => {
      await rejects(client(protocol).executeKw('no.such.model', 'search', [[]]), 'user-error', /Object no\.such\.model doesn't exist/);
    });

    it('search_read with a domain and kwargs', async () => {
      const rows = await client(protocol).searchRead('shop.item', ['&', ['category', '=', 'fruit'], ['qty', '>', 0]], { fields: ['name', 'qty'], order: 'name desc', limit: 5 });
      assert.deepEqual(rows, [
        { id: 4, name: 'Apricot', qty: 7 },
        { id: 1, name: 'Apple', qty: 5 },
      ]);
      assert.equal(await client(protocol).executeKw('shop.item', 'search_count', [['|', ['name', '=like', 'A%'], ['qty', '>=', 12]]]), 3);
    });

    it('create, write, read, unlink', async () => {
      const c = client(protocol);
      const id = (await c.executeKw('shop.item', 'create', [{ name: `Date ${protocol}`, qty: 1 }])) as number;
      assert.equal(await c.executeKw('shop.item', 'write', [[id], { qty: 3 }]), true);
      assert.deepEqual(await c.executeKw('shop.item', 'read', [[id], ['qty']]), [{ id, qty: 3 }]);
      assert.equal(await c.executeKw('shop.item', 'unlink', [[id]]), true);
      // XML-RPC's fault code 2 covers every UserError subclass; JSON-RPC names MissingError.
      await rejects(c.executeKw('shop.item', 'read', [[id], ['qty']]), protocol === 'XML-RPC' ? 'user-error' : 'missing-record', /does not exist/);
    });

    it('a private method is an access-rights error', async () => {
      await rejects(client(protocol).executeKw('shop.item', '_secret', [[1]]), 'access-rights', /Private methods/);
    });
  });
}

describe('a method returning None', () => {
  it('JSON-RPC: no result key is a success with null', async () => {
    assert.equal(await client('JSON-RPC').executeKw('shop.item', 'action_touch', [[1]]), null);
  });

  it('JSON-2: a null body is a success with null', async () => {
    assert.equal(await client('JSON-2', API_KEY).executeKw('shop.item', 'action_touch', [[1]]), null);
  });

  it('XML-RPC: Odoo cannot marshal None (allow_none=False), a server error saying so', async () => {
    const error = await rejects(client('XML-RPC').executeKw('shop.item', 'action_touch', [[1]]), 'server-error', /cannot marshal None/);
    assert.equal(error.details.faultCode, 1);
  });
});

describe('JSON-2 against the simulator', () => {
  it('finds its user with the API key and reads the version', async () => {
    const c = client('JSON-2', API_KEY);
    assert.equal(await c.login(), 2);
    assert.equal((await c.version()).serverVersion, '19.0');
  });

  it('a password is not a bearer key: access denied with HTTP 401', async () => {
    const error = await rejects(client('JSON-2', 'admin').executeKw('res.users', 'search', [[]]), 'access-denied');
    assert.equal(error.details.status, undefined); // refused at login, before any call
    const direct = await rejects(client('JSON-2', 'not-the-api-key').login(), 'access-denied');
    assert.match(direct.message, /refused/);
  });

  it('an unknown model is a 404', async () => {
    const error = await rejects(client('JSON-2', API_KEY).executeKw('no.such.model', 'search', [[]]), 'not-found', /no\.such\.model/);
    assert.equal(error.details.status, 404);
  });

  it('search_read with a domain and kwargs (positional arguments mapped to names)', async () => {
    const rows = await client('JSON-2', API_KEY).searchRead('shop.item', [['category', 'in', ['vegetable']]], { fields: ['name'] });
    assert.deepEqual(rows, [{ id: 3, name: 'Carrot' }]);
  });

  it('read takes the ids apart; a missing record is a 404 missing-record', async () => {
    const c = client('JSON-2', API_KEY);
    assert.deepEqual(await c.executeKw('shop.item', 'read', [[2], ['name']]), [{ id: 2, name: 'Banana' }]);
    const error = await rejects(c.executeKw('shop.item', 'read', [[999], ['name']]), 'missing-record');
    assert.equal(error.details.status, 404);
  });

  it('a wrong argument name is a 422', async () => {
    const error = await rejects(client('JSON-2', API_KEY).executeKw('shop.item', 'search', [], { domian: [] }), 'user-error', /domian/);
    assert.equal(error.details.status, 422);
  });

  it('a database the server does not have is named', async () => {
    await rejects(client('JSON-2', API_KEY, { database: 'other' }).login(), 'not-found', /database 'other'/);
  });
});

describe('web session (JSON-RPC through /web/session/authenticate)', () => {
  it('an expired session is handled by one re-login', async () => {
    const c = client('JSON-RPC', 'admin', {}, true);
    assert.deepEqual(await c.executeKw('shop.item', 'search', [[['name', '=', 'Carrot']]]), [3]);
    sim.state.expireSessions();
    assert.deepEqual(await c.executeKw('shop.item', 'search', [[['name', '=', 'Carrot']]]), [3]);
  });

  it('a session that expires again right after the re-login is reported, not retried forever', async () => {
    const c = client('JSON-RPC', 'admin', {}, true);
    await c.login();
    sim.state.expireSessions();
    const original = sim.state.openSession.bind(sim.state);
    let logins = 0;
    sim.state.openSession = (uid) => {
      logins++;
      const sid = original(uid);
      queueMicrotask(() => sim.state.expireSessions());
      return sid;
    };
    try {
      await rejects(c.executeKw('shop.item', 'search', [[]]), 'session-expired');
      assert.equal(logins, 1);
    } finally {
      sim.state.openSession = original;
    }
  });

  it('API keys are refused on /web/session/authenticate', async () => {
    await rejects(client('JSON-RPC', API_KEY, {}, true).login(), 'access-denied');
  });
});

describe('databases and values', () => {
  it('a database the server does not have is a server error, not a silent false', async () => {
    await rejects(client('XML-RPC', 'admin', { database: 'nope' }).login(), 'server-error', /database "nope" does not exist/);
    await rejects(client('JSON-RPC', 'admin', { database: 'nope' }).login(), 'server-error', /database "nope" does not exist/);
  });

  it('XML-RPC values of every type go to Odoo and back as Odoo marshals them', async () => {
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    const date = new Date(Date.UTC(2026, 0, 31, 23, 59, 58));
    const sent = { int: 42, negative: -7, double: 2.5, yes: true, no: false, text: 'a < b & "c"\r\n\tü€😀', empty: '', list: [1, 'two', [3]], nested: { deep: { er: 1 } }, bytes, date };
    const back = (await client('XML-RPC').executeKw('shop.item', 'echo', [sent])) as { args: unknown[]; kwargs: unknown };
    // Odoo sends datetimes back as "YYYY-MM-DD HH:MM:SS" strings (OdooMarshaller.dump_datetime).
    assert.deepEqual(back.args, [{ ...sent, date: '2026-01-31 23:59:58' }]);
  });

  it('XML-RPC: None inside an answer is also refused by the server', async () => {
    await rejects(client('XML-RPC').executeKw('shop.item', 'echo', [], { none: null }), 'server-error', /cannot marshal None/);
  });

  it('JSON-RPC: db.list style answers and unicode survive', async () => {
    const back = (await client('JSON-RPC').executeKw('shop.item', 'echo', ['ü€😀', { n: null }])) as { args: unknown[] };
    assert.deepEqual(back.args, ['ü€😀', { n: null }]);
  });
});
