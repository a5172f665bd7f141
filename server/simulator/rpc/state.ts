import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { ModelRegistry, AccessDenied, PythonError } from '../models.ts';

export interface SimulatorUser {
  login: string;
  password: string;
  /** API keys work as the password for authenticate / execute_kw and as JSON-2 bearer tokens. */
  apiKeys?: string[];
  name?: string;
}

export interface UserRow extends SimulatorUser {
  id: number;
  apiKeys: string[];
}

/** `common.version` as a real 19.0 community server answers it (odoo-rpc.md §1). */
export const ODOO_19_VERSION = {
  server_version: '19.0',
  server_version_info: [19, 0, 0, 'final', 0, ''],
  server_serie: '19.0',
  protocol_version: 1,
} as const;

export interface RpcStateOptions {
  database?: string;
  users?: SimulatorUser[];
  version?: Record<string, unknown>;
  /** An existing registry to add res.users to (another part may own it). */
  registry?: ModelRegistry;
}

interface WebSession {
  uid: number;
  db: string;
}

/** The Odoo database behind the RPC routes: users, their credentials, the models and web sessions. */
export class RpcState {
  readonly database: string;
  readonly version: Record<string, unknown>;
  readonly registry: ModelRegistry;
  readonly users: UserRow[];
  private readonly sessions = new Map<string, WebSession>();
  /** Fields other parts add to the session info (the IoT part: `websocket_worker_version`, which the bus module adds). */
  sessionInfoExtra: () => Record<string, unknown> = () => ({});

  constructor(options: RpcStateOptions = {}) {
    this.database = options.database ?? 'odoo';
    this.version = options.version ?? { ...ODOO_19_VERSION, server_version_info: [...ODOO_19_VERSION.server_version_info] };
    this.registry = options.registry ?? new ModelRegistry();
    // Odoo's admin is uid 2 (uid 1 is the superuser "__system__", which cannot log in).
    this.users = (options.users ?? [{ login: 'admin', password: 'admin' }]).map((u, i) => ({ ...u, id: i + 2, apiKeys: u.apiKeys ?? [], name: u.name ?? u.login }));
    this.registry.register('res.users', {
      fields: { login: '', name: '', active: true },
      records: this.users.map((u) => ({ id: u.id, login: u.login, name: u.name, active: true })),
      readonly: true,
    });
  }

  /** Odoo answers a call naming another database with a database error, not a clean refusal. */
  checkDatabase(db: unknown): void {
    if (db !== this.database) throw PythonError('psycopg2.OperationalError', `connection to server failed: FATAL:  database "${String(db)}" does not exist`);
  }

  /** `common.authenticate` / `login`: the uid, or null for wrong credentials. API keys count unless `passwordOnly`. */
  authenticate(login: unknown, secret: unknown, { passwordOnly = false } = {}): number | null {
    const user = this.users.find((u) => u.login === login);
    if (!user || typeof secret !== 'string' || !secret) return null;
    if (user.password === secret) return user.id;
    return !passwordOnly && user.apiKeys.includes(secret) ? user.id : null;
  }

  /** `security.check(db, uid, password)` before every execute_kw. */
  check(uid: unknown, secret: unknown): number {
    const user = this.users.find((u) => u.id === uid);
    if (!user || (user.password !== secret && !user.apiKeys.includes(secret as string))) throw AccessDenied();
    return user.id;
  }

  /** JSON-2 bearer: API keys only, passwords are refused. */
  userOfApiKey(key: string): number | null {
    return this.users.find((u) => u.apiKeys.includes(key))?.id ?? null;
  }

  setPassword(login: string, password: string): void {
    const user = this.users.find((u) => u.login === login);
    if (!user) throw new Error(`no simulated user "${login}"`);
    user.password = password;
  }

  openSession(uid: number): string {
    const sid = randomBytes(20).toString('hex');
    this.sessions.set(sid, { uid, db: this.database });
    return sid;
  }

  session(req: http.IncomingMessage): WebSession | null {
    const sid = /(?:^|;\s*)session_id=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    return (sid && this.sessions.get(sid)) || null;
  }

  /** Ends every web session, as a server restart with a fresh filestore or a timeout would. */
  expireSessions(): void {
    this.sessions.clear();
  }
}

export function createRpcState(options: RpcStateOptions = {}): RpcState {
  return new RpcState(options);
}
