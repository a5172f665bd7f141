import { usbIdentifier, type Device, type DeviceDescription } from '../../../src/hub/devices.ts';
import type { DriverContext, DriverFactory } from '../../device-manager.ts';
import { openSerial } from '../../transports/serial.ts';
import { hasUsage, openHid } from '../../transports/hid.ts';
import { serialIdentifier, serialOptionsWith, serialProtocolChoice } from '../serial-identity.ts';
import { ScaleDevice, type ScaleLink } from './scale-device.ts';
import { AdamLink, ToledoLink, probeAdam, probeToledo } from './serial-links.ts';
import { HidScaleLink } from './hid-link.ts';
import { TOLEDO_SERIAL_OPTIONS } from './toledo-8217.ts';
import { ADAM_SERIAL_OPTIONS } from './adam.ts';
import { SCALE_USAGE_PAGE } from './hid-pos-scale.ts';

/** Probes a serial port for Toledo 8217, then Adam; or opens the protocol the user chose. */
export const serialScaleFactory: DriverFactory = {
  name: 'serial scale',
  transport: 'serial',
  async open(handle, context): Promise<Device | null> {
    const port = handle as SerialPort;
    const identifier = serialIdentifier(port, context);
    const settings = () => context.settingsFor(identifier);
    const choice = serialProtocolChoice(settings());
    const toledoOptions = serialOptionsWith(TOLEDO_SERIAL_OPTIONS, settings());
    const adamOptions = serialOptionsWith(ADAM_SERIAL_OPTIONS, settings());
    let link: ScaleLink | null = null;
    let kind: 'toledo' | 'adam' = 'toledo';
    let probed: number | null = null;
    if (choice === 'toledo_8217') link = new ToledoLink(await openSerial(port, toledoOptions), toledoOptions);
    else if (choice === 'adam') [link, kind] = [new AdamLink(await openSerial(port, adamOptions), adamOptions), 'adam'];
    else if (choice === 'auto') {
      link = await probeToledo(port, toledoOptions);
      const adam = link ? null : await probeAdam(port, adamOptions);
      if (adam) [link, kind, probed] = [adam.link, 'adam', adam.kg];
    }
    if (!link) return null;
    const description: DeviceDescription = {
      identifier,
      name: String(settings().name || (kind === 'toledo' ? 'Toledo 8217 scale' : 'Adam Equipment scale')),
      type: 'scale',
      manufacturer: kind === 'toledo' ? 'Toledo' : 'Adam',
      connection: 'serial',
      subtype: '',
    };
    const device = new ScaleDevice(description, link, settings, context.log);
    if (probed !== null) device.seed(probed);
    return device;
  },
};

/** USB HID POS scales (usage page 0x8D). */
export const hidScaleFactory: DriverFactory = {
  name: 'HID POS scale',
  transport: 'hid',
  async open(handle, context: DriverContext): Promise<Device | null> {
    const device = handle as HIDDevice;
    if (!hasUsage(device, SCALE_USAGE_PAGE)) return null;
    const n = context.ordinal('hid', device.vendorId, device.productId);
    const identifier = `${usbIdentifier(device.vendorId, device.productId)}${n > 1 ? `_${n}` : ''}`;
    const settings = () => context.settingsFor(identifier);
    const link = new HidScaleLink(await openHid(device));
    const description: DeviceDescription = {
      identifier,
      name: String(settings().name || device.productName || 'USB scale'),
      type: 'scale',
      manufacturer: '',
      connection: 'direct',
      subtype: '',
    };
    return new ScaleDevice(description, link, settings, context.log);
  },
};
