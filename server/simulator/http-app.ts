import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { checkHost } from '../forwarding.ts';
import { LOOPBACK_HOSTNAMES } from '../config.ts';

/** A route answers a request it recognises and returns true, or returns false to pass it on. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean> | boolean;
export type UpgradeRoute = (req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL) => boolean;

/** The simulator's HTTP server: parts (RPC, IoT, pairing proxy, pages) add their routes to it. */
export class SimulatorHttp {
  private readonly routes: Route[] = [];
  private readonly upgrades: UpgradeRoute[] = [];
  readonly server = http.createServer((req, res) => void this.handle(req, res));

  constructor() {
    this.server.on('upgrade', (req, socket, head) => {
      const refusal = hostRefusal(req);
      if (refusal) return void socket.end(`HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\nConnection: close\r\n\r\n${refusal.message}\n`);
      const url = new URL(req.url ?? '/', 'http://simulator');
      if (!this.upgrades.some((route) => route(req, socket, head, url))) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
  }

  route(route: Route): void {
    this.routes.push(route);
  }

  upgrade(route: UpgradeRoute): void {
    this.upgrades.push(route);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const refusal = hostRefusal(req);
    if (refusal) return sendText(res, refusal.status, refusal.message);
    const url = new URL(req.url ?? '/', 'http://simulator');
    try {
      for (const route of this.routes) if (await route(req, res, url)) return;
      sendText(res, 404, `not found: ${url.pathname}`);
    } catch (error) {
      if (!res.headersSent) sendText(res, 500, `simulator error: ${(error as Error).message}`);
      else res.destroy();
    }
  }
}

/**
 * The simulator listens on loopback, where a foreign page's host name can resolve too (DNS
 * rebinding): it answers only to loopback names on its own port, as the local server does.
 */
function hostRefusal(req: http.IncomingMessage): { status: number; message: string } | null {
  const port = req.socket.localPort ?? 0;
  const refusal = checkHost(req.headersDistinct.host, LOOPBACK_HOSTNAMES, port);
  if (!refusal) return null;
  const sent = (req.headersDistinct.host ?? []).map((h) => `"${h.slice(0, 200)}"`).join(', ') || 'none';
  return { status: refusal.status, message: `the simulator answers only to ${LOOPBACK_HOSTNAMES.join(', ')} on port ${port} (Host: ${sent})` };
}

export function sendText(res: http.ServerResponse, status: number, text: string, type = 'text/plain'): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Reads a request body, refusing more than `limit` bytes as Odoo's werkzeug would. */
export async function readBody(req: http.IncomingMessage, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
