import { proxyMarker } from 'comlink';
import type { HubDb } from '../src/store/db.ts';
import type { ConnectionRecord } from '../src/store/schema.ts';
import type { ScopedLogger } from '../src/hub/logger.ts';
import { registerSecret, forgetSecret } from '../src/hub/redact.ts';
import { OdooClient, type OdooClientOptions } from '../src/odoo/client.ts';
import { ConnectionPool, DEFAULT_POOL_WAIT_MS } from '../src/odoo/pool.ts';
import { OdooError, describeOdooError } from '../src/odoo/errors.ts';
import { ping, type PingResult } from '../src/odoo/ping.ts';
import { ConnectionStore, checkNewPassword, toView, type ConnectionInput, type ConnectionView } from '../src/odoo/connection-store.ts';
import type { PageContext } from '../src/odoo/target.ts';

export type { ConnectionInput, ConnectionView, PingResult };

export interface ConnectionsServiceOptions {
  /** The page context the clients resolve targets against (forwarded Odoo, own origin). */
  page: () => PageContext;
  fetch?: typeof fetch;
  poolWaitMs?: number;
  onChange?: () => void;
}

/**
 * Outgoing Odoo connections in the worker: definitions, their pools of logged-in clients, ping
 * and calls. Secrets stay here: the window only ever gets `ConnectionView`s.
 */
export class ConnectionsService {
  /** Lets the window type `api.connections.list()` as one remote object (comlink proxies it). */
  readonly [proxyMarker] = true;
  private readonly store: ConnectionStore;
  private readonly pools = new Map<string, ConnectionPool<OdooClient>>();

  constructor(db: HubDb, private readonly log: ScopedLogger, private readonly options: ConnectionsServiceOptions) {
    this.store = new ConnectionStore(db);
  }

  async list(): Promise<ConnectionView[]> {
    const all = await this.store.all();
    return all.sort((a, b) => a.name.localeCompare(b.name)).map(toView);
  }

  async create(input: ConnectionInput): Promise<ConnectionView> {
    const record = await this.store.create(input);
    registerSecret(record.secret);
    this.log.info(`connection "${record.name}" created (${record.protocol} ${record.host}:${record.port}, database ${record.database})`);
    this.changed();
    return toView(record);
  }

  async update(id: string, input: ConnectionInput): Promise<ConnectionView> {
    const record = await this.store.update(id, input);
    // Host, user or protocol may have changed: clients logged in with the old ones must go.
    this.endPool(id, record.isActive ? 'was edited; calls waiting for it were cancelled' : 'was deactivated');
    this.log.info(`connection "${record.name}" updated${record.isActive ? '' : ' (inactive)'}`);
    this.changed();
    return toView(record);
  }

  async remove(id: string): Promise<void> {
    const record = await this.store.require(id);
    await this.store.remove(id);
    this.endPool(id, 'was deleted');
    forgetSecret(record.secret);
    this.log.info(`connection "${record.name}" deleted`);
    this.changed();
  }

  async changePassword(id: string, password: string, again: string): Promise<void> {
    const secret = checkNewPassword(password, again);
    const previous = await this.store.require(id);
    registerSecret(secret);
    const record = await this.store.setSecret(id, secret);
    forgetSecret(previous.secret);
    this.endPool(id, 'got a new password; calls waiting for it were cancelled');
    this.log.info(`connection "${record.name}": password changed`);
    this.changed();
  }

  async ping(id: string): Promise<PingResult> {
    const record = await this.store.require(id);
    const result = await ping(record, this.clientOptions());
    await this.store.setLastPing(id, { ok: result.ok, at: Date.now(), text: result.text, serverVersion: result.serverVersion });
    (result.ok ? this.log.info : this.log.warning)(`connection "${record.name}": ${result.text}${result.serverVersion ? ` (Odoo ${result.serverVersion})` : ''}`);
    this.changed();
    return result;
  }

  /** One execute_kw through the connection's pool. Inactive connections refuse calls. */
  async call(id: string, model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<unknown> {
    const record = await this.store.require(id);
    if (!record.isActive) throw new OdooError('inactive', `the connection ${record.name} is not active`);
    try {
      return await this.pool(record).use((client) => client.executeKw(model, method, args, kwargs));
    } catch (error) {
      this.log.warning(`connection "${record.name}": ${model}.${method} failed: ${describeOdooError(error)}`);
      throw error;
    }
  }

  stop(): void {
    for (const id of [...this.pools.keys()]) this.endPool(id, 'was stopped with the hub');
  }

  private pool(record: ConnectionRecord): ConnectionPool<OdooClient> {
    let pool = this.pools.get(record.id);
    if (!pool) {
      pool = new ConnectionPool({
        name: record.name,
        size: record.poolSize,
        maxWaitMs: this.options.poolWaitMs ?? DEFAULT_POOL_WAIT_MS,
        create: () => new OdooClient(record, this.clientOptions()),
      });
      this.pools.set(record.id, pool);
    }
    return pool;
  }

  private endPool(id: string, reason: string): void {
    this.pools.get(id)?.close(reason);
    this.pools.delete(id);
  }

  private clientOptions(): OdooClientOptions {
    return { page: this.options.page(), fetch: this.options.fetch };
  }

  private changed(): void {
    this.options.onChange?.();
  }
}
