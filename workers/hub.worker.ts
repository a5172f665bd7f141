import * as Comlink from 'comlink';
import { HubService } from './hub-service.ts';
import { DRIVER_FACTORIES } from './drivers/index.ts';
import { serialSource } from './transports/serial-polyfill-source.ts';

const nav = self.navigator as WorkerNavigator & { usb?: USB; serial?: Serial; hid?: HID };

const hub = new HubService({
  sources: { usb: nav.usb, serial: serialSource(nav.serial, nav.usb), hid: nav.hid },
  factories: DRIVER_FACTORIES,
});

Comlink.expose(hub);
