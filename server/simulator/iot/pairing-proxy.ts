import { randomInt, randomUUID } from 'node:crypto';
import { sendJson, type Route } from '../http-app.ts';
import { BadRequestError, readJsonRequest } from './json-rpc.ts';
import { PAIRING_CODE_TTL_MS, PAIRING_PROXY_PATH } from './constants.ts';
import { sendText } from '../http-app.ts';

/** What the database hands the proxy for a box (odoo-iot.md §2.2). */
export interface PairingGrant {
  url: string;
  token: string;
  db_uuid: string;
  enterprise_code: string;
}

export interface PairingEntry {
  code: string;
  uuid: string;
  serialNumber: string | null;
  expiresAt: number;
  grant: PairingGrant | null;
}

/** Letters and digits a person reads off a screen without confusing them (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

/**
 * The pairing proxy (iot-proxy.odoo.com): boxes poll `connect-box`, the database's IoT app posts
 * `connect-db`. Its code format and lifetime are not public; both are options here.
 */
export class PairingProxy {
  readonly entries = new Map<string, PairingEntry>();

  constructor(private readonly ttlMs = PAIRING_CODE_TTL_MS, private readonly now: () => number = Date.now) {}

  /** Box side. */
  connectBox(params: Record<string, unknown>): Record<string, unknown> {
    const code = typeof params.pairing_code === 'string' ? params.pairing_code : null;
    const uuid = typeof params.pairing_uuid === 'string' ? params.pairing_uuid : null;
    if (!code || !uuid) return { jsonrpc: '2.0', id: null, result: this.issue(typeof params.serial_number === 'string' ? params.serial_number : null) };
    const entry = this.entries.get(code);
    // connection_manager.py only knows `error == "expired"`: an unknown code is one that is gone.
    if (!entry || entry.uuid !== uuid || this.now() >= entry.expiresAt) {
      if (entry) this.entries.delete(code);
      return { jsonrpc: '2.0', id: null, error: 'expired' };
    }
    if (entry.grant) {
      this.entries.delete(code);
      return { jsonrpc: '2.0', id: null, result: entry.grant };
    }
    return { jsonrpc: '2.0', id: null, result: { pairing_code: entry.code, pairing_uuid: entry.uuid } };
  }

  /** Database side: an `error` key means the code was not found (or has expired). */
  connectDb(params: Record<string, unknown>): Record<string, unknown> {
    const code = typeof params.pairing_code === 'string' ? params.pairing_code.trim().toUpperCase() : '';
    const entry = this.entries.get(code);
    if (!entry || this.now() >= entry.expiresAt) return { jsonrpc: '2.0', id: null, error: `pairing code "${code}" not found` };
    const missing = ['database_url', 'token', 'db_uuid', 'enterprise_code'].filter((k) => typeof params[k] !== 'string' || !params[k]);
    if (missing.length) return { jsonrpc: '2.0', id: null, error: `missing ${missing.join(', ')}` };
    entry.grant = { url: params.database_url as string, token: params.token as string, db_uuid: params.db_uuid as string, enterprise_code: params.enterprise_code as string };
    return { jsonrpc: '2.0', id: null, result: true };
  }

  /** Fault hook: the code expires now. */
  expire(code: string): void {
    const entry = this.entries.get(code);
    if (entry) entry.expiresAt = this.now();
  }

  route(): Route {
    return async (req, res, url) => {
      if (!url.pathname.startsWith(PAIRING_PROXY_PATH) || req.method !== 'POST') return false;
      const action = url.pathname.slice(PAIRING_PROXY_PATH.length);
      if (action !== 'connect-box' && action !== 'connect-db') return false;
      try {
        const { params } = await readJsonRequest(req);
        sendJson(res, 200, action === 'connect-box' ? this.connectBox(params) : this.connectDb(params));
      } catch (error) {
        if (!(error instanceof BadRequestError)) throw error;
        sendText(res, 400, `Bad Request: ${error.message}`);
      }
      return true;
    };
  }

  private issue(serialNumber: string | null): { pairing_code: string; pairing_uuid: string } {
    let code: string;
    do code = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    while (this.entries.has(code));
    const entry: PairingEntry = { code, uuid: randomUUID(), serialNumber, expiresAt: this.now() + this.ttlMs, grant: null };
    this.entries.set(code, entry);
    return { pairing_code: entry.code, pairing_uuid: entry.uuid };
  }
}
