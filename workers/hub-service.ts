import { openHubDb, type HubDb } from '../src/store/db.ts';
import { readSettings, writeSetting, type HubSettings, type SettingKey } from '../src/store/settings.ts';
import { LogRing } from '../src/store/log-ring.ts';
import { Logger, describeError } from '../src/hub/logger.ts';
import { Activity } from '../src/hub/activity.ts';
import { hubVersion, isIdentifier, newIdentifier } from '../src/hub/identity.ts';
import type { DeviceDescription, DeviceEvent, GrantedDeviceInfo } from '../src/hub/devices.ts';
import type { LogRecord } from '../src/store/schema.ts';
import type { LastPrintSource } from './drivers/printer/printer-device.ts';
import { DeviceManager, type DeviceSources, type DriverFactory } from './device-manager.ts';
import type { ConnectionsService } from './connections-service.ts';
import { registerSecret } from '../src/hub/redact.ts';
import { LOCAL_SERVER_IDENTIFIER_PATH, LOCAL_SERVER_INFO_PATH, parseLocalServerInfo, type LocalServerInfo } from '../src/hub/local-server-info.ts';
export type { LocalServerInfo };
import { currentPageContext } from '../src/odoo/target.ts';
import { IotLink } from '../src/hub/link/coordinator.ts';
import type { IotLinkTiming, LinkSnapshot } from '../src/hub/link/contract.ts';
import type { DemoDevices, DemoDevicesState } from './virtual/demo-devices.ts';
import type { TroubleshootingService } from './troubleshooting-service.ts';
import { lazyService, type LazyService } from './lazy-service.ts';
import { ProtocolWatch } from '../src/hub/troubleshooting/protocol-watch.ts';
import { LocalDevices } from './local-devices.ts';
import { cleanDeviceSettings, type DeviceSettings } from './device-settings.ts';
import type { ScaleStatus } from './drivers/scale/reading.ts';
import type { NetworkPrinterService, NetworkPrintersState } from './network-printer-service.ts';

declare const __HUB_VERSION__: string;
declare const __BUILD_HASH__: string;

const IDENTIFIER_KEY = 'identifier';
const LOG_LINES_SHOWN = 200;
/** How many recent events per device the homepage can show (live weight, scan log). */
const RECENT_EVENTS_KEPT = 20;
/** Often enough for a live weight to look live, rarely enough to cost nothing in a burst. */
const CHANGE_NOTICE_MS = 50;

export interface Identity {
  identifier: string;
  version: string;
  address: string;
  /** Where the identifier survives: the local server's data directory, or only this browser profile. */
  identifierKeptBy: 'local-server' | 'browser';
}

export interface HubSnapshot {
  identity: Identity;
  settings: HubSettings;
  devices: DeviceDescription[];
  unclaimedDevices: Array<GrantedDeviceInfo & { problem: string | null }>;
  idle: boolean;
  localServer: LocalServerInfo | null;
  /** Newest last, per device identifier. */
  recentEvents: Record<string, Array<DeviceEvent & { time: number }>>;
  /** The link with the paired Odoo database: pairing, registration, bus, queue. */
  link: LinkSnapshot;
  /** The demo's virtual devices, once plugged (demo mode only). */
  demo: DemoDevicesState | null;
  /** Network and office printers through the local server; null without one (browser-only deployment). */
  printers: NetworkPrintersState | null;
}


export interface HubServiceOptions {
  dbName?: string;
  sources?: DeviceSources;
  factories?: readonly DriverFactory[];
  fetch?: typeof fetch;
  /** Shorter pairing, retry and reconnect delays for tests. */
  linkTiming?: IotLinkTiming;
  /** Loads the demo's virtual devices (a dynamic import: their code stays out of the initial bundle). */
  demoDevices?: () => Promise<typeof import('./virtual/demo-devices.ts')>;
}

/**
 * The hub itself: everything but UI, prompts, WebRTC and camera capture. It lives in the
 * dedicated worker and is reached from the window through comlink.
 */
