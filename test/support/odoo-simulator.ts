import { SimulatorHttp } from '../../server/simulator/http-app.ts';
import { installRpc, createRpcState, type RpcState, type SimulatorUser } from '../../server/simulator/rpc/index.ts';

export interface RpcSimulator {
  url: string;
  host: string;
  port: number;
  state: RpcState;
  close(): Promise<void>;
}

/** The simulator's RPC part alone on a loopback port, for the Odoo client's tests and benchmark. */
export async function startRpcSimulator(users: SimulatorUser[] = [{ login: 'admin', password: 'admin', apiKeys: ['0123456789abcdef0123456789abcdef01234567'] }], database = 'shop'): Promise<RpcSimulator> {
  const http = new SimulatorHttp();
  const state = createRpcState({ database, users });
  installRpc(http, state);
  const url = await http.listen(0, '127.0.0.1');
  const { hostname, port } = new URL(url);
  return { url, host: hostname, port: Number(port), state, close: () => http.close() };
}
