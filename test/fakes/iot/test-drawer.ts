import type { ActionOutcome, ActionRequest, Device, DeviceDescription, DeviceEvent } from '../../../src/hub/devices.ts';
import { usbIdentifier } from '../../../src/hub/devices.ts';
import type { DriverFactory } from '../../../workers/device-manager.ts';

/** pid.codes test vendor/product: a USB id no real POS device uses. */
export const TEST_DRAWER_VENDOR = 0x1209;
export const TEST_DRAWER_PRODUCT = 0x0001;
export const TEST_DRAWER_SERIAL = 'E2E1';
/** The drawer among the hub's devices (the hub's own keyboard scanner is listed too). */
export const TEST_DRAWER_IDENTIFIER = usbIdentifier(TEST_DRAWER_VENDOR, TEST_DRAWER_PRODUCT, TEST_DRAWER_SERIAL);
/** The longest `delay_ms` a test action may ask for. */
const MAX_DELAY_MS = 10_000;

/**
 * A cash drawer for end-to-end tests: it answers `cashbox` like a printer's drawer kick and
 * counts how many times each `action_unique_id` reached it, so a test sees a repeated action.
 * `delay_ms` in the action data keeps it busy that long (honouring the abort signal).
 */
export class TestDrawer implements Device {
  readonly description: DeviceDescription;
  readonly runs = new Map<string, number>();
  private readonly listeners = new Set<(event: DeviceEvent) => void>();

  constructor(serial: string) {
    this.description = {
      identifier: usbIdentifier(TEST_DRAWER_VENDOR, TEST_DRAWER_PRODUCT, serial), name: 'Test cash drawer', type: 'printer',
      manufacturer: 'Test', connection: 'direct', subtype: 'receipt_printer',
    };
  }

  async run(request: ActionRequest, signal: AbortSignal): Promise<ActionOutcome> {
    const key = request.actionUniqueId ?? '';
    const count = (this.runs.get(key) ?? 0) + 1;
    this.runs.set(key, count);
    const delay = Math.min(MAX_DELAY_MS, Number(request.data.delay_ms) || 0);
    if (delay > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, delay);
        signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
      });
    }
    if (request.action === 'cashbox' || request.action === '') return { status: 'success', result: { opened: true, runs: count } };
    if (request.action === 'emit') {
      for (const listener of this.listeners) listener({ deviceIdentifier: this.description.identifier, outcome: { status: 'success', result: request.data.value } });
      return { status: 'success', result: { runs: count } };
    }
    return { status: 'error', result: `action ${request.action} is not supported by the test drawer` };
  }

  onEvent(listener: (event: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {}
}

/** Claims USB devices with the test vendor/product id. */
export const testDrawerFactory: DriverFactory = {
  name: 'test cash drawer',
  transport: 'usb',
  async open(handle) {
    const usb = handle as USBDevice;
    if (usb.vendorId !== TEST_DRAWER_VENDOR || usb.productId !== TEST_DRAWER_PRODUCT) return null;
    return new TestDrawer(usb.serialNumber ?? 'TEST');
  },
};
