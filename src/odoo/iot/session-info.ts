/**
 * The bus worker version the server expects in `/websocket?version=` (odoo-iot.md §4). It is
 * `websocket_worker_version` in the session info: the JSON-RPC route needs a user session, so
 * the session info embedded in `/web/login` is read when it is refused.
 */
import { DATABASE_HEADER } from './http.ts';

export const SESSION_INFO_PATH = '/web/session/get_session_info';
export const LOGIN_PATH = '/web/login';
const VERSION_IN_PAGE = /["']?websocket_worker_version["']?\s*:\s*["']([\w.+-]{1,64})["']/;
const VERSION_SHAPE = /^[\w.+-]{1,64}$/;
/** A login page is a few hundred KiB at most. */
const MAX_PAGE_CHARS = 2 * 1024 * 1024;

export class SessionInfoError extends Error {
  name = 'SessionInfoError';
}

export interface SessionInfoOptions {
  fetch?: typeof fetch;
  dbName?: string;
  timeoutMs?: number;
}

/**
 * `GET /web/login?db=<db>` binds the session cookie to the database on multi-database servers;
 * its page also carries the worker version. Returns the version found there, or null.
 */
export async function openLoginPage(options: SessionInfoOptions): Promise<string | null> {
  const path = options.dbName ? `${LOGIN_PATH}?db=${encodeURIComponent(options.dbName)}` : LOGIN_PATH;
  const response = await call(path, { method: 'GET' }, options);
  const text = (await response.text()).slice(0, MAX_PAGE_CHARS);
  return VERSION_IN_PAGE.exec(text)?.[1] ?? null;
}

export async function fetchWorkerVersion(options: SessionInfoOptions): Promise<string> {
  let reason = '';
  try {
    const response = await call(SESSION_INFO_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(options.dbName ? { [DATABASE_HEADER]: options.dbName } : {}) },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: {} }),
    }, options);
    if (response.ok) {
      const body = (await response.json()) as { result?: { websocket_worker_version?: unknown } };
      const version = body?.result?.websocket_worker_version;
      if (typeof version === 'string' && VERSION_SHAPE.test(version)) return version;
      reason = 'the session info has no websocket_worker_version';
    } else reason = `${SESSION_INFO_PATH} answered HTTP ${response.status}`;
  } catch (error) {
    reason = (error as Error).message;
  }
  const fromPage = await openLoginPage(options).catch(() => null);
  if (fromPage) return fromPage;
  throw new SessionInfoError(`could not learn the bus version of the Odoo server (${reason}; the login page does not say either)`);
}

async function call(path: string, init: RequestInit, options: SessionInfoOptions): Promise<Response> {
  try {
    return await (options.fetch ?? fetch)(path, {
      ...init, credentials: 'same-origin', cache: 'no-store', signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new SessionInfoError(`${path}: the Odoo server is unreachable (${(error as Error).message})`);
  }
}
