import type http from 'node:http';
import { randomBytes } from 'node:crypto';

/** An Odoo web session as far as the simulator needs one: the database it is bound to. */
export interface WebSession {
  sid: string;
  db: string | null;
  uid: number | null;
}

export const SESSION_COOKIE = 'session_id';

/** Session cookies (`session_id`), shared by every part of the simulator that needs one. */
export class SessionStore {
  private readonly sessions = new Map<string, WebSession>();

  get(req: http.IncomingMessage): WebSession | undefined {
    const sid = readCookie(req.headers.cookie, SESSION_COOKIE);
    return sid ? this.sessions.get(sid) : undefined;
  }

  /** Returns the request's session, creating one (and telling the caller to set the cookie) when it has none. */
  ensure(req: http.IncomingMessage): { session: WebSession; setCookie: string | null } {
    const existing = this.get(req);
    if (existing) return { session: existing, setCookie: null };
    const session: WebSession = { sid: randomBytes(20).toString('hex'), db: null, uid: null };
    this.sessions.set(session.sid, session);
    return { session, setCookie: `${SESSION_COOKIE}=${session.sid}; HttpOnly; Path=/; SameSite=Lax` };
  }
}

export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
