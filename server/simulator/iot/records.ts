import { DEVICE_CONNECTIONS, DEVICE_TYPES } from './constants.ts';

/** An `iot.box` record as the simulated database keeps it. */
export interface IotBoxRecord {
  id: number;
  name: string;
  identifier: string;
  ip: string;
  mac: string | null;
  version: string;
  /** "Automatic drivers update" switch: /iot/get_handlers with auto=True is refused when off. */
  driversAutoUpdate: boolean;
  /** Token that created the box (consumed). */
  token: string;
  lastRegistration: number;
  /** Subscribed to the bus right now (set by the bus when a socket subscribes with this identifier). */
  websocketConnected: boolean;
}

/** An `iot.device` record. */
export interface IotDeviceRecord {
  id: number;
  boxIdentifier: string;
  identifier: string;
  name: string;
  type: string;
  manufacturer: string;
  connection: string;
  subtype: string;
  connected: boolean;
}

/** What a registration carries, already validated at the edge. */
export interface Registration {
  identifier: string;
  name: string;
  ip: string;
  mac: string | null;
  version: string;
  token: string;
  devices: Record<string, Record<string, unknown>>;
}

const TYPE_SET = new Set<string>(DEVICE_TYPES);
const CONNECTION_SET = new Set<string>(DEVICE_CONNECTIONS);

/** The database's iot.box / iot.device tables. */
export class IotRecords {
  readonly boxes = new Map<string, IotBoxRecord>();
  /** Keyed by `<box identifier>\u0000<device identifier>`. */
  readonly devices = new Map<string, IotDeviceRecord>();
  private nextBoxId = 1;
  private nextDeviceId = 1;

  box(identifier: string): IotBoxRecord | undefined {
    return this.boxes.get(identifier);
  }

  devicesOf(boxIdentifier: string): IotDeviceRecord[] {
    return [...this.devices.values()].filter((d) => d.boxIdentifier === boxIdentifier);
  }

  device(boxIdentifier: string, deviceIdentifier: string): IotDeviceRecord | undefined {
    return this.devices.get(key(boxIdentifier, deviceIdentifier));
  }

  /**
   * Creates or updates the box and its devices. Devices with a type or connection outside the
   * server's value sets are silently ignored; devices missing from this call are marked disconnected.
   */
  register(reg: Registration, now: number): IotBoxRecord {
    let box = this.boxes.get(reg.identifier);
    if (!box) {
      box = {
        id: this.nextBoxId++,
        name: reg.name,
        identifier: reg.identifier,
        ip: reg.ip,
        mac: reg.mac,
        version: reg.version,
        driversAutoUpdate: true,
        token: reg.token,
        lastRegistration: now,
        websocketConnected: false,
      };
      this.boxes.set(box.identifier, box);
    } else {
      Object.assign(box, { ip: reg.ip, mac: reg.mac ?? box.mac, version: reg.version, lastRegistration: now });
    }
    const present = new Set<string>();
    for (const [identifier, raw] of Object.entries(reg.devices)) {
      const type = String(raw.type ?? '');
      const connection = String(raw.connection ?? '');
      if (!TYPE_SET.has(type) || !CONNECTION_SET.has(connection)) continue;
      present.add(identifier);
      const fields = {
        name: String(raw.name ?? identifier),
        type,
        manufacturer: String(raw.manufacturer ?? ''),
        connection,
        subtype: String(raw.subtype ?? ''),
        connected: true,
      };
      const existing = this.devices.get(key(box.identifier, identifier));
      if (existing) Object.assign(existing, fields);
      else this.devices.set(key(box.identifier, identifier), { id: this.nextDeviceId++, boxIdentifier: box.identifier, identifier, ...fields });
    }
    for (const device of this.devicesOf(box.identifier)) if (!present.has(device.identifier)) device.connected = false;
    return box;
  }

  /** The box was deleted in the IoT app. */
  deleteBox(identifier: string): boolean {
    for (const device of this.devicesOf(identifier)) this.devices.delete(key(identifier, device.identifier));
    return this.boxes.delete(identifier);
  }
}

function key(box: string, device: string): string {
  return `${box}\u0000${device}`;
}

/** Odoo names a box "IoT Box" when its version starts with L (a Raspberry Pi image), else "Virtual IoT Box" (odoo-iot.md §1). */
export function defaultBoxName(version: string): string {
  return version.startsWith('L') ? 'IoT Box' : 'Virtual IoT Box';
}
