import type { HttpOptions } from './http-transport.ts';
import { OdooError } from './errors.ts';

export interface Credentials {
  database: string;
  login: string;
  /** Password or API key. */
  secret: string;
}

/** What `common.version` (and /web/webclient/version_info) tells about the server. */
export interface ServerVersion {
  serverVersion: string;
  serverSerie: string | null;
  versionInfo: unknown[] | null;
  protocolVersion: number | null;
}

/** One wire protocol. The common client (client.ts) adds login caching, retries and re-login. */
export interface ProtocolDriver {
  version(): Promise<ServerVersion>;
  /** The user id, or null when the server refuses the credentials by answering false. */
  login(credentials: Credentials): Promise<number | null>;
  executeKw(credentials: Credentials, uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown>;
}

/**
 * The external API's services (`common`, `object`, `db`) as JSON-RPC and XML-RPC both carry
 * them: a protocol only says how one service call travels.
 */
export abstract class ServiceCallDriver implements ProtocolDriver {
  protected abstract call(service: 'common' | 'object' | 'db', method: string, args: unknown[]): Promise<unknown>;

  async version(): Promise<ServerVersion> {
    return toServerVersion(await this.call('common', 'version', []));
  }

  async login({ database, login, secret }: Credentials): Promise<number | null> {
    return toUid(await this.call('common', 'login', [database, login, secret]), 'common.login');
  }

  executeKw({ database, secret }: Credentials, uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown> {
    return this.call('object', 'execute_kw', [database, uid, secret, model, method, args, kwargs]);
  }
}

export interface DriverOptions extends HttpOptions {
  /** '' for same-origin relative paths, else the Odoo origin. */
  base: string;
}

export function toServerVersion(value: unknown): ServerVersion {
  if (value === null || typeof value !== 'object' || typeof (value as { server_version?: unknown }).server_version !== 'string') {
    throw new OdooError('bad-answer', 'the version answer has no server_version');
  }
  const v = value as { server_version: string; server_serie?: unknown; server_version_info?: unknown; protocol_version?: unknown };
  return {
    serverVersion: v.server_version,
    serverSerie: typeof v.server_serie === 'string' ? v.server_serie : null,
    versionInfo: Array.isArray(v.server_version_info) ? v.server_version_info : null,
    protocolVersion: typeof v.protocol_version === 'number' ? v.protocol_version : null,
  };
}

export function toUid(value: unknown, what: string): number | null {
  if (value === false || value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new OdooError('bad-answer', `${what} answered ${JSON.stringify(value)?.slice(0, 60)}, not a user id or false`);
}
