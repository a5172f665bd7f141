import type http from 'node:http';
import { readBody, sendJson, type Route } from '../http-app.ts';
import { OdooException } from '../models.ts';
import { traceback } from './json-routes.ts';
import type { RpcState } from './state.ts';

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const PREFIX = '/json/2/';

/** HTTP statuses of the json2 dispatcher (odoo/http.py Json2Dispatcher.handle_error, exceptions' http_status). */
const STATUS: Record<string, number> = {
  'odoo.exceptions.AccessDenied': 401,
  'werkzeug.exceptions.Unauthorized': 401,
  'odoo.exceptions.AccessError': 403,
  'odoo.exceptions.MissingError': 404,
  'werkzeug.exceptions.NotFound': 404,
  'odoo.exceptions.UserError': 422,
  'odoo.exceptions.ValidationError': 422,
  'werkzeug.exceptions.UnprocessableEntity': 422,
  'werkzeug.exceptions.BadRequest': 400,
};

const err = (name: string, message: string) => new OdooException(name, message);

/**
 * `POST /json/2/<model>/<method>` (addons/rpc/controllers/json2.py): bearer API key, optional
 * `X-Odoo-Database`, named arguments with `ids` and `context` apart; the bare result on success,
 * real status codes with `{name, message, arguments, context, debug}` on failure.
 */
export function json2Routes(state: RpcState): Route {
  return async (req, res, url) => {
    if (!url.pathname.startsWith(PREFIX) && url.pathname !== '/json/2') return false;
    try {
      const [model, method, ...extra] = url.pathname.slice(PREFIX.length).split('/').map(decodeURIComponent);
      if (req.method !== 'POST' || !model || !method || extra.length) throw err('werkzeug.exceptions.NotFound', 'Did you mean POST /json/2/<model>/<method>?');
      const uid = authenticate(state, req);
      const body = await readJsonObject(req);
      const { ids = [], context: _context, ...kwargs } = body;
      if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) throw err('werkzeug.exceptions.UnprocessableEntity', 'ids must be a list of integers');
      if (!state.registry.has(model)) throw err('werkzeug.exceptions.NotFound', `the model '${model}' does not exist`);
      let result: unknown;
      try {
        result = state.registry.callNamed(uid, model, method, ids as number[], kwargs);
      } catch (error) {
        // get_public_method's AttributeError is a 404; a signature mismatch is a 422 (json2.py).
        if (error instanceof OdooException && error.odooName === 'builtins.AttributeError') throw err('werkzeug.exceptions.NotFound', error.message);
        if (error instanceof OdooException && error.odooName === 'builtins.TypeError') throw err('werkzeug.exceptions.UnprocessableEntity', error.message);
        throw error;
      }
      sendJson(res, 200, result ?? null);
    } catch (error) {
      if (!(error instanceof OdooException)) throw error;
      sendJson(res, STATUS[error.odooName] ?? 500, { name: error.odooName, message: error.message, arguments: [error.message], context: {}, debug: traceback(error) });
    }
    return true;
  };
}

function authenticate(state: RpcState, req: http.IncomingMessage): number {
  const database = req.headers['x-odoo-database'];
  if (typeof database === 'string' && database !== state.database) throw err('werkzeug.exceptions.NotFound', `database '${database}' not found`);
  const key = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const uid = key ? state.userOfApiKey(key) : null;
  if (uid === null) throw err('werkzeug.exceptions.Unauthorized', key ? 'Invalid apikey' : 'Missing bearer API key');
  return uid;
}

async function readJsonObject(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req, MAX_REQUEST_BYTES)).toString('utf8');
  if (!text) return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw err('werkzeug.exceptions.BadRequest', `could not parse the body as json: ${(error as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw err('werkzeug.exceptions.BadRequest', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}
