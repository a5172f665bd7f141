import type { ConnectionRecord } from '../store/schema.ts';

export type OdooProtocol = ConnectionRecord['protocol'];
export const PROTOCOLS: readonly OdooProtocol[] = ['JSON-RPC', 'JSON-RPCS', 'XML-RPC', 'XML-RPCS', 'JSON-2'];
/** Odoo's default HTTP port (odoo-bin --http-port). */
export const DEFAULT_ODOO_PORT = 8069;
/** JSON-2 has no "S" variant in the connection model: it speaks https on the usual TLS ports. */
const JSON2_TLS_PORTS = new Set([443, 8443]);

/** Where the code runs, as far as the same-origin rule is concerned. */
export interface PageContext {
  /** The page's (or worker's) origin; null outside a browser. */
  origin: string | null;
  /** The Odoo origin the hub's local server forwards Odoo paths to, when it serves the page. */
  forwardedOdoo: string | null;
}

export interface ResolvedTarget {
  /** Prefix for Odoo's absolute paths: '' means same-origin relative paths. */
  base: string;
  /** The origin the connection names, for messages. */
  origin: string;
  /** True when a browser would make a cross-origin request, which Odoo's RPC routes refuse. */
  crossOrigin: boolean;
}

export function usesTls(protocol: OdooProtocol, port: number): boolean {
  return protocol === 'JSON-RPCS' || protocol === 'XML-RPCS' || (protocol === 'JSON-2' && JSON2_TLS_PORTS.has(port));
}

export function connectionOrigin(host: string, port: number, protocol: OdooProtocol): string {
  return new URL(`${usesTls(protocol, port) ? 'https' : 'http'}://${host}:${port}`).origin;
}

/**
 * In a browser, Odoo's RPC routes only answer same-origin calls (odoo-rpc.md §3): a connection to
 * the page's own origin, or to the Odoo the local server forwards to, goes through relative paths.
 * Anything else is attempted directly (and fails with a same-origin error when the browser blocks it).
 */
export function resolveTarget(host: string, port: number, protocol: OdooProtocol, page: PageContext): ResolvedTarget {
  const origin = connectionOrigin(host, port, protocol);
  if (page.origin === null) return { base: origin, origin, crossOrigin: false };
  if (origin === page.origin || (page.forwardedOdoo !== null && origin === new URL(page.forwardedOdoo).origin)) {
    return { base: '', origin, crossOrigin: false };
  }
  return { base: origin, origin, crossOrigin: true };
}

/** The page context of the code running now: a window or worker has `location`, Node has not. */
export function currentPageContext(forwardedOdoo: string | null = null): PageContext {
  const location = (globalThis as { location?: { origin?: string; protocol?: string } }).location;
  const inBrowser = typeof location?.origin === 'string' && /^https?:$/.test(location.protocol ?? '');
  return { origin: inBrowser ? location!.origin! : null, forwardedOdoo };
}
