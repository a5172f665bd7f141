import { SimulatorHttp } from './http-app.ts';
import { installIotSimulator, IotSimulator, type IotSimulatorOptions } from './iot/index.ts';
import { bindIotModels } from './iot/registry-binding.ts';
import { pageRoutes, POS_PAGE_PATH, IOT_APP_PATH } from './pages/routes.ts';
import { createRpcState, installRpc, type RpcState, type SimulatorUser } from './rpc/index.ts';

export interface SimulatorOptions extends IotSimulatorOptions {
  port?: number;
  host?: string;
  /** The URL boxes are told to reach the database at (tokens, pairing); defaults to the simulator's own. */
  publicUrl?: string;
  /** Users of the RPC part (default admin/admin). */
  users?: SimulatorUser[];
}

export interface RunningSimulator {
  /** The simulator's own origin, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** POS page and IoT app page URLs. */
  posUrl: string;
  iotAppUrl: string;
  iot: IotSimulator;
  rpc: RpcState;
  http: SimulatorHttp;
  /**
   * Fault: the whole server is unreachable for `downMs` (it stops listening, so connections are
   * refused, and every bus socket drops), then it listens again on the same port with its state.
   */
  outage(options: { downMs: number }): Promise<void>;
  close(): Promise<void>;
}

/** Starts the Odoo simulator (RPC part, IoT part, pairing proxy, POS and IoT app pages) on one loopback port. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const http = new SimulatorHttp();
  let rpc: RpcState | undefined;
  const iot = new IotSimulator({ ...options, externalSessionDb: (req) => rpc?.session(req)?.db ?? null });
  const serie = iot.identity.serverSerie;
  const [major, minor] = serie.split('.').map(Number);
  rpc = createRpcState({
    database: iot.identity.dbName,
    users: options.users,
    version: { server_version: serie, server_version_info: [major, minor, 0, 'final', 0, ''], server_serie: serie, protocol_version: 1 },
  });
  rpc.sessionInfoExtra = () => ({ websocket_worker_version: iot.identity.workerVersion });
  bindIotModels(iot, rpc.registry);
  installIotSimulator(iot, http, () => installRpc(http, rpc));
  http.route(pageRoutes(iot));
  const url = await http.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  iot.publicUrl = options.publicUrl ?? url;
  return {
    url,
    posUrl: `${url}${POS_PAGE_PATH}`,
    iotAppUrl: `${url}${IOT_APP_PATH}`,
    iot,
    rpc,
    http,
    outage: async ({ downMs }) => {
      iot.faults.killSockets();
      await http.close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await http.listen(Number(new URL(url).port), options.host ?? '127.0.0.1');
    },
    close: async () => {
      iot.close();
      await http.close();
    },
  };
}
