import { readOriginForm, type CanonicalTarget } from './request-target.ts';

/**
 * The Odoo paths the hub calls (shared/design/architecture.md, deployments §2). Only these
 * are forwarded, and only to the one configured Odoo: the local server is never an open proxy.
 */
export const FORWARDED_PREFIXES = ['/iot/', '/web/', '/jsonrpc', '/xmlrpc/', '/json/2/', '/websocket'] as const;

/**
 * The pairing proxy's path (odoo-iot.md §2.2: `<proxy>/odoo-enterprise/iot/connect-box`). It is
 * forwarded, same-origin for the hub, to the one configured pairing proxy and nowhere else.
 */
export const PAIRING_PROXY_PREFIX = '/odoo-enterprise/iot/';
/** Odoo's own pairing proxy (iot_drivers/connection_manager.py). */
export const DEFAULT_PAIRING_PROXY_ORIGIN = 'https://iot-proxy.odoo.com';

/** Methods a browser may send cross-site without a preflight and that change nothing (RFC 9110 §9.2.1). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The port a Host or Origin without one means for this plain-http server. */
const HTTP_DEFAULT_PORT = 80;

export function isPairingProxyPath(pathname: string): boolean {
  return pathname.startsWith(PAIRING_PROXY_PREFIX);
}

export function isForwardedPath(pathname: string): boolean {
  return FORWARDED_PREFIXES.some((prefix) =>
    prefix.endsWith('/') ? pathname.startsWith(prefix) : pathname === prefix || pathname.startsWith(`${prefix}/`) || pathname.startsWith(`${prefix}?`),
  );
}

/** Why a request is refused before it reaches any upstream, or null when it may go on. */
export interface Refusal {
  status: number;
  message: string;
}

export type { CanonicalTarget } from './request-target.ts';
/** A target that may go on (`target`, what is forwarded), or why not (`refusal`). */
export type TargetCheck = { refusal: null; target: CanonicalTarget } | { refusal: Refusal; target?: undefined };

/**
 * The Host header must name this server: an allowed host name and the port the request came in
 * on (DNS rebinding: a foreign page's host name resolving to 127.0.0.1 arrives with its own name).
 * `hostHeader` is every Host header the request carried (IncomingMessage.headersDistinct.host).
 */
export function checkHost(hostHeader: string | readonly string[] | undefined, allowedHosts: readonly string[], port: number): Refusal | null {
  const hosts = typeof hostHeader === 'string' ? [hostHeader] : hostHeader ?? [];
  if (hosts.length === 0) return { status: 400, message: 'the request has no Host header' };
  if (hosts.length > 1) return { status: 400, message: `the request has ${hosts.length} Host headers; one is expected` };
  const [host] = hosts;
  const parsed = splitHost(host);
  if (!parsed) return { status: 400, message: `Host "${host.slice(0, 200)}" is not a host name with an optional port` };
  if (!allowedHosts.includes(parsed.name)) {
    return {
      status: 403,
      message: `Host "${host.slice(0, 200)}" is not allowed: this hub answers only to ${allowedHosts.join(', ')} (start it with --allowed-host ${parsed.name} to allow it)`,
    };
  }
  if (parsed.port !== port) return { status: 403, message: `Host "${host.slice(0, 200)}" names port ${parsed.port}, but this hub listens on port ${port}` };
  return null;
}

/**
 * Requests that change state, and every websocket upgrade, must come from the hub's own page:
 * Origin `http://<allowed host>:<this port>`. Another page open in the same browser would
 * otherwise drive the shop's Odoo session through the hub. Without an Origin (a command-line
 * client on the terminal) plain requests may go on; a browser always sends one on a websocket.
 */
export function checkOrigin(
  request: { method?: string; origin: string | readonly string[] | undefined; upgrade: boolean },
  allowedHosts: readonly string[],
  port: number,
): Refusal | null {
  if (!request.upgrade && SAFE_METHODS.has(request.method ?? 'GET')) return null;
  const origins = typeof request.origin === 'string' ? [request.origin] : request.origin ?? [];
  const what = request.upgrade ? 'a websocket' : `a ${request.method} request`;
  if (origins.length === 0) {
    return request.upgrade ? { status: 403, message: 'a websocket must carry the Origin of the hub\'s page; this one has none' } : null;
  }
  if (origins.length > 1) return { status: 403, message: `${what} with ${origins.length} Origin headers is refused` };
  const [origin] = origins;
  if (!isOwnOrigin(origin, allowedHosts, port)) {
    return { status: 403, message: `${what} from Origin "${origin.slice(0, 200)}" is refused: only the hub's own page (http://<allowed host>:${port}) may send it` };
  }
  return null;
}

/**
 * Checks the request target once; what goes upstream is the returned canonical path. A target
 * in absolute form (`GET http://elsewhere/ HTTP/1.1`) is how a client asks a proxy to go
 * somewhere: only this server itself may be named there.
 */
export function checkTarget(rawUrl: string, hostHeader: string | undefined, odooOrigin: string | null): TargetCheck {
  let originForm = rawUrl;
  if (!rawUrl.startsWith('/')) {
    const absolute = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is.exec(rawUrl);
    if (!absolute) return refused(400, `the request target "${rawUrl.slice(0, 200)}" is not a path`);
    const [, scheme, authority, rest] = absolute;
    if (scheme.toLowerCase() !== 'http' || !hostHeader || authority.toLowerCase() !== hostHeader.toLowerCase()) {
      return refused(403, `refusing to forward to ${authority.slice(0, 200)}: this hub forwards only Odoo paths to ${odooOrigin ?? 'its configured Odoo (none in demo mode)'}`);
    }
    originForm = rest.startsWith('/') ? rest : `/${rest}`;
  }
  const reading = readOriginForm(originForm);
  if (reading.problem !== undefined) return refused(400, `refused request target "${rawUrl.slice(0, 200)}": ${reading.problem}`);
  return { refusal: null, target: reading.target };
}

function refused(status: number, message: string): TargetCheck {
  return { refusal: { status, message } };
}

function isOwnOrigin(origin: string, allowedHosts: readonly string[], port: number): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // Browsers send the serialised origin; anything else (a path, different case, 'null') is not one.
  if (url.origin !== origin || url.protocol !== 'http:') return false;
  const name = url.hostname;
  return allowedHosts.includes(name) && (url.port === '' ? HTTP_DEFAULT_PORT : Number(url.port)) === port;
}

/** `name[:port]` or `[v6]:port`, lower-cased; null when it is neither. */
function splitHost(host: string): { name: string; port: number } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^\[\]:]+)(?::(\d{1,5}))?$/i.exec(host);
  if (!match) return null;
  const port = match[2] === undefined ? HTTP_DEFAULT_PORT : Number(match[2]);
  if (port > 65535) return null;
  return { name: match[1].toLowerCase(), port };
}
