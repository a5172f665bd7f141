import type { DriverFactory } from '../device-manager.ts';
import { lazyFactory } from './lazy-factory.ts';

const printers = () => import('./printer/factory.ts');
const scales = () => import('./scale/index.ts');
const scanners = () => import('./scanner/index.ts');

/**
 * Every driver the hub knows, asked in this order to claim a newly granted device.
 * More specific drivers come first. Each driver's code loads only when a device could be its.
 */
export const DRIVER_FACTORIES: readonly DriverFactory[] = [
  lazyFactory('USB printer', 'usb', async () => (await printers()).usbPrinterFactory),
  // Before the serial scale drivers: a port the user set to a printer protocol must not be probed as a scale.
  lazyFactory('Serial printer', 'serial', async () => (await printers()).serialPrinterFactory),
  lazyFactory('HID POS scale', 'hid', async () => (await scales()).hidScaleFactory),
  lazyFactory('HID POS scanner', 'hid', async () => (await scanners()).hidScannerFactory),
  // Claims only ports the device settings set to serial_scanner, so before the probing scale driver.
  lazyFactory('serial scanner', 'serial', async () => (await scanners()).serialScannerFactory),
  // Likewise only ports set to pole_display: a display never answers a probe.
  lazyFactory('pole display', 'serial', async () => (await import('./display/pole-display.ts')).poleDisplayFactory),
  // Probes (Toledo, then Adam) unless the device settings name another protocol.
  lazyFactory('serial scale', 'serial', async () => (await scales()).serialScaleFactory),
  // Only with a local server: raw-TCP printers through its printer link, and its CUPS queues.
  lazyFactory('Network printer', 'network', async () => (await import('./printer/network-factory.ts')).networkPrinterFactory),
  lazyFactory('Office printer (CUPS)', 'network', async () => (await import('./printer/office-printer.ts')).officePrinterFactory),
];
