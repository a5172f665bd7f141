import { randomBytes, randomUUID } from 'node:crypto';
import { WORKER_VERSION, type ServerSerie } from './constants.ts';

/** Who the simulated database is: what a connection token and the IoT app carry. */
export interface DatabaseIdentity {
  dbUuid: string;
  /** Enterprise subscription code (real ones look like `M2305xxxxxxxxx`). */
  enterpriseCode: string;
  dbName: string;
  serverSerie: ServerSerie;
  /** `websocket_worker_version` the bus demands from browsers. */
  workerVersion: string;
}

export interface IdentityOptions {
  dbUuid?: string;
  enterpriseCode?: string;
  dbName?: string;
  serverSerie?: ServerSerie;
  workerVersion?: string;
}

export function createIdentity(options: IdentityOptions = {}): DatabaseIdentity {
  const serverSerie = options.serverSerie ?? '19.0';
  return {
    dbUuid: options.dbUuid ?? randomUUID(),
    enterpriseCode: options.enterpriseCode ?? `M${randomBytes(6).toString('hex').toUpperCase()}`,
    dbName: options.dbName ?? 'simulated-shop',
    serverSerie,
    workerVersion: options.workerVersion ?? WORKER_VERSION[serverSerie],
  };
}