export class HubService {
  readonly logger = new Logger();
  readonly activity = new Activity();
  private readonly log = this.logger.scope('hub');
  private readonly listeners = new Set<() => void>();
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private db!: HubDb;
  private ring!: LogRing;
  private devices!: DeviceManager;
  private connectionsService!: LazyService<ConnectionsService>;
  private iotLink!: IotLink;
  private readonly protocolWatch = new ProtocolWatch();
  private troubleshootingService!: LazyService<TroubleshootingService>;
  private localDevices!: LocalDevices;
  private identity!: Identity;
  private settings!: HubSettings;
  private localServer: LocalServerInfo | null = null;
  private deviceSettings = new Map<string, Record<string, string | number | boolean>>();
  private readonly recentEvents = new Map<string, Array<DeviceEvent & { time: number }>>();
  private demoStarting: Promise<void> | null = null;
  private demoDevices: DemoDevices | null = null;
  private networkPrinters: NetworkPrinterService | null = null;

  private options: HubServiceOptions = {};

  /** Options may arrive later (a test build loads its kit lazily): `start()` waits for them. */
  constructor(private readonly pendingOptions: HubServiceOptions | Promise<HubServiceOptions> = {}) {}

  async start(): Promise<HubSnapshot> {
    this.options = await this.pendingOptions;
    this.db = await openHubDb(this.options.dbName);
    this.ring = new LogRing(this.db);
    this.logger.addSink((record) => void this.ring.append(record).catch(() => undefined));
    this.logger.addSink((record) => this.protocolWatch.line(record.message));
    this.settings = await readSettings(this.db);
    for (const record of await this.db.getAll('devices')) this.deviceSettings.set(record.identifier, record.settings);
    this.localServer = await this.fetchLocalServerInfo();
    const { identifier, keptBy } = await this.loadIdentifier();
    this.identity = {
      identifier,
      identifierKeptBy: keptBy,
      version: hubVersion(__HUB_VERSION__, undefined, __BUILD_HASH__),
      address: this.settings.addressOverride || this.localServer?.address || self.location.hostname,
    };
    // Stored secrets are masked in every log line from the start, before the RPC code loads.
    for (const { secret } of await this.db.getAll('connections')) registerSecret(secret);
    this.connectionsService = lazyService(async () => {
      const { ConnectionsService } = await import('./connections-service.ts');
      return new ConnectionsService(this.db, this.logger.scope('odoo'), {
        page: () => currentPageContext(this.localServer?.mode === 'forward' ? this.localServer.odooOrigin : null),
        fetch: this.options.fetch,
        onChange: () => this.changed(),
      });
    });
    this.devices = new DeviceManager(this.options.sources ?? {}, this.options.factories ?? [], {
      log: this.logger.scope('devices'),
      settingsFor: (identifier) => this.deviceSettings.get(identifier) ?? {},
      hubStatus: async () => ({
        name: this.settings.hubName,
        identifier: this.identity.identifier,
        version: this.identity.version,
        address: this.identity.address,
        server: (await this.db.get('pairing', 'current'))?.serverUrl ?? null,
        devices: this.devices.listing().devices.map((d) => d.description.name),
      }),
    });
    this.devices.onChange(() => this.changed());
    this.devices.onDeviceEvent((event) => this.keepEvent(event));
    await this.devices.start();
    this.localDevices = new LocalDevices({
      adopt: (device) => this.devices.adopt(device),
      settingsFor: (identifier) => this.deviceSettings.get(identifier) ?? {},
      saveSettings: (identifier, settings) => this.storeDeviceSettings(identifier, settings),
      serverUrl: () => this.iotLink?.snapshot().serverUrl ?? '',
      log: this.logger.scope('devices'),
    });
    this.iotLink = new IotLink({
      db: this.db, logger: this.logger, activity: this.activity, devices: this.devices,
      identity: () => this.identity, hubName: () => this.settings.hubName, pairingProxyUrl: () => this.settings.pairingProxyUrl,
      refreshIdentity: () => this.refreshAddress(),
      forwardedOdooOrigin: () => (this.localServer?.mode === 'forward' ? this.localServer.odooOrigin : null),
      onChange: () => this.changed(), fetch: this.options.fetch, timing: this.options.linkTiming,
    });
    await this.iotLink.start();
    this.troubleshootingService = lazyService(async () => {
      const { TroubleshootingService } = await import('./troubleshooting-service.ts');
      return new TroubleshootingService({
        watch: this.protocolWatch, subscribe: (listener) => this.subscribe(listener), fetch: this.options.fetch,
        identity: () => this.identity, link: () => this.iotLink.snapshot(), localServer: () => this.localServer,
        devices: () => {
          const { devices, unclaimed } = this.devices.listing();
          return { claimed: devices.map((d) => ({ transport: d.description.identifier.split('_')[0], name: d.description.name })), unclaimed };
        },
      });
    });
    this.log.info(`hub ${this.identity.identifier} started, version ${this.identity.version}`);
    return this.snapshot();
  }

