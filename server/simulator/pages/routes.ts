import { readFileSync } from 'node:fs';
import { readBody, sendJson, sendText, type Route } from '../http-app.ts';
import { iotBoxRows, iotDeviceRows, type IotSimulator, type TokenGeneration } from '../iot/index.ts';

export const POS_PAGE_PATH = '/pos-sim/';
export const IOT_APP_PATH = '/iot-sim/';
const API = '/iot-sim/api/';

/** Page files are read once: they ship with the server, they do not change while it runs. */
const FILES: Record<string, { file: string; type: string }> = {
  [POS_PAGE_PATH]: { file: 'pos.html', type: 'text/html; charset=utf-8' },
  [`${POS_PAGE_PATH}pos.js`]: { file: 'pos.js', type: 'text/javascript; charset=utf-8' },
  [`${POS_PAGE_PATH}pos-ui.js`]: { file: 'pos-ui.js', type: 'text/javascript; charset=utf-8' },
  [`${POS_PAGE_PATH}sample-receipt.js`]: { file: 'sample-receipt.js', type: 'text/javascript; charset=utf-8' },
  [IOT_APP_PATH]: { file: 'iot-app.html', type: 'text/html; charset=utf-8' },
  [`${IOT_APP_PATH}iot-app.js`]: { file: 'iot-app.js', type: 'text/javascript; charset=utf-8' },
};
const cache = new Map<string, string>();

function page(file: string): string {
  let text = cache.get(file);
  if (text === undefined) cache.set(file, (text = readFileSync(new URL(file, import.meta.url), 'utf8')));
  return text;
}

/** What the simulator's pages show: the database, its IoT channel, its boxes and their devices. */
export function pageState(sim: IotSimulator): Record<string, unknown> {
  const devices = iotDeviceRows(sim);
  return {
    db: { name: sim.identity.dbName, uuid: sim.identity.dbUuid, serverSerie: sim.identity.serverSerie },
    publicUrl: sim.publicUrl,
    channel: sim.channel.name,
    workerVersion: sim.identity.workerVersion,
    boxes: iotBoxRows(sim).map((box) => ({ ...box, devices: devices.filter((d) => (d.iot_id as [number, string])[0] === box.id) })),
  };
}

/** The POS page, the "IoT app" page and the small JSON API behind them. */
export function pageRoutes(sim: IotSimulator): Route {
  return async (req, res, url) => {
    const served = FILES[url.pathname];
    if (served && req.method === 'GET') {
      sendText(res, 200, page(served.file), served.type);
      return true;
    }
    if (url.pathname === '/pos-sim' || url.pathname === '/iot-sim') {
      res.writeHead(301, { Location: `${url.pathname}/`, 'Content-Length': 0 }).end();
      return true;
    }
    if (!url.pathname.startsWith(API)) return false;
    const action = url.pathname.slice(API.length);
    if (action === 'state' && req.method === 'GET') {
      sendJson(res, 200, pageState(sim), { 'Cache-Control': 'no-store' });
      return true;
    }
    if (req.method !== 'POST') return false;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}');
    } catch (error) {
      sendText(res, 400, `Bad Request: ${(error as Error).message}`);
      return true;
    }
    if (action === 'token') {
      const generation = (['old', '18', '19'].includes(body.generation as string) ? body.generation : '19') as TokenGeneration;
      sendJson(res, 200, { ...sim.issueToken(generation), db_uuid: sim.identity.dbUuid, enterprise_code: sim.identity.enterpriseCode, database_url: sim.publicUrl });
      return true;
    }
    if (action === 'delete-box') {
      sendJson(res, 200, { deleted: sim.deleteBox(String(body.identifier ?? '')) });
      return true;
    }
    return false;
  };
}
