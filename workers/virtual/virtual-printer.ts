/**
 * A receipt printer that lives in memory, for the demo and the tests: a `USBDevice` as WebUSB
 * defines it (a vendor interface 0 and the printer-class interface 1 with bulk OUT/IN, the
 * IEEE 1284 id on GET_DEVICE_ID) whose mechanism (printer-mechanism.ts) parses the ESC/POS or
 * Star stream it receives, renders the dots it would print and answers DLE EOT; it can run out
 * of paper, stop taking data, or be unplugged. `VirtualUsb` is the `navigator.usb` it is found through. Loaded lazily only.
 */

import { PrinterMechanism, type PrintedPage } from './printer-mechanism.ts';
export type { PrintedPage } from './printer-mechanism.ts';

const PRINTER_INTERFACE = 1;
const OUT_ENDPOINT = 1;
const IN_ENDPOINT = 2;

export interface VirtualPrinterOptions {
  protocol?: 'escpos' | 'star';
  vendorId?: number;
  productId?: number;
  serialNumber?: string | null;
  manufacturerName?: string;
  productName?: string;
  /** IEEE 1284 device id; null: the printer does not answer GET_DEVICE_ID. */
  deviceId?: string | null;
  widthDots?: number;
  /**
   * How fast the printer takes data once its buffer is full, as a real one does while it prints
   * (a TM-T20III at 200 mm/s takes about 115 KB/s of raster). Unset: at once.
   */
  bytesPerSecond?: number;
}


function endpoint(endpointNumber: number, direction: USBDirection): USBEndpoint {
  return { endpointNumber, direction, type: 'bulk', packetSize: 64 };
}

function alternate(interfaceClass: number, endpoints: USBEndpoint[]): USBAlternateInterface {
  return { alternateSetting: 0, interfaceClass, interfaceSubclass: interfaceClass === 7 ? 1 : 0, interfaceProtocol: interfaceClass === 7 ? 2 : 0, interfaceName: null, endpoints } as USBAlternateInterface;
}

function usbInterface(interfaceNumber: number, alt: USBAlternateInterface): USBInterface {
  return { interfaceNumber, alternate: alt, alternates: [alt], claimed: false } as USBInterface;
}

function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

export class VirtualPrinter implements USBDevice {
  readonly usbVersionMajor = 2;
  readonly usbVersionMinor = 0;
  readonly usbVersionSubminor = 0;
  readonly deviceClass = 0;
  readonly deviceSubclass = 0;
  readonly deviceProtocol = 0;
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceVersionMajor = 1;
  readonly deviceVersionMinor = 0;
  readonly deviceVersionSubminor = 0;
  readonly manufacturerName: string;
  readonly productName: string;
  readonly serialNumber: string | null;
  readonly configurations: USBConfiguration[];
  configuration: USBConfiguration | null;
  opened = false;

  readonly protocol: 'escpos' | 'star';
  readonly widthDots: number;
  private readonly bytesPerSecond: number | null;
  private readonly deviceId: string | null;

  /** What it prints, the paper and the sensors (shared with the virtual network printer). */
  readonly mechanism: PrinterMechanism;
  /** The printer stops taking data (jam, full buffer): transfers never complete. */
  stalled = false;
  /** The next DLE EOT answer comes this many ms late (once), as from a busy printer; later answers follow it. */
  answerLateOnceMs: number | null = null;

  private readonly answers: number[] = [];
  private answerWaiter: (() => void) | null = null;
  private heldAnswers: number[] | null = null;
  private readonly claimed = new Set<number>();
  private connected = true;
  private readonly unplugWaiters = new Set<(error: DOMException) => void>();

  constructor(options: VirtualPrinterOptions = {}) {
    this.protocol = options.protocol ?? 'escpos';
    this.vendorId = options.vendorId ?? (this.protocol === 'star' ? 0x0519 : 0x04b8);
    this.productId = options.productId ?? (this.protocol === 'star' ? 0x0003 : 0x0202);
    this.serialNumber = options.serialNumber === undefined ? 'VIRTUAL0001' : options.serialNumber;
    this.manufacturerName = options.manufacturerName ?? (this.protocol === 'star' ? 'Star Micronics' : 'EPSON');
    this.productName = options.productName ?? (this.protocol === 'star' ? 'TSP143IIIU' : 'TM-T20III');
    this.deviceId =
      options.deviceId !== undefined
        ? options.deviceId
        : this.protocol === 'star'
          ? 'MFG:Star;CMD:STAR;MDL:TSP143IIIU (STR_T-001);CLS:PRINTER;'
          : 'MFG:EPSON;CMD:ESC/POS;MDL:TM-T20III;CLS:PRINTER;DES:TM-T20III;';
    this.widthDots = options.widthDots ?? 576;
    this.mechanism = new PrinterMechanism(this.protocol, this.widthDots, (answer) => this.answerStatus(answer));
    this.bytesPerSecond = options.bytesPerSecond ?? null;
    const vendorSpecific = usbInterface(0, alternate(0xff, [endpoint(3, 'out'), endpoint(4, 'in')]));
    const printer = usbInterface(PRINTER_INTERFACE, alternate(7, [endpoint(OUT_ENDPOINT, 'out'), endpoint(IN_ENDPOINT, 'in')]));
    const configuration = { configurationValue: 1, configurationName: null, interfaces: [vendorSpecific, printer] } as USBConfiguration;
    this.configurations = [configuration];
    this.configuration = configuration;
  }