  snapshot(): HubSnapshot {
    const { devices, unclaimed } = this.devices.listing();
    return {
      identity: { ...this.identity },
      settings: { ...this.settings },
      devices: devices.map((d) => ({ ...d.description })),
      unclaimedDevices: unclaimed,
      idle: this.activity.idle,
      localServer: this.localServer,
      recentEvents: Object.fromEntries(this.recentEvents),
      link: this.iotLink.snapshot(),
      demo: this.demoDevices?.state() ?? null,
      printers: this.networkPrinters?.state() ?? null,
    };
  }

  /** The device manager, for the parts of the hub that run actions and route events. */
  get deviceManager(): DeviceManager {
    return this.devices;
  }

  /** Outgoing Odoo connections (comlink proxies `api.connections.list()` and the rest). */
  get connections(): LazyService<ConnectionsService> {
    return this.connectionsService;
  }

  /** Live troubleshooting checks (comlink proxies `api.troubleshooting.run()` and the rest). */
  get troubleshooting(): LazyService<TroubleshootingService> {
    return this.troubleshootingService;
  }

  /** The IoT link with Odoo (comlink proxies `api.link.configure(token)` and the rest). */
  get link(): IotLink {
    return this.iotLink;
  }

  /**
   * Network and office printers, through the local server only (a page behind the shop's own
   * proxy cannot reach a TCP printer or the print system). The window calls it once the homepage
   * is ready: their code loads then, outside the initial shell.
   */
  async startNetworkPrinters(): Promise<boolean> {
    if (!this.localServer || this.networkPrinters) return Boolean(this.networkPrinters);
    const { NetworkPrinterService } = await import('./network-printer-service.ts');
    if (this.networkPrinters) return true;
    this.networkPrinters = new NetworkPrinterService(this.logger.scope('devices'), this.options.fetch ?? ((...args) => fetch(...args)), () => this.changed());
    await this.devices.addSources({ network: this.networkPrinters.source });
    void this.networkPrinters.refresh();
    this.changed();
    return true;
  }

  /** Network and office printers through the local server (`api.printers.add('192.168.1.50:9100', 'escpos')`). */
  get printers(): NetworkPrinterService {
    if (!this.networkPrinters) throw new Error('network and office printers need the hub\'s local server (npm start): this page has none');
    return this.networkPrinters;
  }

  /** The hub's own devices: keyboard-mode scanner, camera, display window (`api.local.*`). */
  get local(): LocalDevices {
    return this.localDevices;
  }

  /** What the homepage's settings form shows for one device. */
  deviceSettingsOf(identifier: string): DeviceSettings {
    return { ...(this.deviceSettings.get(identifier) ?? {}) };
  }

  /** Saves a device's settings (checked) and opens the device again with them. */
  async saveDeviceSettings(identifier: string, settings: DeviceSettings): Promise<void> {
    const clean = cleanDeviceSettings(settings);
    const enabled = this.deviceSettings.get(identifier)?.enabled;
    if (typeof enabled === 'boolean' && clean.enabled === undefined) clean.enabled = enabled;
    await this.storeDeviceSettings(identifier, clean);
    this.log.info(`settings of ${identifier} saved`);
    if (!(await this.localDevices.reopen(identifier))) await this.devices.reopen(identifier);
    this.changed();
    this.iotLink.checkRegistration();
  }

