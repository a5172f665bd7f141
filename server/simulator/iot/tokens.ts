import { randomBytes } from 'node:crypto';
import { TOKEN_TTL_MS } from './constants.ts';
import type { DatabaseIdentity } from './identity.ts';

/** odoo-iot.md §2.1: the three connection-token generations the IoT app has produced over time. */
export type TokenGeneration = 'old' | '18' | '19';

export interface IssuedToken {
  token: string;
  expiresAt: number;
  /** Box identifier that consumed the token with a successful registration. */
  consumedBy: string | null;
}

export type TokenCheck = 'valid' | 'unknown' | 'expired' | 'consumed';

/** Connection tokens of the database: 32 hex chars, valid ~15 min, consumed by the first successful registration. */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly now: () => number = Date.now, private readonly ttlMs = TOKEN_TTL_MS) {}

  issue(ttlMs = this.ttlMs): IssuedToken {
    const issued = { token: randomBytes(16).toString('hex'), expiresAt: this.now() + ttlMs, consumedBy: null };
    this.tokens.set(issued.token, issued);
    return issued;
  }

  check(token: unknown): TokenCheck {
    const issued = typeof token === 'string' ? this.tokens.get(token) : undefined;
    if (!issued) return 'unknown';
    if (issued.consumedBy) return 'consumed';
    if (this.now() >= issued.expiresAt) return 'expired';
    return 'valid';
  }

  consume(token: string, boxIdentifier: string): void {
    const issued = this.tokens.get(token);
    if (issued) issued.consumedBy = boxIdentifier;
  }

  /** Fault hook: the token expires now. */
  expire(token: string): void {
    const issued = this.tokens.get(token);
    if (issued) issued.expiresAt = this.now();
  }

  get(token: string): IssuedToken | undefined {
    return this.tokens.get(token);
  }
}

/** The string the IoT app shows for copy, in the format of the asked generation (odoo-iot.md §2.1). */
export function formatConnectionToken(generation: TokenGeneration, serverUrl: string, token: string, identity: DatabaseIdentity): string {
  const url = serverUrl.replace(/\/+$/, '');
  if (generation === 'old') return `${url}|${token}|${identity.dbUuid}|${identity.enterpriseCode}`;
  const query = new URLSearchParams({ token, db_uuid: identity.dbUuid, enterprise_code: identity.enterpriseCode });
  if (generation === '19') query.set('db_name', identity.dbName);
  return `${url}?${query}`;
}
