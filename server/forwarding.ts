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

export function checkHost(hostHeader: string | undefined, allowedHosts: readonly string[]): Refusal | null {
  if (!hostHeader) return { status: 400, message: 'the request has no Host header' };
  const hostname = hostnameOf(hostHeader);
  if (allowedHosts.includes(hostname)) return null;
  return {
    status: 403,
    message: `Host "${hostHeader}" is not allowed: this hub answers only to ${allowedHosts.join(', ')} (start it with --allowed-host ${hostname} to allow it)`,
  };
}

/**
 * A request-target in absolute form (`GET http://elsewhere/ HTTP/1.1`) is how a client asks a
 * proxy to go somewhere: refuse every target that is not this server itself.
 */
export function checkTarget(rawUrl: string, hostHeader: string | undefined, odooOrigin: string | null): Refusal | null {
  if (rawUrl.startsWith('/')) return null;
  let target: URL;
  try {
    target = new URL(rawUrl);
  } catch {
    return { status: 400, message: `the request target "${rawUrl.slice(0, 200)}" is not a path` };
  }
  if (hostHeader && target.host === hostHeader) return null;
  return {
    status: 403,
    message: `refusing to forward to ${target.host}: this hub forwards only Odoo paths to ${odooOrigin ?? 'its configured Odoo (none in demo mode)'}`,
  };
}

function hostnameOf(host: string): string {
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}
