import { usbIdentifier } from '../../src/hub/devices.ts';
import { SERIAL_PROTOCOLS, type SerialProtocolChoice } from '../../src/hub/device-vocabulary.ts';

/** What naming a port needs of the drivers' context (device-manager.ts `DriverContext`, which imports this file). */
export interface PortOrdinals {
  ordinal(transport: 'serial', vendorId: number | undefined, productId: number | undefined): number;
}

/**
 * Every serial driver (scale, scanner, display) looks at the same port in turn; the port's
 * identifier must be the same for all of them, and `ordinal()` counts once per port.
 */
const identifiers = new WeakMap<SerialPort, string>();

export function serialIdentifier(port: SerialPort, context: PortOrdinals): string {
  let identifier = identifiers.get(port);
  if (!identifier) {
    const { usbVendorId, usbProductId } = port.getInfo();
    const n = context.ordinal('serial', usbVendorId, usbProductId);
    const base = usbVendorId !== undefined && usbProductId !== undefined ? usbIdentifier(usbVendorId, usbProductId) : 'serial';
    identifier = base === 'serial' || n > 1 ? `${base}_${n}` : base;
    identifiers.set(port, identifier);
  }
  return identifier;
}

/**
 * What a serial port is: the user's choice in the device settings (`protocol`), or `auto` to
 * let the scale drivers probe it. Scanners and pole displays cannot be detected (they never
 * answer), so they need the setting.
 */

export function serialProtocolChoice(settings: Record<string, unknown>): SerialProtocolChoice {
  const chosen = settings.protocol;
  return SERIAL_PROTOCOLS.includes(chosen as SerialProtocolChoice) ? (chosen as SerialProtocolChoice) : 'auto';
}

/** The protocol's line settings with the user's overrides (`baudRate`, `dataBits`, `parity`, `stopBits`). */
export function serialOptionsWith(defaults: SerialOptions, settings: Record<string, unknown>): SerialOptions {
  const options = { ...defaults };
  if (typeof settings.baudRate === 'number' && settings.baudRate > 0) options.baudRate = settings.baudRate;
  if (settings.dataBits === 7 || settings.dataBits === 8) options.dataBits = settings.dataBits;
  if (settings.parity === 'none' || settings.parity === 'even' || settings.parity === 'odd') options.parity = settings.parity;
  if (settings.stopBits === 1 || settings.stopBits === 2) options.stopBits = settings.stopBits;
  return options;
}

export function lineNoiseHint(errors: string[], options: SerialOptions): string {
  if (errors.length === 0) return '';
  const parity = options.parity === 'even' ? 'E' : options.parity === 'odd' ? 'O' : 'N';
  return ` The line reports ${[...new Set(errors)].join(', ')}: is the device set to ${options.baudRate} baud ${options.dataBits ?? 8}${parity}${options.stopBits ?? 1}?`;
}
