import http from 'node:http';
import type { Duplex } from 'node:stream';
import sirv from 'sirv';
import { handleHubRoute, sendJson } from './hub-routes.ts';
import { HubStateFile } from './hub-state-file.ts';
import { HEADER_CSP } from '../src/security/csp.ts';
import type { LocalServerConfig } from './config.ts';
import { BodyTooLargeError, readBody } from './body-limit.ts';
import { checkHost, checkOrigin, checkTarget, DEFAULT_PAIRING_PROXY_ORIGIN, isForwardedPath, isPairingProxyPath, type Refusal, type TargetCheck } from './forwarding.ts';
import { RequestLog } from './request-log.ts';
import { createUpstream, type Upstream } from './upstream.ts';
import { PrinterRoutes } from './printers/printer-routes.ts';
import { RAW_PRINTER_PORT } from '../src/hub/network-printers.ts';

/** A long RPC (a report, a big import) may take this long on Odoo. */
const ODOO_TIMEOUT_MS = 120_000;
const PAIRING_PROXY_TIMEOUT_MS = 30_000;

export interface LocalServerOptions {
  /** Demo mode: the forwarded Odoo is the embedded simulator, not a real database. */
  demo?: boolean;
  log?: (line: string) => void;
  /** CA certificates (PEM) trusted for the Odoo upstream in place of Node's (an Odoo with a certificate of its own). */
  odooCa?: string | Buffer;
  /** The loopback port of the demo's virtual network printer, listed as a printer without asking. */
  virtualNetworkPrinterPort?: number;
  /** Hears each office print job as CUPS accepts it (bench netprint's clock). */
  onOfficeJobAccepted?: (jobId: string) => void;
}

/**
 * Serves the built hub and forwards Odoo's paths to the one configured Odoo, so the hub is
 * same-origin with it (shared/protocol/odoo-rpc.md §3).
 */
