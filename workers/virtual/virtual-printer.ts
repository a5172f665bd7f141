/**
 * A receipt printer that lives in memory, for the demo and the tests: a `USBDevice` as WebUSB
 * defines it (a vendor interface 0 and the printer-class interface 1 with bulk OUT/IN, the
 * IEEE 1284 id on GET_DEVICE_ID) that parses the ESC/POS or Star stream it receives, renders
 * the dots it would print, answers DLE EOT, and can run out of paper, stop taking data, or be
 * unplugged. `VirtualUsb` is the `navigator.usb` it is found through. Loaded lazily only.
 */

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

export interface PrintedPage {
  width: number;
  height: number;
  bytesPerRow: number;
  data: Uint8Array;
  text: string[];
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

  /** Sensors and faults the tests set. */
  paperOut = false;
  paperLow = false;
  coverOpen = false;
  drawerOpen = false;
  /** The printer stops taking data (jam, full buffer): transfers never complete. */
  stalled = false;
  /** The next DLE EOT answer comes this many ms late (once), as from a busy printer; later answers follow it. */
  answerLateOnceMs: number | null = null;

  /** Everything received on bulk OUT, in order. */
  readonly received: number[] = [];
  readonly drawerKicks: number[] = [];
  cuts = 0;
  readonly pages: PrintedPage[] = [];
  private rows: Uint8Array[] = [];
  private text: string[] = [];
  private line = '';
  private pending = new Uint8Array(0);
  private starRasterMode = false;
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
    if (this.rows.length || this.text.length) return this.page();
    return this.pages.at(-1) ?? this.page();
  }

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
    for (const b of bytes) this.received.push(b);
    this.consume(bytes);
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
    this.pending = new Uint8Array(0);
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

  private page(): PrintedPage {
    const bytesPerRow = this.widthDots >> 3;
    const data = new Uint8Array(bytesPerRow * this.rows.length);
    this.rows.forEach((row, y) => data.set(row.subarray(0, bytesPerRow), y * bytesPerRow));
    return { width: this.widthDots, height: this.rows.length, bytesPerRow, data, text: [...this.text] };
  }

  private cut(): void {
    if (this.line) this.text.push(this.line);
    this.line = '';
    this.pages.push(this.page());
    this.rows = [];
    this.text = [];
    this.cuts++;
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

  /** DLE EOT n answers (Epson ESC/POS reference): fixed bits 0x12 plus the flags. */
  private realTimeStatus(n: number): number {
    if (n === 1) return 0x12 | (this.drawerOpen ? 0x04 : 0) | (this.paperOut || this.coverOpen ? 0x08 : 0);
    if (n === 2) return 0x12 | (this.coverOpen ? 0x04 : 0) | (this.paperOut ? 0x20 : 0);
    if (n === 4) return 0x12 | (this.paperLow || this.paperOut ? 0x0c : 0) | (this.paperOut ? 0x60 : 0);
    return 0x12;
  }

  private addRows(rows: Uint8Array[]): void {
    // Without paper the printer drops what it is given.
    if (!this.paperOut) this.rows.push(...rows);
  }

  private consume(bytes: Uint8Array): void {
    const joined = new Uint8Array(this.pending.length + bytes.length);
    joined.set(this.pending);
    joined.set(bytes, this.pending.length);
    let i = 0;
    while (i < joined.length) {
      const used = this.command(joined, i);
      if (used === 0) break;
      i += used;
    }
    this.pending = joined.slice(i);
  }

  /** Parses one command at `i`; returns its length, or 0 when it is not complete yet. */
  private command(b: Uint8Array, i: number): number {
    const left = b.length - i;
    const c = b[i];
    const need = (n: number) => (left >= n ? n : 0);
    if (this.starRasterMode) return this.starRasterCommand(b, i, left);
    if (c === 0x10) {
      if (!need(3)) return 0;
      if (b[i + 1] === 0x04) this.answerStatus(this.realTimeStatus(b[i + 2]));
      return 3;
    }
    if (c === 0x0a) {
      this.text.push(this.line);
      this.line = '';
      return 1;
    }
    if (c === 0x07 || c === 0x1a) {
      this.drawerKicks.push(c === 0x07 ? 0 : 1);
      this.drawerOpen = true;
      return 1;
    }
    if (c === 0x1b) {
      if (!need(2)) return 0;
      const op = b[i + 1];
      if (op === 0x40 || op === 0x32) return 2;
      if (op === 0x70) {
        if (!need(5)) return 0;
        this.drawerKicks.push(b[i + 2] & 1);
        this.drawerOpen = true;
        return 5;
      }
      if (op === 0x2a) {
        if (!need(3)) return 0;
        if (b[i + 2] === 0x72) return this.starRasterControl(b, i, left);
        if (!need(5)) return 0;
        const mode = b[i + 2];
        const columns = b[i + 3] | (b[i + 4] << 8);
        const bandBytes = mode & 0x20 ? 3 : 1;
        const total = 5 + columns * bandBytes;
        if (!need(total)) return 0;
        this.columnBand(b.subarray(i + 5, i + total), columns, bandBytes);
        return total;
      }
      if (op === 0x64) {
        if (!need(3)) return 0;
        // Star `ESC d n` cuts; ESC/POS `ESC d n` feeds n lines.
        if (this.protocol === 'star') this.cut();
        return 3;
      }
      // ESC a / ESC ! / ESC 3 / ESC = / ESC M ... : one parameter byte.
      return need(3);
    }
    if (c === 0x1d) {
      if (!need(2)) return 0;
      const op = b[i + 1];
      if (op === 0x76) {
        if (!need(8)) return 0;
        const bytesPerRow = b[i + 4] | (b[i + 5] << 8);
        const rows = b[i + 6] | (b[i + 7] << 8);
        const total = 8 + bytesPerRow * rows;
        if (!need(total)) return 0;
        const out: Uint8Array[] = [];
        for (let r = 0; r < rows; r++) out.push(this.fitRow(b.subarray(i + 8 + r * bytesPerRow, i + 8 + (r + 1) * bytesPerRow)));
        this.addRows(out);
        return total;
      }
      if (op === 0x56) {
        if (!need(3)) return 0;
        const m = b[i + 2];
        const withFeed = m === 0x41 || m === 0x42 || m === 0x61 || m === 0x62;
        if (withFeed && !need(4)) return 0;
        this.cut();
        return withFeed ? 4 : 3;
      }
      return need(3);
    }
    if (c >= 0x20) this.line += String.fromCharCode(c);
    return 1;
  }

  private fitRow(source: Uint8Array): Uint8Array {
    const row = new Uint8Array(this.widthDots >> 3);
    row.set(source.subarray(0, row.length));
    return row;
  }

  private columnBand(data: Uint8Array, columns: number, bandBytes: number): void {
    const bandRows = bandBytes * 8;
    const rows = Array.from({ length: bandRows }, () => new Uint8Array(this.widthDots >> 3));
    for (let x = 0; x < Math.min(columns, this.widthDots); x++) {
      for (let r = 0; r < bandRows; r++) {
        if (data[x * bandBytes + (r >> 3)] & (0x80 >> (r & 7))) rows[r][x >> 3] |= 0x80 >> (x & 7);
      }
    }
    this.addRows(rows);
  }

  /** `ESC * r X ...`: A enters raster mode; B quits (and ends the page); P and others end with NUL. */
  private starRasterControl(b: Uint8Array, i: number, left: number): number {
    if (left < 4) return 0;
    const op = b[i + 3];
    if (op === 0x41) {
      this.starRasterMode = true;
      return 4;
    }
    if (op === 0x42) {
      this.starRasterMode = false;
      this.cut();
      return 4;
    }
    const nul = b.indexOf(0, i + 4);
    return nul < 0 ? 0 : nul - i + 1;
  }

  private starRasterCommand(b: Uint8Array, i: number, left: number): number {
    const c = b[i];
    if (c === 0x62) {
      if (left < 3) return 0;
      const n = b[i + 1] | (b[i + 2] << 8);
      if (left < 3 + n) return 0;
      this.addRows([this.fitRow(b.subarray(i + 3, i + 3 + n))]);
      return 3 + n;
    }
    if (c === 0x1b) {
      if (left < 3) return 0;
      if (b[i + 1] === 0x2a && b[i + 2] === 0x72) return this.starRasterControl(b, i, left);
      return 2;
    }
    return 1;
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
