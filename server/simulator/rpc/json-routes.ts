import type http from 'node:http';
import { readBody, sendJson, sendText, type Route } from '../http-app.ts';
import { OdooException, PythonError, SessionExpired, AccessDenied } from '../models.ts';
import { dispatchRpc } from './services.ts';
import type { RpcState } from './state.ts';

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const CALL_KW = '/web/dataset/call_kw';
/** JSON-RPC error codes of odoo/http.py: 200 for server errors, 100 for an expired session. */
const SERVER_ERROR_CODE = 200;
const SESSION_EXPIRED_CODE = 100;

type JsonRpcRequest = { id: unknown; params: Record<string, unknown> };

/**
 * `/jsonrpc`, the web session routes (`/web/session/authenticate`, `/web/session/get_session_info`,
 * `/web/dataset/call_kw`) and `/web/webclient/version_info`, answering as odoo/http.py does:
 * HTTP 200 with `error.data.name`, and no `result` key when the method returned None.
 */
export function jsonRoutes(state: RpcState): Route {
  return async (req, res, url) => {
    const path = url.pathname;
    const handler = path === '/jsonrpc' ? jsonrpc
      : path === '/web/session/authenticate' ? authenticate
      : path === '/web/session/get_session_info' ? sessionInfo
      : path === CALL_KW || path.startsWith(`${CALL_KW}/`) ? callKw
      : path === '/web/webclient/version_info' ? versionInfo
      : null;
    if (!handler) return false;
    if (req.method !== 'POST') {
      // type='jsonrpc' routes only take JSON bodies: a plain GET is refused as 19.0 does.
      sendText(res, req.method === 'GET' ? 415 : 405, `${req.method} is not supported here: POST a JSON-RPC body`);
      return true;
    }
    let request: JsonRpcRequest;
    try {
      request = parse(await readBody(req, MAX_REQUEST_BYTES));
    } catch (error) {
      sendJson(res, 400, { jsonrpc: '2.0', id: null, error: { code: 400, message: (error as Error).message, data: {} } });
      return true;
    }
    try {
      respond(res, request.id, await handler(state, request.params, req, res));
    } catch (error) {
      if (!(error instanceof OdooException)) throw error;
      sendError(res, request.id, error);
    }
    return true;
  };
}

type Handler = (state: RpcState, params: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse) => unknown;

const jsonrpc: Handler = (state, params) => {
  const { service, method, args } = params;
  if (typeof service !== 'string' || typeof method !== 'string') throw PythonError('TypeError', 'jsonrpc() needs service and method');
  return dispatchRpc(state, service, method, Array.isArray(args) ? args : []);
};

/** Passwords only: API keys are refused here (odoo-rpc.md §1). */
const authenticate: Handler = (state, params, _req, res) => {
  state.checkDatabase(params.db);
  const uid = state.authenticate(params.login, params.password, { passwordOnly: true });
  if (uid === null) throw AccessDenied();
  const sid = state.openSession(uid);
  res.setHeader('Set-Cookie', `session_id=${sid}; HttpOnly; Path=/; SameSite=Lax`);
  return info(state, uid);
};

const sessionInfo: Handler = (state, _params, req) => {
  const session = state.session(req);
  if (!session) throw SessionExpired();
  return info(state, session.uid);
};

const callKw: Handler = (state, params, req) => {
  const session = state.session(req);
  if (!session) throw SessionExpired();
  const { model, method, args = [], kwargs = {} } = params;
  if (typeof model !== 'string' || typeof method !== 'string' || !Array.isArray(args) || typeof kwargs !== 'object' || kwargs === null) {
    throw PythonError('TypeError', 'call_kw() needs model, method, args and kwargs');
  }
  return state.registry.executeKw(session.uid, model, method, args, kwargs as Record<string, unknown>);
};

const versionInfo: Handler = (state) => state.version;

function info(state: RpcState, uid: number): Record<string, unknown> {
  const user = state.users.find((u) => u.id === uid)!;
  return { uid, is_admin: uid === 2, is_system: uid === 2, name: user.name, username: user.login, db: state.database, server_version: state.version.server_version, server_version_info: state.version.server_version_info, ...state.sessionInfoExtra() };
}

function parse(body: Buffer): JsonRpcRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error('Invalid JSON data');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('Invalid JSON-RPC data');
  const { id = null, params = {} } = parsed as { id?: unknown; params?: unknown };
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new Error('Invalid JSON-RPC params');
  return { id, params: params as Record<string, unknown> };
}

/** odoo/http.py `_response`: the `result` key is left out when the method returned None. */
function respond(res: http.ServerResponse, id: unknown, result: unknown): void {
  sendJson(res, 200, result === null || result === undefined ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result });
}

export function sendError(res: http.ServerResponse, id: unknown, error: OdooException): void {
  const expired = error.odooName === 'odoo.http.SessionExpiredException';
  sendJson(res, 200, {
    jsonrpc: '2.0',
    id,
    error: {
      code: expired ? SESSION_EXPIRED_CODE : SERVER_ERROR_CODE,
      message: expired ? 'Odoo Session Expired' : 'Odoo Server Error',
      data: { name: error.odooName, message: error.message, arguments: [error.message], context: {}, debug: traceback(error) },
    },
  });
}

export function traceback(error: OdooException): string {
  return `Traceback (most recent call last):\n  File "odoo/http.py", line 2150, in _serve_db\n${error.odooName.replace(/^builtins\./, '')}: ${error.message}\n`;
}