  /** A fresh `USBDevice` for the same printer, as the browser makes one after a replug. */
  replugged(): VirtualPrinter {
    return new VirtualPrinter({
      protocol: this.protocol, vendorId: this.vendorId, productId: this.productId, serialNumber: this.serialNumber,
      manufacturerName: this.manufacturerName, productName: this.productName, deviceId: this.deviceId, widthDots: this.widthDots,
    });
  }

  /** Cable pulled: every pending and later transfer fails as WebUSB fails it. */
  disconnect(): void {
    this.connected = false;
    this.opened = false;
    this.claimed.clear();
    const error = domError('NotFoundError', 'The device was disconnected.');
    for (const reject of this.unplugWaiters) reject(error);
    this.unplugWaiters.clear();
  }

  /** The page being printed (since the last cut) or the last cut page. */
  lastPage(): PrintedPage {
    return this.mechanism.lastPage();
  }

  get paperOut(): boolean { return this.mechanism.paperOut; }
  set paperOut(on: boolean) { this.mechanism.paperOut = on; }
  get paperLow(): boolean { return this.mechanism.paperLow; }
  set paperLow(on: boolean) { this.mechanism.paperLow = on; }
  get coverOpen(): boolean { return this.mechanism.coverOpen; }
  set coverOpen(on: boolean) { this.mechanism.coverOpen = on; }
  get drawerOpen(): boolean { return this.mechanism.drawerOpen; }
  set drawerOpen(on: boolean) { this.mechanism.drawerOpen = on; }
  /** Everything received on bulk OUT, in order. */
  get received(): number[] { return this.mechanism.received; }
  get drawerKicks(): number[] { return this.mechanism.drawerKicks; }
  get cuts(): number { return this.mechanism.cuts; }
  get pages(): PrintedPage[] { return this.mechanism.pages; }

  async open(): Promise<void> {
    this.alive();
    this.opened = true;
  }

  async close(): Promise<void> {
    this.opened = false;
    this.claimed.clear();
  }

  async forget(): Promise<void> {
    await this.close();
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    this.ready();
    if (configurationValue !== 1) throw domError('NotFoundError', 'The configuration value provided is not supported by the device.');
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.ready();
    if (interfaceNumber > 1) throw domError('NotFoundError', 'The interface number provided is not supported by the device in its current configuration.');
    this.claimed.add(interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    this.ready();
    this.claimed.delete(interfaceNumber);
  }

  async selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void> {
    this.ready();
    if (!this.claimed.has(interfaceNumber) || alternateSetting !== 0) throw domError('NotFoundError', 'The alternate setting provided is not supported by the device in its current configuration.');
  }

  async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
    this.ready();
    const isGetDeviceId = setup.requestType === 'class' && setup.recipient === 'interface' && setup.request === 0 && setup.value === 0 && setup.index >> 8 === PRINTER_INTERFACE;
    if (!isGetDeviceId || this.deviceId === null) return { status: 'stall' } as USBInTransferResult;
    const text = new TextEncoder().encode(this.deviceId);
    const reply = new Uint8Array(2 + text.length);
    reply[0] = reply.length >> 8;
    reply[1] = reply.length & 0xff;
    reply.set(text, 2);
    return { status: 'ok', data: new DataView(reply.buffer, 0, Math.min(length, reply.length)) } as USBInTransferResult;
  }

  async controlTransferOut(): Promise<USBOutTransferResult> {
    this.ready();
    return { status: 'stall', bytesWritten: 0 } as USBOutTransferResult;
  }

  async clearHalt(): Promise<void> {
    this.ready();
  }

  async transferOut(endpointNumber: number, data: BufferSource): Promise<USBOutTransferResult> {
    this.ready();
    this.endpointCheck(endpointNumber, OUT_ENDPOINT);
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    if (this.stalled && !isRealTimeQuery(bytes)) await this.untilUnplugged();
    // Yielding (or taking the time printing takes) lets an unplug or a crash land mid-job.
    const takesMs = this.bytesPerSecond ? (bytes.length / this.bytesPerSecond) * 1000 : 1;
    await new Promise((resolve) => setTimeout(resolve, takesMs));
    this.ready();
    this.mechanism.take(bytes);
    return { status: 'ok', bytesWritten: bytes.length } as USBOutTransferResult;
  }

