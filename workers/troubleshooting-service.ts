/**
 * Gathers the evidence the troubleshooting checks judge (src/hub/troubleshooting/checks.ts):
 * the link's state, what the devices refused, storage, and a few read-only probes of the Odoo
 * paths at the hub's own origin. Runs on demand, and again when the link or devices change.
 */
import { proxyMarker } from 'comlink';
import type { GrantedDeviceInfo } from '../src/hub/devices.ts';
import type { LinkSnapshot } from '../src/hub/link/contract.ts';
import type { ProtocolWatch } from '../src/hub/troubleshooting/protocol-watch.ts';
import {
  runChecks, type CheckResult, type DatabaseProbe, type DeviceFailure, type Evidence, type ServerProbe, type WindowFacts,
} from '../src/hub/troubleshooting/checks.ts';
import { probeDatabases, probeServer } from '../src/hub/troubleshooting/probes.ts';
import type { DeviceFailureCause } from './device-manager.ts';

/** Probes hit the server: not more often than this when events trigger them. */
const PROBE_MIN_INTERVAL_MS = 15_000;
const EVENT_SETTLE_MS = 500;

export interface TroubleshootingHub {
  /** Counts protocol trouble in the log from the hub's start on, before this service loads. */
  watch: ProtocolWatch;
  subscribe(listener: () => void): void;
  identity(): { identifier: string; version: string };
  link(): LinkSnapshot;
  devices(): {
    claimed: Array<{ transport: string; name: string }>;
    unclaimed: Array<GrantedDeviceInfo & { failure?: DeviceFailureCause | null }>;
  };
  localServer(): Evidence['localServer'];
  fetch?: typeof fetch;
}

export class TroubleshootingService {
  readonly [proxyMarker] = true;
  private readonly listeners = new Set<() => void>();
  private server: ServerProbe = { kind: 'not-run' };
  private database: DatabaseProbe = { databases: null, loginBinding: 'not-tried', boxListed: null };
  private windowFacts: WindowFacts | null = null;
  private storage: Evidence['storage'] = { persisted: null, usage: null, quota: null };
  private last: CheckResult[] = [];
  private lastProbe = 0;
  private probing: Promise<void> | null = null;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  private linkKey = '';

  constructor(private readonly hub: TroubleshootingHub) {
    hub.subscribe(() => this.hubChanged());
    this.last = runChecks(this.evidence());
  }

  results(): CheckResult[] {
    return this.last;
  }

  /** Every check, with fresh probes. */
  async run(): Promise<CheckResult[]> {
    await this.probe();
    return this.evaluate();
  }

  /** What only the window knows (device APIs, the device chooser); re-judges at once. */
  setWindowFacts(facts: WindowFacts): CheckResult[] {
    this.windowFacts = facts;
    return this.evaluate();
  }

  /** `listener` is a comlink proxy when called from the window. */
  subscribe(listener: () => void): void {
    this.listeners.add(listener);
  }

  stop(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.listeners.clear();
  }

  private hubChanged(): void {
    if (this.settleTimer) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      // A change of link state (refused, retrying, version trouble) is worth a fresh look at the server.
      const link = this.hub.link();
      const key = `${link.paired}|${link.registration.state}|${link.bus.state}|${/OUTDATED_VERSION/.test(link.bus.detail)}|${link.pairingCode.state}`;
      const linkMoved = key !== this.linkKey;
      this.linkKey = key;
      if (linkMoved && Date.now() - this.lastProbe >= PROBE_MIN_INTERVAL_MS) void this.run();
      else this.evaluate();
    }, EVENT_SETTLE_MS);
  }

  private async probe(): Promise<void> {
    if (this.probing) return this.probing;
    this.probing = (async () => {
      this.lastProbe = Date.now();
      const link = this.hub.link();
      const options = { fetch: this.hub.fetch, dbName: link.dbName };
      const [server, database, storage] = await Promise.all([
        probeServer(options),
        link.paired ? probeDatabases(this.hub.identity().identifier, options) : Promise.resolve(this.database),
        readStorage(),
      ]);
      this.server = server;
      this.database = database;
      this.storage = storage;
    })().finally(() => (this.probing = null));
    return this.probing;
  }

  private evaluate(): CheckResult[] {
    this.last = runChecks(this.evidence());
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        this.listeners.delete(listener);
      }
    }
    return this.last;
  }

  private evidence(): Evidence {
    const link = this.hub.link();
    const devices = this.hub.devices();
    const failures: DeviceFailure[] = devices.unclaimed
      .filter((d) => d.failure)
      .map((d) => ({ transport: d.transport, label: d.label, name: d.failure!.name, message: d.failure!.message }));
    const watched = this.hub.watch.snapshot();
    return {
      identifier: this.hub.identity().identifier,
      hubSerie: /-(\d+\.\d+)/.exec(this.hub.identity().version)?.[1] ?? '',
      platform: currentPlatform(),
      pageOrigin: self.location.origin,
      localServer: this.hub.localServer(),
      link: {
        paired: link.paired, serverUrl: link.serverUrl, dbName: link.dbName, registration: link.registration,
        bus: { state: link.bus.state, detail: link.bus.detail, versionFetches: link.bus.versionFetches },
        pairingCode: link.pairingCode, ...watched,
      },
      server: this.server,
      database: this.database,
      devices: { claimed: devices.claimed, failures },
      window: this.windowFacts,
      storage: this.storage,
    };
  }
}

async function readStorage(): Promise<Evidence['storage']> {
  const storage = (self.navigator as Navigator).storage;
  if (!storage?.persisted) return { persisted: null, usage: null, quota: null };
  const [persisted, estimate] = await Promise.all([
    storage.persisted().catch(() => null),
    storage.estimate?.().catch(() => null) ?? Promise.resolve(null),
  ]);
  return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
}

export function currentPlatform(): Evidence['platform'] {
  const nav = self.navigator as Navigator & { userAgentData?: { platform?: string } };
  const name = (nav.userAgentData?.platform || nav.platform || nav.userAgent || '').toLowerCase();
  if (name.includes('android')) return 'android';
  if (name.includes('cros') || name.includes('chrome os')) return 'chromeos';
  if (name.includes('linux')) return 'linux';
  if (name.includes('win')) return 'windows';
  if (name.includes('mac')) return 'mac';
  return 'other';
}
