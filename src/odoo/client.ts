import { OdooError } from './errors.ts';
import { JsonRpcDriver, WebSessionDriver } from './json-rpc.ts';
import { XmlRpcDriver } from './xml-rpc.ts';
import { Json2Driver } from './json2.ts';
import { DEFAULT_RETRY, READ_ONLY_METHODS, withRetry, type RetryPolicy } from './retry.ts';
import { resolveTarget, currentPageContext, type OdooProtocol, type PageContext } from './target.ts';
import type { Credentials, ProtocolDriver, ServerVersion } from './protocol.ts';
import type { HttpOptions } from './http-transport.ts';
import { registerSecret } from '../hub/redact.ts';

export type { ServerVersion, Credentials };

/** What a client needs to reach one Odoo database as one user. */
export interface OdooTarget {
  protocol: OdooProtocol;
  host: string;
  port: number;
  database: string;
  user: string;
  secret: string;
}

export interface OdooClientOptions extends Omit<HttpOptions, 'crossOrigin'> {
  /** Where the code runs; defaults to the current global (window, worker or Node). */
  page?: PageContext;
  retry?: RetryPolicy;
  /**
   * JSON-RPC only: log in through /web/session/authenticate and call /web/dataset/call_kw with
   * the session cookie, as Odoo's web client does (passwords only, no API keys).
   */
  webSession?: boolean;
}

/**
 * One interface over JSON-RPC, XML-RPC and JSON-2, in a window, a worker or Node. It logs in once
 * and keeps the user id; when the server says the session expired it logs in again, once. Calls
 * that only read are retried with backoff on network failures; others are sent exactly once.
 */
export class OdooClient {
  readonly protocol: OdooProtocol;
  private readonly driver: ProtocolDriver;
  private readonly credentials: Credentials;
  private readonly retry: RetryPolicy;
  private uid: Promise<number> | null = null;

  constructor(target: OdooTarget, options: OdooClientOptions = {}) {
    this.protocol = target.protocol;
    registerSecret(target.secret);
    const resolved = resolveTarget(target.host, target.port, target.protocol, options.page ?? currentPageContext());
    const driverOptions = { ...options, base: resolved.base, crossOrigin: resolved.crossOrigin };
    this.driver =
      target.protocol === 'JSON-2' ? new Json2Driver(driverOptions)
      : target.protocol.startsWith('XML-RPC') ? new XmlRpcDriver(driverOptions)
      : options.webSession ? new WebSessionDriver(driverOptions)
      : new JsonRpcDriver(driverOptions);
    this.credentials = { database: target.database, login: target.user, secret: target.secret };
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  version(): Promise<ServerVersion> {
    return withRetry(true, this.retry, () => this.driver.version());
  }

  /** Logs in (again) and returns the user id; a refused login is an access-denied error. */
  login(): Promise<number> {
    const attempt = withRetry(true, this.retry, () => this.driver.login(this.credentials)).then((uid) => {
      if (uid === null) throw new OdooError('access-denied', `login "${this.credentials.login}" on database "${this.credentials.database}" was refused`);
      return uid;
    });
    this.uid = attempt;
    attempt.catch(() => {
      if (this.uid === attempt) this.uid = null;
    });
    return attempt;
  }

  async executeKw(model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<unknown> {
    const safe = READ_ONLY_METHODS.has(method);
    const uid = await (this.uid ?? this.login());
    try {
      return await withRetry(safe, this.retry, () => this.driver.executeKw(this.credentials, uid, model, method, args, kwargs));
    } catch (error) {
      if (!(error instanceof OdooError) || error.kind !== 'session-expired') throw error;
      const fresh = await this.login();
      return withRetry(safe, this.retry, () => this.driver.executeKw(this.credentials, fresh, model, method, args, kwargs));
    }
  }

  searchRead(model: string, domain: unknown[], kwargs: Record<string, unknown> = {}): Promise<unknown> {
    return this.executeKw(model, 'search_read', [domain], kwargs);
  }
}
