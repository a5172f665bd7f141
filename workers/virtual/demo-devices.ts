/**
 * The embedded demo's devices: a virtual ESC/POS receipt printer (USB), a Mettler-Toledo 8217
 * scale (serial) and a HID POS barcode scanner, each on its own virtual source. The hub follows
 * these sources beside the browser's own, so a real device plugged in during the demo still
 * works. Loaded lazily, and only when the local server says it runs the demo.
 */
import { proxyMarker } from 'comlink';
import type { DeviceSources } from '../device-manager.ts';
import { VirtualPrinter, VirtualUsb } from './virtual-printer.ts';
import { VirtualSerialSource } from './virtual-serial-port.ts';
import { VirtualToledoScale } from './virtual-toledo.ts';
import { VirtualHidSource } from './virtual-hid-device.ts';
import { VirtualHidScanner } from './virtual-scanners.ts';

/** Weights the demo accepts, kg: anything a shop scale could show, overload included (the Toledo's capacity is 15 kg). */
const MAX_DEMO_WEIGHT_KG = 100;
/** A scan longer than this is not something a cashier scans in a demo. */
const MAX_DEMO_SCAN_LENGTH = 200;

export interface DemoDevicesState {
  printer: { plugged: boolean; paperOut: boolean; receiptsPrinted: number; drawerOpenings: number };
  scale: { weightKg: number; motion: boolean };
  scanner: { lastScan: string | null };
}

export class DemoDeviceInputError extends Error {
  override name = 'DemoDeviceInputError';
}

/** What the homepage's "Demo devices" section acts on (through comlink). */
export class DemoDevices {
  /** The window reaches it through comlink as `api.demo.*`. */
  readonly [proxyMarker] = true;
  private readonly usb = new VirtualUsb();
  private readonly serial = new VirtualSerialSource();
  private readonly hid = new VirtualHidSource();
  private printer = new VirtualPrinter({ serialNumber: 'DEMO0001' });
  private printerPlugged = false;
  /** Counts survive a replug: the demo shows the printer's history, not one USBDevice's. */
  private printedBefore = 0;
  private openingsBefore = 0;
  private readonly scale = new VirtualToledoScale();
  private readonly scanner = new VirtualHidScanner();
  private lastScan: string | null = null;

  constructor(private readonly onChange: () => void = () => undefined) {
    this.usb.grant(this.printer);
    this.plugPrinter();
    this.serial.plug(this.scale);
    this.hid.plug(this.scanner);
  }

  /** The sources the device manager follows beside `navigator.usb/serial/hid`. */
  get sources(): DeviceSources {
    return { usb: this.usb.source, serial: this.serial as unknown as DeviceSources['serial'], hid: this.hid.asHid };
  }

  state(): DemoDevicesState {
    return {
      printer: {
        plugged: this.printerPlugged,
        paperOut: this.printer.paperOut,
        receiptsPrinted: this.printedBefore + this.printer.cuts,
        drawerOpenings: this.openingsBefore + drawerOpenings(this.printer),
      },
      scale: { weightKg: this.scale.weight, motion: this.scale.motion },
      scanner: { lastScan: this.lastScan },
    };
  }

  setWeight(kg: number): void {
    if (typeof kg !== 'number' || !Number.isFinite(kg) || kg < 0 || kg > MAX_DEMO_WEIGHT_KG) {
      throw new DemoDeviceInputError(`weight ${String(kg)} is not a number of kg between 0 and ${MAX_DEMO_WEIGHT_KG}`);
    }
    this.scale.weight = kg;
    this.onChange();
  }

  setMotion(moving: boolean): void {
    this.scale.motion = Boolean(moving);
    this.onChange();
  }

  /** The scanner reads `code` as an EAN/UPC or Code 128 label would give it. */
  scan(code: string): void {
    if (typeof code !== 'string' || code.length === 0 || code.length > MAX_DEMO_SCAN_LENGTH || /[\x00-\x1f\x7f]/.test(code)) {
      throw new DemoDeviceInputError(`a scan must be 1 to ${MAX_DEMO_SCAN_LENGTH} printable characters`);
    }
    // AIM symbology identifiers: ]E0 EAN-13/UPC-A, ]C0 Code 128.
    this.scanner.scan(code, /^\d{13}$/.test(code) ? ']E0' : ']C0');
    this.lastScan = code;
    this.onChange();
  }

  setPaperOut(out: boolean): void {
    this.printer.paperOut = Boolean(out);
    this.onChange();
  }

  unplugPrinter(): void {
    if (!this.printerPlugged) return;
    this.usb.unplug(this.printer);
    this.printerPlugged = false;
    this.onChange();
  }

  /** Plugs the printer back in: the browser makes a new `USBDevice` for it, paper state kept. */
  replugPrinter(): void {
    if (this.printerPlugged) return;
    const paperOut = this.printer.paperOut;
    this.printedBefore += this.printer.cuts;
    this.openingsBefore += drawerOpenings(this.printer);
    this.printer = this.printer.replugged();
    this.printer.paperOut = paperOut;
    this.plugPrinter();
    this.onChange();
  }

  /** All of them out, as when the switch is turned off: the device manager sees them unplugged. */
  unplugAll(): void {
    this.unplugPrinter();
    this.serial.unplug(this.scale);
    this.hid.unplug(this.scanner);
    this.onChange();
  }

  private plugPrinter(): void {
    this.usb.plug(this.printer);
    this.printerPlugged = true;
  }
}

/** The demo's drawer is wired to pin 2, as most are; the box pulses both pins on every opening. */
function drawerOpenings(printer: VirtualPrinter): number {
  return printer.drawerKicks.filter((pin) => pin === 0).length;
}
