import type { SimulatorHttp } from '../http-app.ts';
import { jsonRoutes } from './json-routes.ts';
import { xmlRoutes } from './xml-routes.ts';
import { json2Routes } from './json2-routes.ts';
import type { RpcState } from './state.ts';

export { createRpcState, RpcState, ODOO_19_VERSION, type SimulatorUser, type RpcStateOptions } from './state.ts';

/**
 * Installs Odoo's external API on the simulator: `/jsonrpc`, `/xmlrpc/2/*`, `/json/2/*`,
 * `/web/session/authenticate`, `/web/session/get_session_info`, `/web/dataset/call_kw`,
 * `/web/webclient/version_info`, all backed by `state` (users, models, sessions).
 */
export function installRpc(http: SimulatorHttp, state: RpcState): void {
  http.route(jsonRoutes(state));
  http.route(xmlRoutes(state));
  http.route(json2Routes(state));
}
