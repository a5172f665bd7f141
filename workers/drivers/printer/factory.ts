import { usbIdentifier, type DeviceDescription } from '../../../src/hub/devices.ts';
import type { DriverContext, DriverFactory } from '../../device-manager.ts';
import { openSerial } from '../../transports/serial.ts';
import { findPrinterInterface, UsbPrinterChannel } from '../../transports/usb.ts';
import { serialIdentifier, serialOptionsWith } from '../serial-identity.ts';
import { identifyPrinter, type PrinterProfile } from './identify.ts';
import { knownPrinter } from './known-printers.ts';
import { PrinterDevice } from './printer-device.ts';
import { serialLink, usbLink } from './printer-link.ts';

/** Serial receipt printers mostly ship at 9600 8N1 or 38400/115200; the user's `baudRate` setting wins. */
const SERIAL_PRINTER_LINE: SerialOptions = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'hardware' };

export function printerDescription(identifier: string, profile: PrinterProfile, connection: DeviceDescription['connection']): DeviceDescription {
  return { identifier, name: profile.name, type: 'printer', manufacturer: profile.manufacturer, connection, subtype: profile.kind };
}

/**
 * USB printers: any device with a printer-class interface whose IEEE 1284 id, vendor id or
 * user setting says ESC/POS, Star or ZPL. The identifier is stable across replugs: vendor,
 * product and the USB serial number when the printer has one.
 */
export const usbPrinterFactory: DriverFactory = {
  name: 'USB printer',
  transport: 'usb',
  async open(handle, context: DriverContext) {
    const device = handle as USBDevice;
    if (!findPrinterInterface(device)) return null;
    const identifier = usbPrinterIdentifier(device, context);
    const settings = context.settingsFor(identifier);
    const channel = await UsbPrinterChannel.open(device);
    try {
      const deviceId = await channel.deviceId();
      const profile = identifyPrinter(
        { deviceId, vendorId: device.vendorId, productId: device.productId, productName: device.productName ?? undefined, manufacturerName: device.manufacturerName ?? undefined },
        settings,
      );
      if (!profile) {
        await channel.close();
        return null;
      }
      return new PrinterDevice({ description: printerDescription(identifier, profile, 'direct'), profile, link: usbLink(channel), log: context.log, hubStatus: hubStatusOf(context) });
    } catch (error) {
      await channel.close();
      throw error;
    }
  },
};

export function hubStatusOf(context: DriverContext) {
  return context.hubStatus ? () => context.hubStatus!() : undefined;
}

function usbPrinterIdentifier(device: USBDevice, context: DriverContext): string {
  if (device.serialNumber) return usbIdentifier(device.vendorId, device.productId, device.serialNumber);
  // Two identical printers without serial numbers can only be told apart by order.
  const n = context.ordinal('usb', device.vendorId, device.productId);
  const base = usbIdentifier(device.vendorId, device.productId);
  return n > 1 ? `${base}_${n}` : base;
}

/**
 * Serial and Bluetooth-serial printers never introduce themselves: claimed when the user set the
 * port's `protocol` to escpos, star or zpl, or when the port is a USB serial of a printer vendor.
 */
export const serialPrinterFactory: DriverFactory = {
  name: 'Serial printer',
  transport: 'serial',
  async open(handle, context: DriverContext) {
    const port = handle as SerialPort;
    const info = port.getInfo();
    const identifier = serialIdentifier(port, context);
    const settings = context.settingsFor(identifier);
    const chosen = settings.protocol;
    if (chosen !== 'escpos' && chosen !== 'star' && chosen !== 'zpl' && !knownPrinter(info.usbVendorId, info.usbProductId)) return null;
    const profile = identifyPrinter({ deviceId: null, vendorId: info.usbVendorId, productId: info.usbProductId }, settings);
    if (!profile) return null;
    const options = serialOptionsWith(SERIAL_PRINTER_LINE, settings);
    const channel = await openSerial(port, options);
    const connection = info.bluetoothServiceClassId !== undefined ? 'bluetooth' : 'serial';
    return new PrinterDevice({ description: printerDescription(identifier, profile, connection), profile, link: serialLink(channel, options.baudRate), log: context.log, hubStatus: hubStatusOf(context) });
  },
};