  /** A scale's weight for the homepage (never an event to Odoo, never in the way of continuous reading). */
  async scaleReading(identifier: string): Promise<{ weight: number; status: ScaleStatus } | null> {
    const device = this.devices.get(identifier) as { current?: () => Promise<{ weight: number; status: ScaleStatus }> } | undefined;
    return device?.current ? device.current() : null;
  }

  /**
   * Plugs the demo's virtual receipt printer, scale and barcode scanner beside the real devices:
   * in demo mode, with the local server's --virtual-devices, or when the homepage switch is on
   * (to try printing against a real database without hardware). The window calls it once the
   * homepage is ready, so their code never delays the start. Resolves false when none is wanted.
   */
  async startDemoDevices(): Promise<boolean> {
    const load = this.options.demoDevices;
    if (!this.virtualDevicesWanted() || !load) return false;
    this.demoStarting ??= load().then(async ({ DemoDevices }) => {
      const demo = new DemoDevices(() => this.changed());
      await this.devices.addSources(demo.sources);
      this.demoDevices = demo;
      this.log.info(`${this.localServer?.mode === 'demo' ? 'demo mode' : 'virtual devices'}: a virtual receipt printer, scale and barcode scanner are plugged in`);
      this.changed();
    }).catch((error: unknown) => {
      this.demoStarting = null;
      throw error;
    });
    await this.demoStarting;
    return true;
  }

  /** The homepage switch: virtual devices on or off (demo mode and --virtual-devices keep them on). */
  async setVirtualDevices(on: boolean): Promise<void> {
    if (!on && this.localServer?.virtualDevices) throw new Error(this.localServer.mode === 'demo'
      ? 'the demo always has its virtual devices' : 'the local server was started with --virtual-devices: restart it without to remove them');
    await this.setSetting('virtualDevices', on);
    if (on) {
      await this.startDemoDevices();
      return;
    }
    await this.demoStarting;
    this.demoDevices?.unplugAll();
    this.demoDevices = null;
    this.log.info('virtual devices: unplugged');
    this.changed();
  }

  private virtualDevicesWanted(): boolean {
    return Boolean(this.localServer?.virtualDevices) || this.settings.virtualDevices;
  }

  /** The demo's virtual devices (comlink proxies `api.demo.setWeight(1.2)`). */
  get demo(): DemoDevices {
    if (!this.demoDevices) throw new Error('no virtual devices: they are off, or they have not started yet');
    return this.demoDevices;
  }

  /** `listener` is a comlink proxy when called from the window. */
  subscribe(listener: () => void): void {
    this.listeners.add(listener);
  }

  async setSetting<K extends SettingKey>(key: K, value: HubSettings[K]): Promise<void> {
    await writeSetting(this.db, key, value);
    this.settings = { ...this.settings, [key]: value };
    if (key === 'addressOverride') this.identity.address = (value as string) || this.localServer?.address || self.location.hostname;
    this.log.info(`setting ${key} changed`);
    this.changed();
    // The address and name are part of the registration: Odoo must learn the new ones.
    this.iotLink.checkRegistration();
  }

  /** The dots of the last print on a printer as a PNG (the hub knows what it sent), or null. */
  async lastPrintImage(identifier: string): Promise<Blob | null> {
    const device = this.devices.get(identifier) as Partial<LastPrintSource> | undefined;
    return device?.lastPrintPng ? device.lastPrintPng() : null;
  }

  async rescanDevices(): Promise<void> {
    await this.networkPrinters?.refresh();
    await this.devices.rescan();
  }

  async recentLogs(limit = LOG_LINES_SHOWN): Promise<LogRecord[]> {
    return this.ring.tail(limit);
  }

  /** The whole log as text, for download. Lines were redacted when written. */
  async exportLogs(): Promise<string> {
    const lines = await this.ring.all();
    return lines.map((l) => `${new Date(l.time).toISOString()} ${l.level.toUpperCase()} [${l.source}] ${l.message}`).join('\n') + '\n';
  }

  isIdle(): boolean {
    return this.activity.idle;
  }

  /** Resolves when no job is running: the window applies an update only then. */
  whenIdle(): Promise<void> {
    return this.activity.whenIdle();
  }

