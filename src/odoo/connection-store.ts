import type { HubDb } from '../store/db.ts';
import type { ConnectionRecord } from '../store/schema.ts';
import { DEFAULT_ODOO_PORT, PROTOCOLS, type OdooProtocol } from './target.ts';
import { DEFAULT_POOL_SIZE } from './pool.ts';

/** Far more than a terminal needs; bounds what one definition can open. */
export const MAX_POOL_SIZE = 32;

/** What a person types in the create/edit form: everything but the secret. */
export interface ConnectionInput {
  name: string;
  isActive: boolean;
  host: string;
  port?: number;
  database: string;
  user: string;
  protocol: OdooProtocol;
  poolSize?: number;
}

/** A definition as the UI sees it: the secret never leaves the worker. */
export type ConnectionView = Omit<ConnectionRecord, 'secret'> & { hasSecret: true };

export class ConnectionInputError extends Error {
  name = 'ConnectionInputError';
  constructor(readonly field: keyof ConnectionInput | 'password', message: string) {
    super(message);
  }
}

export function toView({ secret: _secret, ...rest }: ConnectionRecord): ConnectionView {
  return { ...rest, hasSecret: true };
}

/** Checks and normalises a form's values; throws a ConnectionInputError naming the field. */
export function validateInput(input: ConnectionInput): Required<ConnectionInput> {
  const name = String(input.name ?? '').trim();
  if (!name) throw new ConnectionInputError('name', 'the name is required');
  if (name.length > 200) throw new ConnectionInputError('name', 'the name is longer than 200 characters');
  const host = String(input.host ?? '').trim();
  if (!host) throw new ConnectionInputError('host', 'the host is required');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) throw new ConnectionInputError('host', 'give the host without http:// or https:// (the protocol field chooses)');
  if (!isHostname(host)) throw new ConnectionInputError('host', `"${host}" is not a host name or IP address (no port, path or spaces)`);
  const port = input.port === undefined || (input.port as unknown) === '' ? DEFAULT_ODOO_PORT : Number(input.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConnectionInputError('port', `port ${input.port} is not between 1 and 65535`);
  const database = String(input.database ?? '').trim();
  if (!database) throw new ConnectionInputError('database', 'the database name is required');
  const user = String(input.user ?? '').trim();
  if (!user) throw new ConnectionInputError('user', 'the user (login) is required');
  if (!PROTOCOLS.includes(input.protocol)) throw new ConnectionInputError('protocol', `protocol must be one of ${PROTOCOLS.join(', ')}`);
  const poolSize = input.poolSize === undefined || (input.poolSize as unknown) === '' ? DEFAULT_POOL_SIZE : Number(input.poolSize);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > MAX_POOL_SIZE) {
    throw new ConnectionInputError('poolSize', `pool size must be a whole number from 1 to ${MAX_POOL_SIZE}`);
  }
  return { name, isActive: Boolean(input.isActive), host, port, database, user, protocol: input.protocol, poolSize };
}

function isHostname(host: string): boolean {
  if (/^\[[0-9a-f:.]+\]$/i.test(host)) return true; // IPv6 literal
  return /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*\.?$/i.test(host) || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/** Zato's default: uuid4().hex, so a new connection cannot log in until the real password is set. */
export function newRandomPassword(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

export function checkNewPassword(first: string, second: string): string {
  if (!first) throw new ConnectionInputError('password', 'the password or API key is empty');
  if (first !== second) throw new ConnectionInputError('password', 'the two entries differ: type the same password or API key twice');
  return first;
}

/** Connection definitions in the hub's `connections` store; names are unique (a unique index). */
export class ConnectionStore {
  constructor(private readonly db: HubDb) {}

  all(): Promise<ConnectionRecord[]> {
    return this.db.getAll('connections');
  }

  get(id: string): Promise<ConnectionRecord | undefined> {
    return this.db.get('connections', id);
  }

  async create(input: ConnectionInput): Promise<ConnectionRecord> {
    const record: ConnectionRecord = { id: crypto.randomUUID(), ...validateInput(input), secret: newRandomPassword() };
    await this.write(record, true);
    return record;
  }

  async update(id: string, input: ConnectionInput): Promise<ConnectionRecord> {
    const current = await this.require(id);
    const record: ConnectionRecord = { ...current, ...validateInput(input) };
    await this.write(record, false);
    return record;
  }

  async setSecret(id: string, secret: string): Promise<ConnectionRecord> {
    const record = { ...(await this.require(id)), secret };
    await this.db.put('connections', record);
    return record;
  }

  async setLastPing(id: string, lastPing: NonNullable<ConnectionRecord['lastPing']>): Promise<void> {
    const current = await this.get(id);
    if (current) await this.db.put('connections', { ...current, lastPing });
  }

  async remove(id: string): Promise<void> {
    await this.db.delete('connections', id);
  }

  async require(id: string): Promise<ConnectionRecord> {
    const record = await this.get(id);
    if (!record) throw new ConnectionInputError('name', 'no such connection (was it deleted in another window?)');
    return record;
  }

  private async write(record: ConnectionRecord, isNew: boolean): Promise<void> {
    const tx = this.db.transaction('connections', 'readwrite');
    const sameName = await tx.store.index('name').get(record.name);
    if (sameName && sameName.id !== record.id) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new ConnectionInputError('name', `a connection named "${record.name}" already exists`);
    }
    await (isNew ? tx.store.add(record) : tx.store.put(record));
    await tx.done;
  }
}
