import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { MAX_POOL_SIZE } from '../src/odoo/connection-store.ts';

/**
 * Idle upstream connections are closed after this long: below the keep-alive timeouts of the
 * proxies in front of Odoo (nginx 75 s, common cloud load balancers 60 s), so the hub closes an
 * idle connection before the other side does and rarely sends on one that is being closed.
 */
export const UPSTREAM_IDLE_MS = 15_000;

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message: the client's
 * connection to the hub and the hub's to Odoo are different ones. `Expect` is dropped because
 * the body is sent whole; `Proxy-Connection` is the legacy spelling some clients still send.
 */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect'];
/** A connection the upstream closed while idle fails a request this way before any answer. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);
/**
 * An upstream closing an idle connection resets it as the request arrives: the failure comes
 * within a round trip. A call that fails later was being worked on (an Odoo worker killed by
 * limit_time_real) and is not sent twice.
 */
export const STALE_RETRY_WINDOW_MS = 1_000;
/** Methods whose requests carry no body unless they say so. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

export interface UpstreamOptions {
  /** The upstream origin, e.g. https://shop.odoo.com. */
  origin: string;
  /** How errors name it, e.g. "Odoo at https://shop.odoo.com". */
  name: string;
  /** Longest wait for an answer (a long RPC, Odoo's longpolling routes). */
  timeoutMs: number;
  /** Trusted CA certificates (PEM) in place of Node's for this upstream. */
  ca?: string | Buffer;
  /** The upstream failed a request (after the one retry a stale connection gets); `message` says how. */
  onError(message: string, req: http.IncomingMessage, res: http.ServerResponse | Duplex): void;
}

/** One upstream the local server forwards to, with its own pool of persistent connections. */
export interface Upstream {
  /** Forwards a request whose target was checked (req.url is the canonical path) with its whole body. */
  web(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void;
  /** Forwards a websocket upgrade on a connection of its own. */
  ws(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

/** What one forwarding attempt has seen, to know whether it may be sent again. */
interface Attempt {
  proxyReq?: http.ClientRequest;
  /** When the request got its connection (performance.now()). */
  sentAt?: number;
  answered: boolean;
  timedOut: boolean;
  /** The client's own connection stays open after the answer (the hub decides, not Odoo). */
  clientKeepAlive: boolean;
}

export function createUpstream(options: UpstreamOptions): Upstream {
  const secure = new URL(options.origin).protocol === 'https:';
  const agentOptions: https.AgentOptions = {
    keepAlive: true,
    // The most recently used connection is the least likely to have been closed by the upstream,
    // and the ones left over after a burst go idle and are closed.
    scheduling: 'lifo',
    // The hub's connection pools hold at most this many calls in flight per definition.
    maxSockets: MAX_POOL_SIZE,
    maxFreeSockets: MAX_POOL_SIZE,
    timeout: UPSTREAM_IDLE_MS,
    ...(options.ca ? { ca: options.ca } : {}),
  };
  // An https.Agent also keeps TLS sessions, so a new connection resumes instead of a full handshake.
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  // The answer is written here (selfHandleResponse), from a copy of Odoo's headers: the agent
  // reads the upstream's own Keep-Alive hint from them once the answer has been read.
  const proxy = createProxyServer({ target: options.origin, agent, changeOrigin: true, xfwd: false, secure: true, proxyTimeout: options.timeoutMs, selfHandleResponse: true });
  const attempts = new WeakMap<http.IncomingMessage, Attempt>();

  proxy.on('proxyReq', (proxyReq, req) => {
    const attempt = attempts.get(req);
    if (!attempt) return;
    attempt.proxyReq = proxyReq;
    attempt.sentAt = performance.now();
    proxyReq.on('timeout', () => (attempt.timedOut = true));
  });
  proxy.on('proxyRes', (proxyRes, req, res) => {
    const attempt = attempts.get(req);
    if (attempt) attempt.answered = true;
    // Odoo's `Connection: close` is about its connection to the hub; copied to the client it
    // would close the client's connection with a pipelined request still unanswered on it.
    const headers = { ...proxyRes.headers };
    stripHopByHop(headers);
    headers.connection = attempt?.clientKeepAlive === false ? 'close' : 'keep-alive';
    res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage, headers);
    // An answer cut off upstream is cut off for the client too, never left hanging (a client
    // gone early is handled by http-proxy-3, which then ends the upstream request). Not
    // stream.pipeline: it costs an AbortController and a DOMException per call.
    proxyRes.on('close', () => !proxyRes.complete && res.destroy());
    proxyRes.pipe(res);
  });
  // Errors are answered through each call's callback; this keeps a stray one from throwing.
  proxy.on('error', () => undefined);

  return {
    web(req, res, body) {
      const clientKeepAlive = wantsKeepAlive(req);
      stripHopByHop(req.headers);
      if (body.length > 0 || !BODYLESS_METHODS.has(req.method ?? 'GET')) req.headers['content-length'] = String(body.length);
      const send = (retried: boolean) => {
        const attempt: Attempt = { answered: false, timedOut: false, clientKeepAlive };
        attempts.set(req, attempt);
        proxy.web(req, res, { buffer: Readable.from(body.length > 0 ? [body] : []) }, (error) => {
          const code = (error as NodeJS.ErrnoException).code ?? '';
          // Sent on a kept connection the upstream was just closing: it was not worked on, so it
          // is sent once more, on a fresh connection if need be (as Node's http docs advise).
          const stale = attempt.proxyReq?.reusedSocket && performance.now() - (attempt.sentAt ?? 0) < STALE_RETRY_WINDOW_MS;
          if (!retried && stale && !attempt.answered && !attempt.timedOut && !res.headersSent && STALE_SOCKET_CODES.has(code)) return send(true);
          options.onError(attempt.timedOut ? `${options.name} did not answer within ${options.timeoutMs / 1000} s` : failed(options.name, error), req, res);
        });
      };
      send(false);
    },
    ws(req, socket, head) {
      // An upgraded connection is never returned to a pool: it gets its own.
      proxy.ws(req, socket, head, { agent: false }, (error) => options.onError(failed(options.name, error), req, socket));
    },
    close() {
      proxy.close();
      agent.destroy();
    },
  };
}

function failed(name: string, error: Error): string {
  return `${name} did not answer: ${(error as NodeJS.ErrnoException).code ?? error.message}`;
}

/** HTTP/1.1 keeps a connection unless told to close; HTTP/1.0 closes unless told to keep it. */
function wantsKeepAlive(req: http.IncomingMessage): boolean {
  const tokens = connectionTokens(req.headers);
  return req.httpVersion === '1.0' ? tokens.includes('keep-alive') : !tokens.includes('close');
}

function connectionTokens(headers: http.IncomingHttpHeaders): string[] {
  const value = headers.connection;
  return (Array.isArray(value) ? value.join(',') : value ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
}

/** Removes hop-by-hop headers, and those the Connection header names as such. */
function stripHopByHop(headers: http.IncomingHttpHeaders): void {
  for (const name of connectionTokens(headers)) delete headers[name];
  for (const name of HOP_BY_HOP) delete headers[name];
}
