import * as Comlink from 'comlink';
import { HubService } from './hub-service.ts';
import { DRIVER_FACTORIES } from './drivers/index.ts';
import { serialSource } from './transports/serial-polyfill-source.ts';

const nav = self.navigator as WorkerNavigator & { usb?: USB; serial?: Serial; hid?: HID };

// `vite build --mode e2e` swaps in a test device and short delays; other builds drop this branch and its chunk.
const e2e = import.meta.env.MODE === 'e2e' ? (await import('../test/fakes/iot/e2e-kit.ts')).e2eHubOptions() : null;

const hub = new HubService(e2e ?? {
  sources: { usb: nav.usb, serial: serialSource(nav.serial, nav.usb), hid: nav.hid },
  factories: DRIVER_FACTORIES,
});

Comlink.expose(hub);
