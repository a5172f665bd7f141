import type { JobBreakdown } from '../hub/breakdown.ts';
import type { DBSchema } from 'idb';

/** One line of the hub's log. `message` is already redacted when it is stored. */
export interface LogRecord {
  seq?: number;
  time: number;
  level: 'debug' | 'info' | 'warning' | 'error';
  source: string;
  message: string;
}

/** The pairing with one Odoo database, as the connection token or pairing code gave it. */
export interface PairingRecord {
  id: 'current';
  serverUrl: string;
  token: string;
  dbUuid: string;
  enterpriseCode: string;
  dbName: string;
  /** The bus channel `/iot/setup` returned; empty until registration succeeds. */
  channel: string;
  /** Highest bus notification id seen, sent as `last` on resubscribe. */
  lastBusId: number;
  pairedAt: number;
}

/** An outgoing Odoo connection definition (shared/protocol/odoo-rpc.md §5). */
export interface ConnectionRecord {
  id: string;
  name: string;
  isActive: boolean;
  host: string;
  port: number;
  database: string;
  user: string;
  protocol: 'JSON-RPC' | 'JSON-RPCS' | 'XML-RPC' | 'XML-RPCS' | 'JSON-2';
  poolSize: number;
  /** Password or API key. Never rendered, logged or exported. */
  secret: string;
  lastPing?: { ok: boolean; at: number; text: string; serverVersion?: string };
}

/** What the user set for one device; the live device state is not stored. */
export interface DeviceRecord {
  identifier: string;
  name?: string;
  settings: Record<string, string | number | boolean>;
  lastSeen: number;
}

export type JobState = 'queued' | 'running' | 'held' | 'done' | 'failed' | 'uncertain' | 'cancelled';

/** One device action, written before the device is touched. */
export interface JobRecord {
  id: string;
  actionUniqueId: string | null;
  deviceIdentifier: string;
  action: string;
  data: unknown;
  sessionId: string;
  state: JobState;
  createdAt: number;
  updatedAt: number;
  result?: unknown;
  /** When the job started waiting for its offline device (its hold time counts from here). */
  heldAt?: number;
  /** The job this one prints again (Retry, Reprint). */
  repeatOf?: string;
  /** The bulky action data (receipt image, document) was dropped once finished, to bound the store. */
  trimmed?: boolean;
  /** Where the job's time went (src/hub/breakdown.ts); the result-sent marks are kept in memory only. */
  breakdown?: JobBreakdown;
}

/** A result or event waiting to reach Odoo, flushed in `seq` order. */
export interface OutboxRecord {
  seq?: number;
  createdAt: number;
  /** Events older than this are dropped, not sent late; results never expire. */
  expiresAt: number | null;
  body: unknown;
}

export interface SeenActionRecord {
  id: string;
  at: number;
}

export interface SettingRecord {
  key: string;
  value: unknown;
}

export interface HubDbSchema extends DBSchema {
  settings: { key: string; value: SettingRecord };
  pairing: { key: string; value: PairingRecord };
  logs: { key: number; value: LogRecord };
  seenActions: { key: string; value: SeenActionRecord; indexes: { at: number } };
  jobs: { key: string; value: JobRecord; indexes: { state: JobState; createdAt: number; device: string } };
  outbox: { key: number; value: OutboxRecord };
  connections: { key: string; value: ConnectionRecord; indexes: { name: string } };
  devices: { key: string; value: DeviceRecord };
}

export type StoreName = 'settings' | 'pairing' | 'logs' | 'seenActions' | 'jobs' | 'outbox' | 'connections' | 'devices';
