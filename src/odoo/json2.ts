import { OdooError, kindOfServerName } from './errors.ts';
import { post, describeUnexpected } from './http-transport.ts';
import { fetchVersionInfo } from './json-rpc.ts';
import { type Credentials, type DriverOptions, type ProtocolDriver, type ServerVersion } from './protocol.ts';
import { redact } from '../hub/redact.ts';

export const JSON2_PATH = '/json/2/';

/**
 * JSON-2 takes named arguments only (addons/rpc/controllers/json2.py binds the body to the
 * method's signature, `ids` apart). Positional execute_kw arguments of the ORM methods map onto
 * these names; for record methods the first positional argument is the ids.
 */
const POSITIONAL_NAMES: Record<string, { ids: boolean; names: string[] }> = {
  search: { ids: false, names: ['domain', 'offset', 'limit', 'order'] },
  search_count: { ids: false, names: ['domain', 'limit'] },
  search_read: { ids: false, names: ['domain', 'fields', 'offset', 'limit', 'order'] },
  read: { ids: true, names: ['fields'] },
  write: { ids: true, names: ['vals'] },
  unlink: { ids: true, names: [] },
  create: { ids: false, names: ['vals_list'] },
  fields_get: { ids: false, names: ['allfields', 'attributes'] },
  name_search: { ids: false, names: ['name', 'domain', 'operator', 'limit'] },
  read_group: { ids: false, names: ['domain', 'fields', 'groupby', 'offset', 'limit', 'orderby', 'lazy'] },
  default_get: { ids: false, names: ['fields_list'] },
};

export function json2Body(method: string, args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  const known = POSITIONAL_NAMES[method];
  const body: Record<string, unknown> = {};
  let rest = args;
  if ((known?.ids ?? true) && rest.length > 0 && isIds(rest[0])) {
    body.ids = rest[0];
    rest = rest.slice(1);
  }
  const names = known?.names ?? [];
  if (rest.length > names.length) {
    throw new OdooError('user-error', `JSON-2 takes named arguments: pass the arguments of ${method} as keyword arguments`);
  }
  rest.forEach((value, i) => (body[names[i]] = value));
  // create() over execute_kw accepts one dict; JSON-2 binds to vals_list.
  if (method === 'create' && body.vals_list !== undefined && !Array.isArray(body.vals_list)) body.vals_list = [body.vals_list];
  return { ...body, ...kwargs };
}

function isIds(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isInteger(v));
}

/** `/json/2/<model>/<method>`, `Authorization: bearer <api key>`, `X-Odoo-Database` (Odoo 19+). */
export class Json2Driver implements ProtocolDriver {
  constructor(private readonly options: DriverOptions) {}

  version(): Promise<ServerVersion> {
    return fetchVersionInfo(this.options);
  }

  /** JSON-2 has no login: the key is the user. Finding one's own user checks the key and gives the id. */
  async login(credentials: Credentials): Promise<number | null> {
    let ids: unknown;
    try {
      ids = await this.call(credentials, 'res.users', 'search', { domain: [['login', '=', credentials.login]], limit: 1 });
    } catch (error) {
      if (error instanceof OdooError && error.kind === 'access-denied') return null;
      throw error;
    }
    if (!Array.isArray(ids)) throw new OdooError('bad-answer', 'res.users search did not answer a list of ids');
    if (ids.length === 0) throw new OdooError('access-denied', `the API key works but no user has the login "${credentials.login}"`);
    return ids[0] as number;
  }

  executeKw(credentials: Credentials, _uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown> {
    return this.call(credentials, model, method, json2Body(method, args, kwargs));
  }

  private async call(credentials: Credentials, model: string, method: string, body: Record<string, unknown>): Promise<unknown> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `bearer ${credentials.secret}` };
    if (credentials.database) headers['X-Odoo-Database'] = credentials.database;
    const url = `${this.options.base}${JSON2_PATH}${encodeURIComponent(model)}/${encodeURIComponent(method)}`;
    const answer = await post(url, JSON.stringify(body), headers, this.options);
    let parsed: unknown;
    try {
      parsed = answer.text === '' ? null : JSON.parse(answer.text);
    } catch {
      const kind = answer.status === 404 ? 'not-found' : answer.status >= 500 ? 'server-error' : 'bad-answer';
      throw new OdooError(kind, describeUnexpected(answer, 'a JSON-2 answer'), { status: answer.status });
    }
    if (answer.status >= 200 && answer.status < 300) return parsed;
    throw json2Error(answer.status, parsed);
  }
}

/** Real status codes with `{name, message, arguments, context, debug}`. */
export function json2Error(status: number, body: unknown): OdooError {
  const { name, message, debug } = (body ?? {}) as { name?: unknown; message?: unknown; debug?: unknown };
  const serverName = typeof name === 'string' ? name : undefined;
  let kind = kindOfServerName(serverName);
  if (kind === 'server-error' && status === 401) kind = 'access-denied';
  if (kind === 'server-error' && status === 403) kind = 'access-rights';
  if (kind === 'server-error' && status === 404) kind = 'not-found';
  const text = typeof message === 'string' ? message : `HTTP ${status}`;
  return new OdooError(kind, redact(text), { serverName, status, debug: typeof debug === 'string' ? redact(debug) : undefined });
}
