import { isIdentifier } from './identity.ts';

/**
 * What the local server (server/local-server.ts) tells the hub page about itself. Deployments
 * behind the shop's own proxy have no such route, and the hub then reads null.
 */
export const LOCAL_SERVER_INFO_PATH = '/hub-server/info';
/** POST `{identifier}`: the local server keeps the first hub identifier it is given. */
export const LOCAL_SERVER_IDENTIFIER_PATH = '/hub-server/identifier';
/** The answer is a few fields: anything longer is not the local server's. */
const MAX_INFO_LENGTH = 4_096;

export interface LocalServerInfo {
  mode: 'demo' | 'forward';
  odooOrigin: string | null;
  /** The hub's LAN address as the terminal sees it, for Odoo's device list. */
  address: string;
  /** Whether the hub plugs the demo's virtual devices (demo mode, or `--virtual-devices`). */
  virtualDevices: boolean;
  /** Whether the local server keeps the hub's identifier outside the browser profile. */
  keepsIdentifier: boolean;
  /** The identifier it keeps, once a hub gave it one. */
  identifier: string | null;
}

/** The local server's answer, or null for anything else (another server's 404, an HTML page, junk). */
export function parseLocalServerInfo(text: string): LocalServerInfo | null {
  if (text.length > MAX_INFO_LENGTH) return null;
  let info: Partial<LocalServerInfo>;
  try {
    info = JSON.parse(text) as Partial<LocalServerInfo>;
  } catch {
    return null;
  }
  if (info === null || typeof info !== 'object') return null;
  if ((info.mode !== 'demo' && info.mode !== 'forward') || typeof info.address !== 'string') return null;
  return {
    mode: info.mode, odooOrigin: typeof info.odooOrigin === 'string' ? info.odooOrigin : null, address: info.address,
    virtualDevices: info.virtualDevices === true || info.mode === 'demo',
    keepsIdentifier: info.keepsIdentifier === true,
    identifier: isIdentifier(info.identifier) ? info.identifier : null,
  };
}
