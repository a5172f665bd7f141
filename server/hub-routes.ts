import type http from 'node:http';
import os from 'node:os';
import { LOCAL_SERVER_IDENTIFIER_PATH, LOCAL_SERVER_INFO_PATH, type LocalServerInfo } from '../src/hub/local-server-info.ts';
import type { HubStateFile } from './hub-state-file.ts';

/** An identifier request is `{"identifier": "<16 hex>"}`: a few dozen bytes. */
const MAX_IDENTIFIER_BODY = 256;

export interface HubRoutesOptions {
  mode: LocalServerInfo['mode'];
  odooOrigin: string | null;
  virtualDevices: boolean;
  /** Where the hub's identifier is kept outside the browser, or null when nothing is kept. */
  state: HubStateFile | null;
}

/**
 * The local server's own routes for the hub page: what it is (`/hub-server/info`) and the
 * identifier it keeps (`POST /hub-server/identifier`). Returns false for any other path.
 */
export function handleHubRoute(req: http.IncomingMessage, res: http.ServerResponse, path: string, options: HubRoutesOptions): boolean {
  if (path === LOCAL_SERVER_INFO_PATH) {
    void info(options).then((body) => sendJson(res, 200, body), (error) => sendJson(res, 500, { error: String(error?.message ?? error) }));
    return true;
  }
  if (path === LOCAL_SERVER_IDENTIFIER_PATH) {
    if (req.method !== 'POST') sendJson(res, 405, { error: 'POST {"identifier": "..."} to keep the hub identifier' });
    else if (!options.state) sendJson(res, 404, { error: 'this local server keeps no identifier (no data directory)' });
    else void keepIdentifier(req, options.state).then(([status, body]) => sendJson(res, status, body));
    return true;
  }
  return false;
}

async function info(options: HubRoutesOptions): Promise<LocalServerInfo> {
  return {
    mode: options.mode,
    odooOrigin: options.mode === 'forward' ? options.odooOrigin : null,
    address: lanAddress(),
    virtualDevices: options.mode === 'demo' || options.virtualDevices,
    keepsIdentifier: options.state !== null,
    identifier: (await options.state?.identifier()) ?? null,
  };
}

async function keepIdentifier(req: http.IncomingMessage, state: HubStateFile): Promise<[number, unknown]> {
  let text = '';
  try {
    for await (const chunk of req) {
      text += String(chunk);
      if (text.length > MAX_IDENTIFIER_BODY) return [413, { error: `the body is longer than ${MAX_IDENTIFIER_BODY} bytes` }];
    }
    const identifier = (JSON.parse(text) as { identifier?: unknown })?.identifier;
    if (typeof identifier !== 'string') return [400, { error: 'expected {"identifier": "<16 hex digits>"}' }];
    const { kept } = await state.keepIdentifier(identifier);
    return [200, { identifier: kept }];
  } catch (error) {
    return [400, { error: (error as Error).message }];
  }
}

/** The address a POS on the shop's network would use to reach this terminal. */
export function lanAddress(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return 'localhost';
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}
