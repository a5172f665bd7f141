import { OdooError, kindOfServerName } from './errors.ts';
import { post, describeUnexpected, type HttpOptions } from './http-transport.ts';
import { ServiceCallDriver, toServerVersion, toUid, type Credentials, type DriverOptions, type ProtocolDriver, type ServerVersion } from './protocol.ts';
import { redact } from '../hub/redact.ts';

/** Odoo's JSON-RPC error code for an expired session (odoo/http.py JsonRPCDispatcher.handle_error). */
export const SESSION_EXPIRED_CODE = 100;
export const JSONRPC_PATH = '/jsonrpc';
export const VERSION_INFO_PATH = '/web/webclient/version_info';

let nextId = 1;

/**
 * One JSON-RPC 2.0 call to Odoo. A missing `result` is a success with null (Odoo leaves the key
 * out when the method returned None); errors come back with HTTP 200 and are typed by `data.name`.
 */
export async function jsonRpcCall(url: string, params: unknown, options: HttpOptions, headers: Record<string, string> = {}): Promise<{ result: unknown; answerHeaders: Headers }> {
  const id = nextId++;
  const answer = await post(url, JSON.stringify({ jsonrpc: '2.0', method: 'call', params, id }), { 'Content-Type': 'application/json', Accept: 'application/json', ...headers }, options);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw statusError(answer.status, describeUnexpected(answer, 'a JSON-RPC answer'));
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw statusError(answer.status, describeUnexpected(answer, 'a JSON-RPC object'));
  const envelope = body as { error?: unknown; result?: unknown };
  if (envelope.error !== undefined) throw jsonRpcError(envelope.error);
  if (answer.status !== 200) throw statusError(answer.status, describeUnexpected(answer, 'HTTP 200'));
  return { result: envelope.result ?? null, answerHeaders: answer.headers };
}

function statusError(status: number, message: string): OdooError {
  if (status === 404) return new OdooError('not-found', message, { status });
  return new OdooError(status >= 500 || status === 0 ? 'server-error' : 'bad-answer', message, { status });
}

/** `{code, message, data: {name, message, arguments, debug}}` → a typed error. */
export function jsonRpcError(error: unknown): OdooError {
  if (error === null || typeof error !== 'object') return new OdooError('bad-answer', `malformed JSON-RPC error: ${JSON.stringify(error)?.slice(0, 80)}`);
  const { code, message, data } = error as { code?: unknown; message?: unknown; data?: { name?: unknown; message?: unknown; debug?: unknown } };
  const serverName = typeof data?.name === 'string' ? data.name : undefined;
  const kind = code === SESSION_EXPIRED_CODE ? 'session-expired' : code === 404 && !serverName ? 'not-found' : kindOfServerName(serverName);
  const text = typeof data?.message === 'string' && data.message ? data.message : typeof message === 'string' && message ? message : 'unknown error';
  return new OdooError(kind, redact(text), { serverName, debug: typeof data?.debug === 'string' ? redact(data.debug) : undefined });
}

export async function fetchVersionInfo(options: DriverOptions): Promise<ServerVersion> {
  const { result } = await jsonRpcCall(`${options.base}${VERSION_INFO_PATH}`, {}, options);
  return toServerVersion(result);
}

/** `/jsonrpc`: services common, object and db, with the password or API key in every call. */
export class JsonRpcDriver extends ServiceCallDriver {
  constructor(private readonly options: DriverOptions) {
    super();
  }

  protected async call(service: 'common' | 'object' | 'db', method: string, args: unknown[]): Promise<unknown> {
    return (await jsonRpcCall(`${this.options.base}${JSONRPC_PATH}`, { service, method, args }, this.options)).result;
  }

  async listDatabases(): Promise<string[]> {
    const list = await this.call('db', 'list', []);
    if (!Array.isArray(list) || !list.every((d) => typeof d === 'string')) throw new OdooError('bad-answer', 'db.list did not answer a list of names');
    return list;
  }
}

/**
 * The web client's way: `/web/session/authenticate` sets a `session_id` cookie, then
 * `/web/dataset/call_kw`. Passwords only (Odoo refuses API keys here). Sessions expire on the
 * server; the common client then logs in again once. In a browser the cookie jar holds the
 * cookie (same-origin only); elsewhere the driver keeps it itself.
 */
export class WebSessionDriver implements ProtocolDriver {
  private cookie: string | null = null;

  constructor(private readonly options: DriverOptions) {}

  version(): Promise<ServerVersion> {
    return fetchVersionInfo(this.options);
  }

  async login({ database, login, secret }: Credentials): Promise<number | null> {
    this.cookie = null;
    let answer: Awaited<ReturnType<typeof jsonRpcCall>>;
    try {
      answer = await jsonRpcCall(`${this.options.base}/web/session/authenticate`, { db: database, login, password: secret }, this.options);
    } catch (error) {
      if (error instanceof OdooError && error.kind === 'access-denied') return null;
      throw error;
    }
    const setCookie = answer.answerHeaders.get('set-cookie');
    const session = setCookie && /(?:^|[,;]\s*)session_id=([^;,\s]+)/.exec(setCookie);
    if (session) this.cookie = `session_id=${session[1]}`;
    return toUid((answer.result as { uid?: unknown } | null)?.uid ?? null, '/web/session/authenticate');
  }

  async executeKw(_credentials: Credentials, _uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown> {
    const headers: Record<string, string> = this.cookie ? { Cookie: this.cookie } : {};
    const url = `${this.options.base}/web/dataset/call_kw/${encodeURIComponent(model)}/${encodeURIComponent(method)}`;
    return (await jsonRpcCall(url, { model, method, args, kwargs }, this.options, headers)).result;
  }
}
