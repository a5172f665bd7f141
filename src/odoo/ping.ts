import { OdooClient, type OdooClientOptions, type OdooTarget } from './client.ts';
import { describeOdooError, OdooError, type OdooErrorKind } from './errors.ts';

export interface PingResult {
  ok: boolean;
  /** "Ping OK, took: 0.0123 s" or the error in plain words. */
  text: string;
  seconds: number;
  serverVersion?: string;
  errorKind?: OdooErrorKind;
}

/**
 * Zato's ping, for Odoo (odoo-rpc.md §5): the server version, then log in, then find and read the
 * connection's own user in res.users. Uses a fresh client so it proves the login, not a cached one.
 */
export async function ping(target: OdooTarget, options: OdooClientOptions = {}, now: () => number = () => performance.now()): Promise<PingResult> {
  const client = new OdooClient(target, options);
  const started = now();
  let serverVersion: string | undefined;
  try {
    serverVersion = (await client.version()).serverVersion;
    await client.login();
    const ids = await client.executeKw('res.users', 'search', [[['login', '=', target.user]]]);
    if (!Array.isArray(ids) || ids.length === 0) throw new OdooError('missing-record', `res.users has no user with the login "${target.user}"`);
    const rows = await client.executeKw('res.users', 'read', [ids, ['login']]);
    if (!Array.isArray(rows) || (rows[0] as { login?: unknown } | undefined)?.login !== target.user) {
      throw new OdooError('bad-answer', 'reading the user back did not give its login');
    }
    const seconds = (now() - started) / 1000;
    return { ok: true, text: `Ping OK, took: ${seconds.toFixed(4)} s`, seconds, serverVersion };
  } catch (error) {
    const seconds = (now() - started) / 1000;
    return { ok: false, text: describeOdooError(error), seconds, serverVersion, errorKind: error instanceof OdooError ? error.kind : undefined };
  }
}
