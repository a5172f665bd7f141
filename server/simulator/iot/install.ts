import type { SimulatorHttp } from '../http-app.ts';
import type { IotSimulator } from './simulator.ts';
import { boxRoutes } from './box-routes.ts';
import { webRoutes } from './web-routes.ts';
import { ormRoutes } from './orm-routes.ts';

/**
 * Serves the IoT simulator: its routes (box routes, iot.* ORM calls, /web/login, pairing proxy)
 * and the bus upgrade. `between` installs another part's routes after the iot.* ORM calls (which
 * must win over a generic call_kw) and before the rest. Kept out of simulator.ts so the routes,
 * which read the simulator, are not imported by it.
 */
export function installIotSimulator(sim: IotSimulator, http: SimulatorHttp, between?: () => void): void {
  http.route(ormRoutes(sim));
  between?.();
  http.route(boxRoutes(sim));
  http.route(webRoutes(sim));
  http.route(sim.pairingProxy.route());
  http.upgrade(sim.bus.upgrade);
}
