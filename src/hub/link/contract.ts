/**
 * What the rest of the hub gives the link (identity, devices, settings, timing) and what the link
 * shows of itself (the snapshot the homepage, the troubleshooting checks and the tests read).
 */
import type { HubDb } from '../../store/db.ts';
import type { Device, DeviceEvent, GrantedDeviceInfo } from '../devices.ts';
import type { Activity } from '../activity.ts';
import type { Logger } from '../logger.ts';
import type { BusState } from '../../odoo/iot/bus-client.ts';
import type { PairingCodeState } from '../../odoo/iot/pairing-code.ts';
import type { Clock } from './clock.ts';
import type { RegistrationState } from './registration.ts';
import type { KnownDevice, LinkJob } from './job-queue.ts';

export interface LinkIdentity {
  identifier: string;
  version: string;
  address: string;
}

export interface IotLinkTiming {
  pairingPollDelayMs?(n: number): number;
  pairingShownMs?: number;
  busReconnectMinMs?: number;
  registrationRetryMs?: number;
  outboxRetryMinMs?: number;
  /** How often the registration facts (address, devices, version) are re-checked. */
  registrationCheckMs?: number;
  /** The longest wait between two tries to reach the server (bus, outbox, registration). */
  retryMaxMs?: number;
}

export interface IotLinkDeps {
  db: HubDb;
  logger: Logger;
  activity: Activity;
  identity(): LinkIdentity;
  hubName(): string;
  pairingProxyUrl(): string;
  /** Refreshes what `identity()` returns from outside facts (the local server's view of the LAN address); called before each periodic registration check. */
  refreshIdentity?(): Promise<void>;
  /** The Odoo origin the local server forwards to, when it does; null when unknown (same origin or demo). */
  forwardedOdooOrigin?(): string | null;
  devices: {
    get(identifier: string): Device | undefined;
    listing(): { devices: Device[]; unclaimed: GrantedDeviceInfo[] };
    onChange(listener: () => void): () => void;
    onDeviceEvent(listener: (event: DeviceEvent) => void): () => void;
  };
  onChange(): void;
  fetch?: typeof fetch;
  clock?: Clock;
  timing?: IotLinkTiming;
}

export interface LinkSnapshot {
  paired: boolean;
  serverUrl: string;
  dbName: string;
  pairedAt: number;
  registration: { state: RegistrationState; message: string };
  /** Why the hub may not reach the database's current URL (after server_update), or ''. */
  serverNotice: string;
  bus: { state: BusState; detail: string; last: number; versionFetches: number; openedAt: number };
  pairingCode: PairingCodeState;
  channels: number;
  outbox: { pending: number; lastError: string };
  jobs: LinkJob[];
  /** Actions received again with an action_unique_id already handled, and dropped. */
  duplicatesDropped: number;
  knownDevices: KnownDevice[];
}
