import { type Route } from '../http-app.ts';
import { isRecord, readJsonRequest, sendJsonError, sendJsonResult } from './json-rpc.ts';
import { callIotModel, IOT_MODELS, ModelError } from './iot-models.ts';
import type { IotSimulator } from './simulator.ts';

const CALL_KW_PREFIX = '/web/dataset/call_kw/';

/**
 * `/web/dataset/call_kw/<iot model>/<method>`, the path the POS's `orm.call` uses for
 * `iot.channel.send_message` / `get_iot_channel` and `iot.box` reads. Other models are left to the
 * RPC part. The simulator does not ask for a logged-in user here (its POS page has none).
 */
export function ormRoutes(sim: IotSimulator): Route {
  return async (req, res, url) => {
    if (req.method !== 'POST' || !url.pathname.startsWith(CALL_KW_PREFIX)) return false;
    const model = url.pathname.slice(CALL_KW_PREFIX.length).split('/')[0];
    if (!(IOT_MODELS as readonly string[]).includes(model)) return false;
    const { id, params } = await readJsonRequest(req);
    const method = typeof params.method === 'string' ? params.method : url.pathname.split('/')[5] ?? '';
    try {
      const result = callIotModel(sim, model, method, Array.isArray(params.args) ? params.args : [], isRecord(params.kwargs) ? params.kwargs : {});
      sendJsonResult(res, id, result);
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      sendJsonError(res, id, error.odooName, error.message);
    }
    return true;
  };
}
