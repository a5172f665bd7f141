import * as Comlink from 'comlink';
import { HubService } from './hub-service.ts';
import { DRIVER_FACTORIES } from './drivers/index.ts';
import { serialSource } from './transports/serial-polyfill-source.ts';
import { e2eHubOptions } from '../test/fakes/iot/e2e-kit.ts';
import { faultHubOptions } from '../test/fakes/iot/fault-kit.ts';

const nav = self.navigator as WorkerNavigator & { usb?: USB; serial?: Serial; hid?: HID };

// `vite build --mode e2e` swaps in a test device and short delays. Other builds fold the condition
// to false and tree-shake the kit away (no top-level await: messages sent before expose would be lost).
// `--mode e2e-faults`: the real printer driver on a virtual printer whose paper survives the hub.
const hub = new HubService(import.meta.env.MODE === 'e2e' ? e2eHubOptions() : import.meta.env.MODE === 'e2e-faults' ? faultHubOptions() : {
  sources: { usb: nav.usb, serial: serialSource(nav.serial, nav.usb), hid: nav.hid },
  factories: DRIVER_FACTORIES,
  demoDevices: () => import('./virtual/demo-devices.ts'),
});

Comlink.expose(hub);
