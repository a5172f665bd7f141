import type { Device, DeviceEvent, GrantedDeviceInfo } from '../src/hub/devices.ts';
import type { ScopedLogger } from '../src/hub/logger.ts';
import { describeError } from '../src/hub/logger.ts';
import { serialIdentifier } from './drivers/serial-identity.ts';
import { OrdinalPool } from './ordinal-pool.ts';
import type { NetworkDeviceSource, NetworkPrinterHandle, OfficePrinterHandle } from './network-printers.ts';

export type Transport = GrantedDeviceInfo['transport'];
type Handle = USBDevice | SerialPort | HIDDevice | NetworkPrinterHandle | OfficePrinterHandle;

/** A driver looks at a granted device and claims it by returning a `Device`, or passes. */
export interface DriverFactory {
  readonly name: string;
  readonly transport: Transport;
  open(handle: Handle, context: DriverContext): Promise<Device | null>;
}

export interface DriverContext {
  log: ScopedLogger;
  /** Per-device settings the user saved (name, language, paper width, protocol...). */
  settingsFor(identifier: string): Record<string, string | number | boolean>;
  /** A number that tells apart two identical devices without a serial number. */
  ordinal(transport: Transport, vendorId: number | undefined, productId: number | undefined): number;
  /** What a printer's status ticket tells about the hub (the box prints name, identifier, server, devices). */
  hubStatus?(): Promise<HubStatusInfo>;
}

export interface HubStatusInfo {
  name: string;
  identifier: string;
  version: string;
  address: string;
  /** The paired Odoo database, or null when the hub is not paired. */
  server: string | null;
  devices: string[];
}

/** The parts of `navigator.usb`, `navigator.serial` and `navigator.hid` the hub uses; fakes implement them too. */
export interface DeviceSources {
  usb?: Pick<USB, 'getDevices' | 'addEventListener' | 'removeEventListener'>;
  serial?: Pick<Serial, 'getPorts' | 'addEventListener' | 'removeEventListener'>;
  hid?: Pick<HID, 'getDevices' | 'addEventListener' | 'removeEventListener'>;
  /** Network printers through the local server's printer link, and its CUPS queues (network-printers.ts). */
  network?: NetworkDeviceSource;
}

interface Entry {
  transport: Transport;
  info: GrantedDeviceInfo;
  device: Device | null;
  problem: string | null;
  /** The root cause of the last refusal to open, for the troubleshooting checks. */
  failure: DeviceFailureCause | null;
  unsubscribe: (() => void) | null;
}

/** Why opening a device failed, at the bottom of the error chain (a DOMException name such as SecurityError). */
export interface DeviceFailureCause {
  name: string;
  message: string;
}

export type DeviceEventListener = (event: DeviceEvent) => void;

/** What the hub gives the manager: the drivers' context but the ordinals, which the manager keeps (it sees unplugs). */
export type ManagerContext = Omit<DriverContext, 'ordinal'>;

export interface DeviceListing {
  devices: Device[];
  unclaimed: Array<GrantedDeviceInfo & { problem: string | null; failure?: DeviceFailureCause | null }>;
}

/**
 * Keeps one entry per granted device: finds them at start, follows connect and disconnect,
 * and asks each driver factory in turn to claim new ones.
 */
export class DeviceManager {
  private readonly entries = new Map<Handle, Entry>();
  private readonly adopted = new Map<Device, () => void>();
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<DeviceEventListener>();
  private readonly unsubscribers: Array<() => void> = [];
  private readonly extraSources: DeviceSources[] = [];
  /** Ordinals already given to a handle: reopened with new settings, a device keeps its identifier. */
  private readonly ordinals = new WeakMap<Handle, Map<string, number>>();
  private readonly ordinalPool = new OrdinalPool();

