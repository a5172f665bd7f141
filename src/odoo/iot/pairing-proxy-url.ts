/**
 * The pairing proxy setting (odoo-iot.md §2.2): where the hub asks for a pairing code. Empty means
 * the hub's own origin, whose local server forwards `/odoo-enterprise/iot/` to Odoo's proxy; a URL
 * names a proxy the browser calls directly, which must then answer cross-origin requests.
 */

/** Odoo's public pairing proxy (iot_drivers/connection_manager.py); the local server forwards to it by default. */
export const ODOO_PAIRING_PROXY = 'https://iot-proxy.odoo.com';
const MAX_URL_LENGTH = 2048;

export type ProxyUrlCheck = { ok: true; value: string } | { ok: false; message: string };

/** Checks what the user typed and returns the value to store (an origin, or '' for the local server). */
export function checkPairingProxyUrl(text: string): ProxyUrlCheck {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: '' };
  if (trimmed.length > MAX_URL_LENGTH) return { ok: false, message: `That is ${trimmed.length} characters long: a proxy address is a short web address.` };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, message: 'That is not a web address: type one like https://iot-proxy.example.com, or leave the field empty.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, message: `The address must start with https:// (not ${url.protocol}).` };
  if (url.username || url.password) return { ok: false, message: 'The address must not hold a user name or password.' };
  if (url.search || url.hash) return { ok: false, message: 'The address must not have a ? or # part: give the proxy\'s base address only.' };
  if (url.pathname !== '/') return { ok: false, message: `Give the proxy's base address only, without a path (the hub adds /odoo-enterprise/iot/ itself): ${url.origin}` };
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return { ok: false, message: 'Use https:// for a proxy on another machine: the pairing hands over a connection token.' };
  }
  return { ok: true, value: url.origin };
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
