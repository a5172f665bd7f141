import { SimulatorHttp } from './http-app.ts';
import { IotSimulator, type IotSimulatorOptions } from './iot/index.ts';

export interface SimulatorOptions extends IotSimulatorOptions {
  port?: number;
  host?: string;
  /** The URL boxes are told to reach the database at (tokens, pairing); defaults to the simulator's own. */
  publicUrl?: string;
}

export interface RunningSimulator {
  /** The simulator's own origin, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  iot: IotSimulator;
  http: SimulatorHttp;
  close(): Promise<void>;
}

/** Starts the Odoo simulator: IoT server side, pairing proxy and pages, on one loopback port. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const http = new SimulatorHttp();
  const iot = new IotSimulator(options);
  iot.install(http);
  const url = await http.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  iot.publicUrl = options.publicUrl ?? url;
  return {
    url,
    iot,
    http,
    close: async () => {
      iot.close();
      await http.close();
    },
  };
}
