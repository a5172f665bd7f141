import { VirtualHidDevice } from './virtual-hid-device.ts';
import { VirtualSerialPort } from './virtual-serial-port.ts';
import { SCANNED_DATA_REPORT_ID, SCANNER_USAGE, SCANNER_USAGE_PAGE, scannedDataReports } from '../drivers/scanner/hid-pos-report.ts';

/** A Honeywell-style scanner in HID POS mode (usage page 0x8C). */
export class VirtualHidScanner extends VirtualHidDevice {
  constructor() {
    super(0x0c2e, 0x0b87, 'Virtual HID POS scanner', [{ usagePage: SCANNER_USAGE_PAGE, usage: SCANNER_USAGE, type: 1, children: [], inputReports: [], outputReports: [], featureReports: [] }]);
  }

  scan(text: string, symbology = ']E0'): void {
    for (const report of scannedDataReports(text, symbology)) this.report(SCANNED_DATA_REPORT_ID, report);
  }
}

/** A serial (CDC) scanner at 9600 8N1 that ends each scan with `suffix` (CR by default; '' for none). */
export class VirtualSerialScanner extends VirtualSerialPort {
  constructor(public suffix = '\r', info: SerialPortInfo = { usbVendorId: 0x05e0, usbProductId: 0x1701 }) {
    super({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }, info);
  }

  scan(text: string): void {
    this.transmit(new TextEncoder().encode(text + this.suffix));
  }

  /** Bytes straight onto the line (noise, partial frames). */
  raw(bytes: Uint8Array): void {
    this.transmit(bytes);
  }

  protected receive(): void {
    // Scanners ignore what the host sends.
  }
}