  constructor(
    private readonly sources: DeviceSources,
    private readonly factories: readonly DriverFactory[],
    private readonly context: ManagerContext,
  ) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every unasked event of every device (weights, scans, printer status). */
  onDeviceEvent(listener: DeviceEventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  async start(): Promise<void> {
    this.follow('usb', this.sources.usb);
    this.follow('serial', this.sources.serial);
    this.follow('hid', this.sources.hid);
    this.follow('network', this.sources.network);
    await this.rescan();
  }

  async rescan(): Promise<void> {
    for (const sources of [this.sources, ...this.extraSources]) await this.scan(sources);
  }

  /**
   * More sources beside the browser's, after start: the demo's virtual devices, loaded lazily.
   * Followed and scanned like the first ones, so real devices keep working next to them.
   */
  async addSources(sources: DeviceSources): Promise<void> {
    this.extraSources.push(sources);
    this.follow('usb', sources.usb);
    this.follow('serial', sources.serial);
    this.follow('hid', sources.hid);
    this.follow('network', sources.network);
    await this.scan(sources);
  }

  /**
   * A device the hub provides itself, with no granted handle: the keyboard-mode scanner and the
   * camera of the hub window, the hub's own customer display window. Returns its removal.
   */
  adopt(device: Device): () => Promise<void> {
    const unsubscribe = device.onEvent((event) => {
      for (const listener of this.eventListeners) listener(event);
    });
    this.adopted.set(device, unsubscribe);
    this.changed();
    return async () => {
      if (!this.adopted.delete(device)) return;
      unsubscribe();
      await device.close().catch(() => undefined);
      this.changed();
    };
  }

  listing(): DeviceListing {
    const devices: Device[] = [...this.adopted.keys()];
    const unclaimed: DeviceListing['unclaimed'] = [];
    for (const entry of this.entries.values()) {
      if (entry.device) devices.push(entry.device);
      else unclaimed.push({ ...entry.info, problem: entry.problem, failure: entry.failure });
    }
    return { devices, unclaimed };
  }

  get(identifier: string): Device | undefined {
    for (const device of this.adopted.keys()) if (device.description.identifier === identifier) return device;
    for (const entry of this.entries.values()) {
      if (entry.device?.description.identifier === identifier) return entry.device;
    }
    return undefined;
  }

  /**
   * Closes a granted device and lets the drivers claim it again: its settings changed (name,
   * protocol, line settings). Returns false when no granted device has this identifier.
   */
  async reopen(identifier: string): Promise<boolean> {
    for (const [handle, entry] of this.entries) {
      if ((entry.device?.description.identifier ?? entry.info.identifier) !== identifier) continue;
      await this.detach(handle);
      await this.attach(entry.transport, handle);
      return true;
    }
    return false;
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    for (const handle of [...this.entries.keys()]) await this.detach(handle);
    for (const [device, unsubscribe] of this.adopted) {
      unsubscribe();
      await device.close().catch(() => undefined);
    }
    this.adopted.clear();
  }

  private async scan(sources: DeviceSources): Promise<void> {
    const found: Array<[Transport, Handle]> = [
      ...((await sources.usb?.getDevices()) ?? []).map((h) => ['usb', h] as [Transport, Handle]),
      ...((await sources.serial?.getPorts()) ?? []).map((h) => ['serial', h] as [Transport, Handle]),
      ...((await sources.hid?.getDevices()) ?? []).map((h) => ['hid', h] as [Transport, Handle]),
      ...((await sources.network?.getDevices()) ?? []).map((h) => ['network', h] as [Transport, Handle]),
    ];
    for (const [transport, handle] of found) await this.attach(transport, handle);
  }

  private follow(transport: Transport, source: DeviceSources[Transport]): void {
    if (!source) return;
    const onConnect = (event: Event) => void this.attach(transport, handleOf(event)).then(() => this.changed());
    const onDisconnect = (event: Event) => {
      const handle = handleOf(event);
      void this.detach(handle).then(() => this.changed());
      this.releaseOrdinals(handle);
    };
    source.addEventListener('connect', onConnect);
    source.addEventListener('disconnect', onDisconnect);
    this.unsubscribers.push(() => {
      source.removeEventListener('connect', onConnect);
      source.removeEventListener('disconnect', onDisconnect);
    });
  }

  private async attach(transport: Transport, handle: Handle): Promise<void> {
    if (this.entries.has(handle)) return;
    const entry: Entry = { transport, info: describeHandle(transport, handle), device: null, problem: null, failure: null, unsubscribe: null };
    this.entries.set(handle, entry);
    const context = this.contextFor(handle);
    for (const factory of this.factories) {
      if (factory.transport !== transport) continue;
      try {
        entry.device = await factory.open(handle, context);
      } catch (error) {
        entry.problem = `${factory.name}: ${describeError(error)}`;
        entry.failure = rootCause(error);
        this.context.log.warning(`${entry.info.label}: ${entry.problem}`);
      }
      if (entry.device) {
        this.context.log.info(`${entry.device.description.name} ready as ${entry.device.description.identifier}`);
        entry.unsubscribe = entry.device.onEvent((event) => {
          for (const listener of this.eventListeners) listener(event);
        });
        break;
      }
    }
    if (!entry.device && !entry.problem) entry.problem = 'no driver for this device yet';
    // Scanners and pole displays never answer a probe: the user names their protocol in the port's settings.
    if (!entry.device && transport === 'serial') entry.info.identifier = serialIdentifier(handle as SerialPort, context);
    this.changed();
  }

  private contextFor(handle: Handle): DriverContext {
    let given = this.ordinals.get(handle);
    if (!given) this.ordinals.set(handle, (given = new Map()));
    const known = given;
    return {
      ...this.context,
      ordinal: (transport, vendorId, productId) => {
        const key = `${transport}:${vendorId}:${productId}`;
        let n = known.get(key);
        if (n === undefined) known.set(key, (n = this.ordinalPool.take(key)));
        return n;
      },
    };
  }

  /** Unplugged: its numbers are free for the next device of its kind (most often itself, replugged). */
  private releaseOrdinals(handle: Handle): void {
    for (const [key, n] of this.ordinals.get(handle) ?? []) this.ordinalPool.release(key, n);
    this.ordinals.delete(handle);
  }

  private async detach(handle: Handle): Promise<void> {
    const entry = this.entries.get(handle);
    if (!entry) return;
    this.entries.delete(handle);
    entry.unsubscribe?.();
    if (entry.device) {
      this.context.log.info(`${entry.device.description.name} disconnected`);
      await entry.device.close().catch(() => undefined);
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The deepest `cause` names what the browser refused; the outer message says which step failed. */
export function rootCause(error: unknown): DeviceFailureCause {
  let root = error;
  for (let depth = 0; depth < 8 && root instanceof Error && root.cause !== undefined; depth++) root = root.cause;
  const outer = error instanceof Error ? error.message : String(error);
  const inner = root instanceof Error ? root.message : String(root);
  return { name: root instanceof Error ? root.name : 'Error', message: root === error || outer.includes(inner) ? outer : `${outer} (${inner})` };
}

function handleOf(event: Event): Handle {
  const e = event as Event & { device?: USBDevice | HIDDevice; port?: SerialPort };
  // USBConnectionEvent and HIDConnectionEvent carry `device`; serial events target the port.
  return (e.device ?? e.port ?? (event.target as SerialPort)) as Handle;

}

function describeHandle(transport: Transport, handle: Handle): GrantedDeviceInfo {
  if (transport === 'network') {
    const printer = handle as NetworkPrinterHandle | OfficePrinterHandle;
    return { transport, label: 'queue' in printer ? `CUPS queue ${printer.queue.name}` : `Network printer ${printer.entry.host}:${printer.entry.port}` };
  }
  if (transport === 'usb') {
    const d = handle as USBDevice;
    const label = [d.manufacturerName, d.productName].filter(Boolean).join(' ') || 'USB device';
    return { transport, label, vendorId: d.vendorId, productId: d.productId };
  }
  if (transport === 'hid') {
    const d = handle as HIDDevice;
    return { transport, label: d.productName || 'HID device', vendorId: d.vendorId, productId: d.productId };
  }
  const info = (handle as SerialPort).getInfo();
  return { transport, label: 'Serial port', vendorId: info.usbVendorId, productId: info.usbProductId };
}
