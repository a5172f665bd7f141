/**
 * What an e2e build of the hub (`vite build --mode e2e`) runs with instead of the real
 * navigator.usb: a virtual USB bus with one granted device that the test drawer claims, and
 * short pairing/reconnect delays so a test does not wait the box's 15 s between polls.
 */
import type { HubServiceOptions } from '../../../workers/hub-service.ts';
import { VirtualPrinter, VirtualUsb } from '../../../workers/virtual/virtual-printer.ts';
import { TEST_DRAWER_PRODUCT, TEST_DRAWER_SERIAL, TEST_DRAWER_VENDOR, testDrawerFactory } from './test-drawer.ts';
import { e2eDevices } from '../devices/e2e-devices.ts';

export function e2eHubOptions(): HubServiceOptions {
  const usb = new VirtualUsb();
  const handle = new VirtualPrinter({ vendorId: TEST_DRAWER_VENDOR, productId: TEST_DRAWER_PRODUCT, serialNumber: TEST_DRAWER_SERIAL, productName: 'Test drawer' });
  usb.grant(handle);
  usb.plug(handle);
  // A scale and a scanner the test drives (test/fakes/devices/e2e-devices.ts).
  const devices = e2eDevices();
  return {
    sources: { usb: usb as unknown as USB, ...devices.sources },
    factories: [testDrawerFactory, ...devices.factories],
    linkTiming: { pairingPollDelayMs: () => 300, busReconnectMinMs: 200, registrationRetryMs: 500, outboxRetryMinMs: 200 },
  };
}
