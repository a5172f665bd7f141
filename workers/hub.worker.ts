import * as Comlink from 'comlink';
import { HubService, type HubServiceOptions } from './hub-service.ts';
import { DRIVER_FACTORIES } from './drivers/index.ts';
import { serialSource } from './transports/serial-polyfill-source.ts';

const nav = self.navigator as WorkerNavigator & { usb?: USB; serial?: Serial; hid?: HID };

/**
 * `vite build --mode e2e` swaps in test devices and short delays; `--mode e2e-faults` the real
 * printer driver on a virtual printer whose paper survives the hub. Their kits load by dynamic
 * import so a production build neither ships nor bundles them, and the hub is exposed at once
 * (messages sent before `expose` would be lost).
 */
function options(): HubServiceOptions | Promise<HubServiceOptions> {
  if (import.meta.env.MODE === 'e2e') return import('../test/fakes/iot/e2e-kit.ts').then((kit) => kit.e2eHubOptions());
  if (import.meta.env.MODE === 'e2e-faults') return import('../test/fakes/iot/fault-kit.ts').then((kit) => kit.faultHubOptions());
  return {
    sources: { usb: nav.usb, serial: serialSource(nav.serial, nav.usb), hid: nav.hid },
    factories: DRIVER_FACTORIES,
    demoDevices: () => import('./virtual/demo-devices.ts'),
  };
}

Comlink.expose(new HubService(options()));
