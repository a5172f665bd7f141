/**
 * Whether two addresses name the same Odoo server as far as this terminal goes. The database's
 * `web.base.url` often says `localhost` where the hub was started with `127.0.0.1` (or the
 * reverse): on this machine's loopback both reach the same port, so they are one server.
 * Anything else compares by origin (scheme, host, port).
 */
export function sameServer(a: string, b: string): boolean {
  let left: URL;
  let right: URL;
  try {
    left = new URL(a);
    right = new URL(b);
  } catch {
    return false;
  }
  if (left.origin === right.origin) return true;
  return left.protocol === right.protocol && effectivePort(left) === effectivePort(right) && isLoopback(left.hostname) && isLoopback(right.hostname);
}

function effectivePort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** `localhost` and its subdomains (RFC 6761), 127.0.0.0/8 and ::1. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