  async transferIn(endpointNumber: number, length: number): Promise<USBInTransferResult> {
    this.ready();
    this.endpointCheck(endpointNumber, IN_ENDPOINT);
    while (this.answers.length === 0) {
      const unplugged = this.untilUnplugged();
      // When the answer wins, the unplug may still come later: nobody waits for it then.
      unplugged.catch(() => undefined);
      await Promise.race([new Promise<void>((resolve) => (this.answerWaiter = resolve)), unplugged]);
    }
    const reply = Uint8Array.from(this.answers.splice(0, length));
    return { status: 'ok', data: new DataView(reply.buffer) } as USBInTransferResult;
  }

  async isochronousTransferIn(): Promise<USBIsochronousInTransferResult> {
    throw domError('NotFoundError', 'The specified endpoint is not part of a claimed and selected alternate interface.');
  }

  async isochronousTransferOut(): Promise<USBIsochronousOutTransferResult> {
    throw domError('NotFoundError', 'The specified endpoint is not part of a claimed and selected alternate interface.');
  }

  async reset(): Promise<void> {
    this.ready();
    this.mechanism.dropPartial();
  }

  private alive(): void {
    if (!this.connected) throw domError('NotFoundError', 'The device was disconnected.');
  }

  private ready(): void {
    this.alive();
    if (!this.opened) throw domError('InvalidStateError', 'The device must be opened first.');
  }

  private endpointCheck(endpointNumber: number, expected: number): void {
    if (endpointNumber !== expected || !this.claimed.has(PRINTER_INTERFACE)) {
      throw domError('NotFoundError', 'The specified endpoint is not part of a claimed and selected alternate interface.');
    }
  }

  private untilUnplugged(): Promise<never> {
    return new Promise<never>((_, reject) => this.unplugWaiters.add(reject));
  }



  private answer(byte: number): void {
    this.answers.push(byte);
    this.answerWaiter?.();
    this.answerWaiter = null;
  }

  /** A printer answers in order: answers after a late one wait behind it. */
  private answerStatus(byte: number): void {
    if (this.heldAnswers) return void this.heldAnswers.push(byte);
    const lateMs = this.answerLateOnceMs;
    if (lateMs === null) return this.answer(byte);
    this.answerLateOnceMs = null;
    this.heldAnswers = [byte];
    // One answer per USB packet, as a printer sends them: each in its own task.
    const release = () => {
      const next = this.heldAnswers?.shift();
      if (next === undefined) return void (this.heldAnswers = null);
      this.answer(next);
      setTimeout(release, 0);
    };
    setTimeout(release, lateMs);
  }








}

function isRealTimeQuery(bytes: Uint8Array): boolean {
  return bytes.length === 3 && bytes[0] === 0x10 && bytes[1] === 0x04;
}

/**
 * `navigator.usb` for virtual printers: lists the plugged printers the user granted, and fires
 * connect/disconnect like the browser. A replugged printer with the same vendor, product and
 * serial number keeps its grant, as Chrome keeps it.
 */
export class VirtualUsb extends EventTarget {
  private readonly plugged = new Set<VirtualPrinter>();
  private readonly grants = new Set<string>();
  /** Chrome keeps no grant for a device without a serial number once it is unplugged (whatwg/usb#269): it is tied to that connection. */
  private readonly connectionGrants = new WeakSet<USBDevice>();

  /** As `DeviceSources['usb']`: the DOM typings bind USB listeners' `this` to USB; the events are the same. */
  get source(): Pick<USB, 'getDevices' | 'addEventListener' | 'removeEventListener'> {
    return this as unknown as Pick<USB, 'getDevices' | 'addEventListener' | 'removeEventListener'>;
  }

  async getDevices(): Promise<USBDevice[]> {
    return [...this.plugged].filter((d) => this.granted(d));
  }

  /** What a user's pick in the chooser does. */
  grant(printer: VirtualPrinter): void {
    if (printer.serialNumber) this.grants.add(grantKey(printer));
    else this.connectionGrants.add(printer);
  }

  /** The user picks the printer in the chooser while it is plugged: the page is told as by a connect. */
  grantPlugged(printer: VirtualPrinter): void {
    this.grant(printer);
    if (this.plugged.has(printer)) this.dispatchEvent(Object.assign(new Event('connect'), { device: printer }));
  }

  plug(printer: VirtualPrinter): void {
    this.plugged.add(printer);
    if (this.granted(printer)) this.dispatchEvent(Object.assign(new Event('connect'), { device: printer }));
  }

  unplug(printer: VirtualPrinter): void {
    if (!this.plugged.delete(printer)) return;
    printer.disconnect();
    if (this.granted(printer)) this.dispatchEvent(Object.assign(new Event('disconnect'), { device: printer }));
  }

  private granted(device: USBDevice): boolean {
    return device.serialNumber ? this.grants.has(grantKey(device)) : this.connectionGrants.has(device);
  }
}

function grantKey(printer: USBDevice): string {
  return `${printer.vendorId}:${printer.productId}:${printer.serialNumber}`;
}
