import type { DriverFactory } from '../device-manager.ts';
import { serialPrinterFactory, usbPrinterFactory } from './printer/factory.ts';
import { hidScaleFactory, serialScaleFactory } from './scale/index.ts';
import { hidScannerFactory, serialScannerFactory } from './scanner/index.ts';
import { poleDisplayFactory } from './display/pole-display.ts';

/**
 * Every driver the hub knows, asked in this order to claim a newly granted device.
 * More specific drivers come first.
 */
export const DRIVER_FACTORIES: readonly DriverFactory[] = [
  usbPrinterFactory,
  // Before the serial scale drivers: a port the user set to a printer protocol must not be probed as a scale.
  serialPrinterFactory,
  hidScaleFactory,
  hidScannerFactory,
  // Claims only ports the device settings set to serial_scanner, so before the probing scale driver.
  serialScannerFactory,
  // Likewise only ports set to pole_display: a display never answers a probe.
  poleDisplayFactory,
  // Probes (Toledo, then Adam) unless the device settings name another protocol.
  serialScaleFactory,
];
