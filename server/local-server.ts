import http from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import sirv from 'sirv';
import { redact } from '../src/hub/redact.ts';
import { handleHubRoute, sendJson } from './hub-routes.ts';
import { HubStateFile } from './hub-state-file.ts';
import { HEADER_CSP } from '../src/security/csp.ts';
import type { LocalServerConfig } from './config.ts';
import { BodyLimit, BodyTooLargeError } from './body-limit.ts';
import { checkHost, checkTarget, DEFAULT_PAIRING_PROXY_ORIGIN, isForwardedPath, isPairingProxyPath, type Refusal } from './forwarding.ts';


export interface LocalServerOptions {
  /** Demo mode: the forwarded Odoo is the embedded simulator, not a real database. */
  demo?: boolean;
  log?: (line: string) => void;
}

/**
 * Serves the built hub and forwards Odoo's paths to the one configured Odoo, so the hub is
 * same-origin with it (shared/protocol/odoo-rpc.md §3).
 */
export function createLocalServer(config: LocalServerConfig, options: LocalServerOptions = {}): http.Server {
  const log = options.log ?? ((line: string) => console.log(line));
  const mode = options.demo || !config.odooOrigin ? 'demo' : 'forward';
  const proxy = config.odooOrigin
    ? createProxyServer({ target: config.odooOrigin, changeOrigin: true, xfwd: false, ws: true, secure: true, proxyTimeout: 120_000 })
    : null;
  proxy?.on('error', (error, _req, res) => {
    const message = `Odoo at ${config.odooOrigin} did not answer: ${(error as NodeJS.ErrnoException).code ?? error.message}`;
    log(`forward error: ${redact(message)}`);
    if (res instanceof http.ServerResponse) {
      if (!res.headersSent) sendRefusal(res, { status: 502, message });
      else res.destroy();
    } else (res as Duplex).destroy();
  });

  const pairingOrigin = config.pairingProxyOrigin ?? DEFAULT_PAIRING_PROXY_ORIGIN;
  const pairingProxy = createProxyServer({ target: pairingOrigin, changeOrigin: true, xfwd: false, secure: true, proxyTimeout: 30_000 });
  pairingProxy.on('error', (error, _req, res) => {
    const message = `the pairing proxy at ${pairingOrigin} did not answer: ${(error as NodeJS.ErrnoException).code ?? error.message}`;
    log(`forward error: ${redact(message)}`);
    if (res instanceof http.ServerResponse && !res.headersSent) sendRefusal(res, { status: 502, message });
    else res.destroy();
  });

  const serveApp = sirv(config.distDir, {
    // Look files up on every request: a new build dropped into dist/ must be served whole at
    // once (sirv's production mode keeps the lengths it saw at start).
    dev: true,
    etag: true,
    setHeaders(res, pathname) {
      // Hashed assets never change; the shell and the service worker must be revalidated.
      res.setHeader('Cache-Control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      setSecurityHeaders(res);
    },
  });

  const hubRoutes = { mode, odooOrigin: config.odooOrigin, virtualDevices: config.virtualDevices ?? false, state: config.dataDir ? new HubStateFile(config.dataDir) : null } as const;

  const server = http.createServer((req, res) => {
    const started = Date.now();
    res.on('finish', () => log(`${req.method} ${redact(req.url ?? '')} ${res.statusCode} ${Date.now() - started}ms`));
    const refusal = refuse(req, config);
    if (refusal) return sendRefusal(res, refusal);
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    if (handleHubRoute(req, res, path, hubRoutes)) return;
    if (isPairingProxyPath(path)) return forwardLimited(req, res, config.maxBodyBytes, (body) => pairingProxy.web(req, res, { buffer: body }));
    if (isForwardedPath(path)) {
      if (!proxy) return sendRefusal(res, { status: 503, message: 'no Odoo is configured (demo mode): start the hub with --odoo https://your-odoo' });
      return forwardLimited(req, res, config.maxBodyBytes, (body) => proxy.web(req, res, { buffer: body }));
    }
    serveApp(req, res, () => sendRefusal(res, { status: 404, message: `nothing at ${path}` }));
  });

  server.on('upgrade', (req, socket, head) => {
    const refusal = refuse(req, config);
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    if (refusal || !proxy || !isForwardedPath(path)) {
      return endSocket(socket, refusal ?? { status: proxy ? 404 : 503, message: proxy ? `no websocket at ${path}` : 'no Odoo is configured (demo mode)' });
    }
    proxy.ws(req, socket, head);
  });

  // Node hands CONNECT to this event, not to the request handler.
  server.on('connect', (_req, socket: Duplex) => endSocket(socket, { status: 405, message: 'CONNECT is refused: this hub is not a proxy' }));

  server.on('close', () => {
    proxy?.close();
    pairingProxy.close();
  });
  return server;
}

/**
 * Every file of the hub carries the policy: the page (beside its <meta> copy, which cannot set
 * frame-ancestors), and the worker and service worker scripts, which take theirs from the header.
 */
export function setSecurityHeaders(res: http.ServerResponse): void {
  res.setHeader('Content-Security-Policy', HEADER_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

function endSocket(socket: Duplex, { status, message }: Refusal): void {
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}\n`);
}

/** Forwards a body no larger than `limit` (413 otherwise). */
function forwardLimited(req: http.IncomingMessage, res: http.ServerResponse, limit: number, forward: (body: BodyLimit) => void): void {
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return sendRefusal(res, bodyTooLarge(limit));
  }
  const body = new BodyLimit(limit);
  body.on('error', (error) => {
    if (error instanceof BodyTooLargeError && !res.headersSent) sendRefusal(res, bodyTooLarge(limit));
    req.destroy();
  });
  req.pipe(body);
  forward(body);
}

function refuse(req: http.IncomingMessage, config: LocalServerConfig): Refusal | null {
  return checkHost(req.headers.host, config.allowedHosts) ?? checkTarget(req.url ?? '/', req.headers.host, config.odooOrigin);
}

function bodyTooLarge(limit: number): Refusal {
  return { status: 413, message: `request body too large: the limit is ${limit} bytes (start the hub with --max-body-mb to raise it)` };
}

function sendRefusal(res: http.ServerResponse, { status, message }: Refusal): void {
  sendJson(res, status, { error: message });
}