export function createLocalServer(config: LocalServerConfig, options: LocalServerOptions = {}): http.Server {
  const requestLog = new RequestLog({ log: options.log ?? ((line: string) => console.log(line)), logRequests: config.logRequests });
  const mode = options.demo || !config.odooOrigin ? 'demo' : 'forward';
  const answerError = (message: string, _req: http.IncomingMessage, res: http.ServerResponse | Duplex) => {
    requestLog.upstreamError(message);
    if (res instanceof http.ServerResponse && !res.headersSent) sendRefusal(res, { status: 502, message });
    else res.destroy();
  };
  const odoo = config.odooOrigin
    ? createUpstream({ origin: config.odooOrigin, name: `Odoo at ${config.odooOrigin}`, timeoutMs: ODOO_TIMEOUT_MS, ca: options.odooCa, onError: answerError })
    : null;
  const pairingOrigin = config.pairingProxyOrigin ?? DEFAULT_PAIRING_PROXY_ORIGIN;
  const pairingProxy = createUpstream({ origin: pairingOrigin, name: `the pairing proxy at ${pairingOrigin}`, timeoutMs: PAIRING_PROXY_TIMEOUT_MS, onError: answerError });

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

  const refuse = (req: http.IncomingMessage, res: http.ServerResponse, refusal: Refusal, close = false) => {
    requestLog.refused(req, refusal);
    sendRefusal(res, refusal, close);
  };
  const forward = (upstream: Upstream, req: http.IncomingMessage, res: http.ServerResponse) => {
    // The rest of a body over the limit is not read: the answer closes the connection instead.
    if (Number(req.headers['content-length'] ?? 0) > config.maxBodyBytes) return refuse(req, res, bodyTooLarge(config.maxBodyBytes), true);
    readBody(req, config.maxBodyBytes).then(
      (body) => {
        requestLog.forwarded();
        upstream.web(req, res, body);
      },
      (error) => {
        if (error instanceof BodyTooLargeError) refuse(req, res, bodyTooLarge(config.maxBodyBytes), true);
        else res.destroy();
      },
    );
  };

  const printers = new PrinterRoutes({
    ports: config.printerPorts ?? [RAW_PRINTER_PORT], dataDir: config.dataDir ?? null, cupsServer: config.cupsServer, discovery: config.discovery,
    maxBodyBytes: config.maxBodyBytes, log: (line) => requestLog.upstreamError(line), onOfficeJobAccepted: options.onOfficeJobAccepted,
  });
  if (options.virtualNetworkPrinterPort) void printers.addVirtual(options.virtualNetworkPrinterPort, 'Virtual network printer');
  const hubRoutes = { mode, odooOrigin: config.odooOrigin, virtualDevices: config.virtualDevices ?? false, state: config.dataDir ? new HubStateFile(config.dataDir) : null } as const;

  const server = http.createServer((req, res) => {
    requestLog.request(req, res);
    const checked = checkRequest(req, config, false);
    if (checked.refusal) return refuse(req, res, checked.refusal);
    // From here on the checked reading is the only one: what is routed is what is forwarded.
    req.url = checked.target.path;
    const path = checked.target.pathname;
    if (handleHubRoute(req, res, path, hubRoutes)) return;
    if (printers.handle(req, res, path, queryOf(checked.target.path))) return;
    if (isPairingProxyPath(path)) return forward(pairingProxy, req, res);
    if (isForwardedPath(path)) {
      if (!odoo) return sendRefusal(res, { status: 503, message: 'no Odoo is configured (demo mode): start the hub with --odoo https://your-odoo' });
      return forward(odoo, req, res);
    }
    serveApp(req, res, () => sendRefusal(res, { status: 404, message: `nothing at ${path}` }));
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    requestLog.request(req);
    const checked = checkRequest(req, config, true);
    if (checked.refusal) {
      requestLog.refused(req, checked.refusal);
      return endSocket(socket, checked.refusal);
    }
    req.url = checked.target.path;
    const bridged = printers.upgrade(req, socket, head, checked.target.pathname, queryOf(checked.target.path));
    if (bridged) {
      return void bridged.then(
        (refusal) => {
          if (!refusal) return;
          requestLog.refused(req, refusal);
          endSocket(socket, refusal);
        },
        (error) => endSocket(socket, { status: 500, message: String((error as Error)?.message ?? error) }),
      );
    }
    if (!odoo || !isForwardedPath(checked.target.pathname)) {
      return endSocket(socket, { status: odoo ? 404 : 503, message: odoo ? `no websocket at ${checked.target.pathname}` : 'no Odoo is configured (demo mode)' });
    }
    requestLog.forwarded();
    odoo.ws(req, socket, head);
  });

  // Node hands CONNECT to this event, not to the request handler.
  server.on('connect', (req: http.IncomingMessage, socket: Duplex) => {
    const refusal = { status: 405, message: 'CONNECT is refused: this hub is not a proxy' };
    requestLog.refused(req, refusal);
    endSocket(socket, refusal);
  });

  server.on('close', () => {
    odoo?.close();
    pairingProxy.close();
    printers.close();
    requestLog.close();
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

/** Host, then the target (its one checked reading), then the Origin of what changes state. */
function checkRequest(req: http.IncomingMessage, config: LocalServerConfig, upgrade: boolean): TargetCheck {
  // The port the connection came in on is this server's, whatever config.port said (0 = any).
  const port = req.socket.localPort ?? config.port;
  const hostRefusal = checkHost(req.headersDistinct.host, config.allowedHosts, port);
  if (hostRefusal) return { refusal: hostRefusal };
  const checked = checkTarget(req.url ?? '/', req.headers.host, config.odooOrigin);
  if (checked.refusal) return checked;
  const originRefusal = checkOrigin({ method: req.method, origin: req.headersDistinct.origin, upgrade }, config.allowedHosts, port);
  return originRefusal ? { refusal: originRefusal } : checked;
}

function queryOf(path: string): URLSearchParams {
  return new URL(path, 'http://hub').searchParams;
}

function endSocket(socket: Duplex, { status, message }: Refusal): void {
  const body = `${message}\n`;
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function bodyTooLarge(limit: number): Refusal {
  return { status: 413, message: `request body too large: the limit is ${limit} bytes (start the hub with --max-body-mb to raise it)` };
}

function sendRefusal(res: http.ServerResponse, { status, message }: Refusal, close = false): void {
  sendJson(res, status, { error: message }, close ? { Connection: 'close' } : {});
}
