import { boxPrinterIdentifier, socketUri } from '../../../src/hub/network-printers.ts';
import type { DriverContext, DriverFactory } from '../../device-manager.ts';
import { NetworkPrinterHandle } from '../../network-printers.ts';
import { identifyPrinter } from './identify.ts';
import { networkLink } from './network-link.ts';
import { ASB_ENABLE } from './asb.ts';
import { PrinterDevice } from './printer-device.ts';
import { hubStatusOf, printerDescription } from './factory.ts';

/**
 * Raw-TCP network printers (port 9100) reached through the local server's printer link. They
 * never introduce themselves on that port: the protocol is what the user chose when adding the
 * printer (or its DNS-SD record said), and the device settings win. Registered as the box
 * registers them: identifier from the `socket://host:port` URI, connection `network`. ESC/POS
 * printers are asked for Epson ASB on connecting (ignored by those without it).
 */
export const networkPrinterFactory: DriverFactory = {
  name: 'Network printer',
  transport: 'network',
  async open(handle, context: DriverContext) {
    if (!(handle instanceof NetworkPrinterHandle)) return null;
    const { entry, channel } = handle;
    const identifier = boxPrinterIdentifier(socketUri(entry.host, entry.port));
    const settings = context.settingsFor(identifier);
    const profile = identifyPrinter(
      { deviceId: entry.deviceId, productName: entry.name },
      { ...settings, protocol: typeof settings.protocol === 'string' && settings.protocol ? settings.protocol : entry.protocol, name: settings.name || entry.name },
    );
    if (!profile) return null;
    const device = new PrinterDevice({ description: printerDescription(identifier, profile, 'network'), profile, link: networkLink(channel), log: context.log, hubStatus: hubStatusOf(context) });
    // Epson ASB where the printer has it: status changes come at once instead of at the next poll.
    if (profile.protocol === 'escpos') await channel.write(ASB_ENABLE).catch(() => undefined);
    return device;
  },
};