  async stop(): Promise<void> {
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    void this.connectionsService?.loaded()?.then((service) => service.stop());
    void this.troubleshootingService?.loaded()?.then((service) => service.stop());
    this.iotLink?.stop();
    this.networkPrinters?.stop();
    await this.localDevices?.stop();
    await this.devices?.stop();
    this.db?.close();
  }

  /**
   * Listeners (the window, which then fetches a snapshot) hear of changes at most every
   * CHANGE_NOTICE_MS: a burst of actions must not spend the worker on homepage refreshes.
   */
  private changed(): void {
    this.noticeTimer ??= setTimeout(() => {
      this.noticeTimer = null;
      this.notify();
    }, CHANGE_NOTICE_MS);
  }

  private notify(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        // A window that went away leaves a dead proxy behind; forget it.
        this.listeners.delete(listener);
        this.log.debug(`listener dropped: ${describeError(error)}`);
      }
    }
  }

  private async storeDeviceSettings(identifier: string, settings: DeviceSettings): Promise<void> {
    await this.db.put('devices', { identifier, name: typeof settings.name === 'string' ? settings.name : undefined, settings, lastSeen: Date.now() });
    this.deviceSettings.set(identifier, settings);
  }

  private keepEvent(event: DeviceEvent): void {
    const kept = this.recentEvents.get(event.deviceIdentifier) ?? [];
    kept.push({ ...event, time: Date.now() });
    if (kept.length > RECENT_EVENTS_KEPT) kept.shift();
    this.recentEvents.set(event.deviceIdentifier, kept);
    this.changed();
  }

  /**
   * The hub's identifier (its iot.box in Odoo). The local server, when it keeps one, has the
   * last word: it survives clearing the site's data, where this profile's copy does not.
   */
  private async loadIdentifier(): Promise<{ identifier: string; keptBy: Identity['identifierKeptBy'] }> {
    const stored = await this.db.get('settings', IDENTIFIER_KEY);
    let identifier = stored && isIdentifier(stored.value) ? stored.value : newIdentifier();
    let keptBy: Identity['identifierKeptBy'] = 'browser';
    if (this.localServer?.keepsIdentifier) {
      const kept = this.localServer.identifier ?? (await this.offerIdentifier(identifier));
      if (kept) {
        if (stored?.value && kept !== stored.value) this.log.info(`the local server keeps this hub's identifier ${kept}: using it instead of ${String(stored.value)}`);
        identifier = kept;
        keptBy = 'local-server';
      }
    }
    if (stored?.value !== identifier) await this.db.put('settings', { key: IDENTIFIER_KEY, value: identifier });
    return { identifier, keptBy };
  }

  /** Asks the local server to keep this identifier; it answers the one it keeps (the first it got). */
  private async offerIdentifier(identifier: string): Promise<string | null> {
    try {
      const response = await (this.options.fetch ?? fetch)(LOCAL_SERVER_IDENTIFIER_PATH, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ identifier }),
      });
      const kept = response.ok ? ((await response.json()) as { identifier?: unknown }).identifier : null;
      if (isIdentifier(kept)) return kept;
      this.log.warning(`the local server did not keep the hub identifier (HTTP ${response.status}): clearing site data will make a new one`);
    } catch (error) {
      this.log.warning(`the local server did not keep the hub identifier: ${describeError(error)}`);
    }
    return null;
  }

  /** The LAN address can change (DHCP, another network): ask the local server again. */
  async refreshAddress(): Promise<void> {
    if (this.settings.addressOverride) return;
    const info = await this.fetchLocalServerInfo();
    if (!info) return;
    this.localServer = info;
    if (info.address === this.identity.address) return;
    this.log.info(`the local server now sees this hub at ${info.address}`);
    this.identity.address = info.address;
    this.changed();
  }

  private async fetchLocalServerInfo(): Promise<LocalServerInfo | null> {
    try {
      const response = await (this.options.fetch ?? fetch)(LOCAL_SERVER_INFO_PATH, { cache: 'no-store' });
      return response.ok ? parseLocalServerInfo(await response.text()) : null;
    } catch {
      return null;
    }
  }
}
