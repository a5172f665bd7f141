import { PythonError, AccessDenied } from '../models.ts';
import type { RpcState } from './state.ts';

/**
 * `dispatch_rpc(service, method, params)` (odoo/http.py, odoo/service/*), shared by /jsonrpc and
 * /xmlrpc/2: services common, object and db.
 */
export function dispatchRpc(state: RpcState, service: string, method: string, params: unknown[]): unknown {
  switch (`${service}.${method}`) {
    case 'common.version':
      return state.version;
    case 'common.login': {
      const [db, login, password] = params;
      state.checkDatabase(db);
      return state.authenticate(login, password) ?? false;
    }
    case 'common.authenticate': {
      const [db, login, password] = params;
      state.checkDatabase(db);
      return state.authenticate(login, password) ?? false;
    }
    case 'object.execute_kw': {
      const [db, uid, password, model, method, args = [], kwargs = {}] = params;
      state.checkDatabase(db);
      state.check(uid, password);
      if (typeof model !== 'string' || typeof method !== 'string') throw PythonError('TypeError', 'execute_kw() needs a model and a method name');
      if (!Array.isArray(args)) throw PythonError('TypeError', 'execute_kw() args must be a list');
      if (kwargs === null || typeof kwargs !== 'object' || Array.isArray(kwargs)) throw PythonError('TypeError', 'execute_kw() kwargs must be a dict');
      return state.registry.executeKw(uid as number, model, method, args, kwargs as Record<string, unknown>);
    }
    case 'db.list':
      return [state.database];
    case 'db.server_version':
      return state.version.server_version;
    default:
      if (service === 'object' && method === 'execute') throw AccessDenied();
      throw PythonError('KeyError', `'${service}.${method}' is not an RPC method`);
  }
}
