import type http from 'node:http';
import { readBody, sendJson, sendText, type Route } from '../http-app.ts';
import { BadRequestError, isRecord, readJsonRequest, sendJsonError, sendJsonResult } from './json-rpc.ts';
import { defaultBoxName, type Registration } from './records.ts';
import type { IotSimulator } from './simulator.ts';

/** An empty zip archive: what /iot/get_handlers returns when the database has no extra drivers. */
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);

/** The routes an IoT box calls on the database (odoo-iot.md §3, §5, §6). */
export function boxRoutes(sim: IotSimulator): Route {
  return async (req, res, url) => {
    if (req.method !== 'POST') return false;
    const handler = HANDLERS[url.pathname];
    if (!handler) return false;
    if (!sim.databaseOf(req)) {
      // Without a database, Odoo has no IoT routes to match: a plain 404.
      sendText(res, 404, 'Not Found: no database selected (GET /web/login?db=<name> first or send X-Odoo-Database)');
      return true;
    }
    try {
      await handler(sim, req, res);
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error;
      sendText(res, 400, `Bad Request: ${error.message}`);
    }
    return true;
  };
}

type Handler = (sim: IotSimulator, req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

const HANDLERS: Record<string, Handler> = {
  '/iot/setup': setup,
  '/iot/box/send_websocket': sendWebsocket,
  '/iot/box/webrtc_answer': webrtcAnswer,
  '/iot/printer/status': printerStatus,
  '/iot/get_handlers': getHandlers,
  '/iot/log': log,
};

async function setup(sim: IotSimulator, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { id, params } = await readJsonRequest(req);
  const box = params.iot_box;
  if (!isRecord(box)) return sendJsonError(res, id, 'builtins.KeyError', "'iot_box'");
  if (typeof box.identifier !== 'string' || !box.identifier) return sendJsonError(res, id, 'builtins.KeyError', "'identifier'");
  const registration: Registration = {
    identifier: box.identifier,
    ip: typeof box.ip === 'string' ? box.ip : '',
    mac: typeof box.mac === 'string' ? box.mac : null,
    version: typeof box.version === 'string' ? box.version : '',
    token: typeof box.token === 'string' ? box.token : '',
    name: typeof box.name === 'string' && box.name ? box.name : defaultBoxName(typeof box.version === 'string' ? box.version : ''),
    devices: isRecord(params.devices) ? (Object.fromEntries(Object.entries(params.devices).filter(([, d]) => isRecord(d))) as Registration['devices']) : {},
  };
  const outcome = sim.register(registration, { userAgent: req.headers['user-agent'] ?? null, database: (req.headers['x-odoo-database'] as string | undefined) ?? null });
  // A refused registration is `{"jsonrpc":"2.0","id":null}` with no result key (seen on a real 19.0).
  sendJsonResult(res, id, outcome.accepted ? sim.channel.name : undefined);
}

async function sendWebsocket(sim: IotSimulator, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { id, params } = await readJsonRequest(req);
  sim.confirmOperation(params);
  sendJsonResult(res, id);
}

async function webrtcAnswer(sim: IotSimulator, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { id, params } = await readJsonRequest(req);
  sim.forwardWebrtcAnswer(params);
  sendJsonResult(res, id);
}

async function printerStatus(sim: IotSimulator, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { id, params } = await readJsonRequest(req);
  sim.state.printerAcks.push({ print_id: params.print_id, device_identifier: params.device_identifier, iot_mac: params.iot_mac, at: Date.now() });
  sendJsonResult(res, id);
}

/** Form fields `identifier`, `auto`: 401 when the box is unknown, or auto=True with automatic driver updates off. */
async function getHandlers(sim: IotSimulator, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const form = new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'));
  const box = sim.records.box(form.get('identifier') ?? '');
  if (!box || (form.get('auto') === 'True' && !box.driversAutoUpdate)) return sendText(res, 401, 'Unauthorized');
  res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': EMPTY_ZIP.length });
  res.end(EMPTY_ZIP);
}

async function log(sim: IotSimulator, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const text = (await readBody(req, 1024 * 1024)).toString('utf8');
  sim.state.logs.push({ database: (req.headers['x-odoo-database'] as string | undefined) ?? null, lines: text.split('\n').filter(Boolean), at: Date.now() });
  sendJson(res, 200, {});
}
