import { usbIdentifier, type Device } from '../../../src/hub/devices.ts';
import type { DriverFactory } from '../../device-manager.ts';
import { hasUsage, openHid } from '../../transports/hid.ts';
import { openSerial, SerialPortLostError } from '../../transports/serial.ts';
import { lineNoiseHint, serialIdentifier, serialOptionsWith, serialProtocolChoice } from '../serial-identity.ts';
import { ScannerDevice } from './scanner-device.ts';
import { SCANNER_USAGE, SCANNER_USAGE_PAGE, ScanAssembler, ScannerReportError, parseScannedDataReport } from './hid-pos-report.ts';
import { SCAN_IDLE_GAP_MS, SerialScanSplitter } from './serial-scan-splitter.ts';

/** HID POS barcode scanners (usage page 0x8C, usage 0x02). */
export const hidScannerFactory: DriverFactory = {
  name: 'HID POS scanner',
  transport: 'hid',
  async open(handle, context): Promise<Device | null> {
    const device = handle as HIDDevice;
    if (!hasUsage(device, SCANNER_USAGE_PAGE, SCANNER_USAGE)) return null;
    const n = context.ordinal('hid', device.vendorId, device.productId);
    const identifier = `${usbIdentifier(device.vendorId, device.productId)}${n > 1 ? `_${n}` : ''}`;
    const settings = () => context.settingsFor(identifier);
    const channel = await openHid(device);
    const scanner = new ScannerDevice(
      { identifier, name: String(settings().name || device.productName || 'Barcode scanner'), type: 'scanner', manufacturer: '', connection: 'direct', subtype: '' },
      settings, context.log, () => channel.close(),
    );
    const assembler = new ScanAssembler();
    channel.onInputReport((reportId, data) => {
      try {
        const text = assembler.add(parseScannedDataReport(reportId, data));
        if (text !== null) scanner.scanned(text);
      } catch (error) {
        assembler.reset();
        if (error instanceof ScannerReportError) scanner.problem(`ignored a malformed report: ${error.message}`);
        else throw error;
      }
    });
    return scanner;
  },
};

/** Serial scanners never answer, so they are claimed only when the device settings say `serial_scanner`. */
export const serialScannerFactory: DriverFactory = {
  name: 'serial scanner',
  transport: 'serial',
  async open(handle, context): Promise<Device | null> {
    const port = handle as SerialPort;
    const identifier = serialIdentifier(port, context);
    const settings = () => context.settingsFor(identifier);
    if (serialProtocolChoice(settings()) !== 'serial_scanner') return null;
    const options = serialOptionsWith({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }, settings());
    const channel = await openSerial(port, options);
    let running = true;
    const scanner = new ScannerDevice(
      { identifier, name: String(settings().name || 'Serial barcode scanner'), type: 'scanner', manufacturer: '', connection: 'serial', subtype: '' },
      settings, context.log, async () => {
        running = false;
        await channel.close();
      },
    );
    const splitter = new SerialScanSplitter();
    const report = (result: ReturnType<SerialScanSplitter['push']>) => {
      for (const text of result.scans) scanner.scanned(text);
      if (result.overflow) scanner.problem('a line longer than any barcode was dropped');
      if (result.garbage) scanner.problem(`ignored unreadable bytes.${lineNoiseHint(channel.takeLineErrors(), options)}`);
    };
    void (async () => {
      while (running) {
        try {
          const bytes = await channel.read(4096, SCAN_IDLE_GAP_MS);
          if (bytes.length) report(splitter.push(bytes));
          else if (splitter.hasPending) report(splitter.idle());
          const noise = channel.takeLineErrors();
          if (noise.length) scanner.problem(`line errors.${lineNoiseHint(noise, options)}`);
        } catch (error) {
          if (running && error instanceof SerialPortLostError) scanner.problem(error.message);
          return;
        }
      }
    })();
    return scanner;
  },
};
