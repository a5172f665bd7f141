/**
 * The hub's three RPC clients (and the web client's session way) against the real Odoo: login,
 * a read, and the typed errors of a wrong secret, an unknown model and a missing access right.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OdooClient, type OdooTarget } from '../../../src/odoo/client.ts';
import { OdooError, type OdooErrorKind } from '../../../src/odoo/errors.ts';
import type { OdooProtocol } from '../../../src/odoo/target.ts';
import { ODOO_ADMIN, type RealOdoo } from '../../support/real-odoo.ts';

const NODE = { page: { origin: null, forwardedOdoo: null } };

interface Variant {
  name: string;
  protocol: OdooProtocol;
  webSession?: boolean;
  /** The admin's secret and the limited user's, as this protocol takes them. */
  secrets(odoo: RealOdoo): { admin: string; limited: string };
  /** How this protocol's server says "no such model" (each maps it its own way). */
  unknownModel: OdooErrorKind;
}

const VARIANTS: Variant[] = [
  { name: 'JSON-RPC', protocol: 'JSON-RPC', secrets: (o) => ({ admin: ODOO_ADMIN.password, limited: o.limitedUser.password }), unknownModel: 'user-error' },
  // /web/dataset/call_kw/<model>/<method> answers an unknown model with a plain 404.
  { name: 'JSON-RPC (web session)', protocol: 'JSON-RPC', webSession: true, secrets: (o) => ({ admin: ODOO_ADMIN.password, limited: o.limitedUser.password }), unknownModel: 'not-found' },
  { name: 'XML-RPC', protocol: 'XML-RPC', secrets: (o) => ({ admin: ODOO_ADMIN.password, limited: o.limitedUser.password }), unknownModel: 'user-error' },
  { name: 'JSON-2', protocol: 'JSON-2', secrets: (o) => ({ admin: o.apiKey, limited: o.limitedUser.apiKey }), unknownModel: 'not-found' },
];

export function describeRpcClients(odoo: () => RealOdoo): void {
  for (const variant of VARIANTS) {
    describe(`${variant.name} client against the real Odoo 19`, () => {
      const client = (user: string, secret: string, at: { host: string; port: number } = odoo()) => {
        const target: OdooTarget = { protocol: variant.protocol, host: at.host, port: at.port, database: odoo().database, user, secret };
        return new OdooClient(target, { ...NODE, webSession: variant.webSession });
      };

      it('logs in as the admin and reads its own user', async () => {
        const admin = client(ODOO_ADMIN.login, variant.secrets(odoo()).admin);
        assert.equal(await admin.login(), ODOO_ADMIN.uid);
        const rows = (await admin.executeKw('res.users', 'read', [[ODOO_ADMIN.uid], ['login', 'name']])) as Array<{ id: number; login: string }>;
        assert.deepEqual(rows.map((r) => [r.id, r.login]), [[ODOO_ADMIN.uid, ODOO_ADMIN.login]]);
        const version = await admin.version();
        assert.equal(version.serverSerie, '19.0');
      });

      it('refuses a wrong password or key as access-denied, without echoing it', async () => {
        const wrong = `wrong-${variant.secrets(odoo()).admin.slice(0, 3)}-secret-7f3a`;
        const error = await client(ODOO_ADMIN.login, wrong).login().then(() => null, (e: unknown) => e);
        assert.ok(error instanceof OdooError, `an OdooError, not ${error}`);
        assert.equal(error.kind, 'access-denied');
        assert.ok(!error.message.includes(wrong) && !JSON.stringify(error.details).includes(wrong), 'the secret is not in the error');
      });

      it(`types an unknown model as ${variant.unknownModel}`, async () => {
        const admin = client(ODOO_ADMIN.login, variant.secrets(odoo()).admin);
        const error = await admin.executeKw('hub.no_such_model', 'search_read', [[]]).then(() => null, (e: unknown) => e);
        assert.ok(error instanceof OdooError, `an OdooError, not ${error}`);
        assert.equal(error.kind, variant.unknownModel, error.message);
      });

      it('types a read the user has no right to as access-rights', async () => {
        const { login } = odoo().limitedUser;
        const clerk = client(login, variant.secrets(odoo()).limited);
        assert.equal(await clerk.login(), odoo().limitedUser.uid);
        const error = await clerk.executeKw('ir.config_parameter', 'search_read', [[]], { fields: ['key'] }).then(() => null, (e: unknown) => e);
        assert.ok(error instanceof OdooError, `an OdooError, not ${error}`);
        assert.equal(error.kind, 'access-rights', error.message);
        assert.match(error.message, /not allowed|access/i);
      });
    });
  }
}
