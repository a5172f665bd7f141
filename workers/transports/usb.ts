/**
 * A byte channel to a USB printer over WebUSB: the printer-class interface and its bulk
 * endpoints found from the configuration descriptors, bounded writes, status reads with a
 * timeout, and every failure mapped to a `UsbTransportError` with a code a driver can act on.
 */

/** USB printer class (USB Device Class Definition for Printing Devices 1.1, §4.1). */
export const USB_PRINTER_CLASS = 0x07;
/** Printer class request GET_DEVICE_ID (§4.2.1): bmRequestType 0xA1 = class, interface, device-to-host. */
const GET_DEVICE_ID = 0;
/** The IEEE-1284 id length field is 16 bits; printers send a few hundred bytes. */
const DEVICE_ID_MAX_BYTES = 1024;
/** The OS limits pending transfer sizes; 16 KiB chunks, each awaited, keep every printer fed (devices.md). */
export const USB_WRITE_CHUNK = 16 * 1024;
/** A printer that takes no 16 KiB chunk within this time is not taking data (paper jam, offline, full buffer). */
export const USB_CHUNK_TIMEOUT_MS = 5000;

export type UsbTransportErrorCode = 'disconnected' | 'timeout' | 'access_denied' | 'no_printer_interface' | 'stalled' | 'failed' | 'closed';

export class UsbTransportError extends Error {
  override name = 'UsbTransportError';
  constructor(readonly code: UsbTransportErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export interface PrinterInterface {
  configurationValue: number;
  /** Index in `device.configurations`: GET_DEVICE_ID's wValue. */
  configurationIndex: number;
  interfaceNumber: number;
  alternateSetting: number;
  outEndpoint: number;
  /** Bulk IN for status answers; some printers have none. */
  inEndpoint: number | null;
  inPacketSize: number;
}

/** The first printer-class interface alternate with a bulk OUT endpoint, in any configuration. */
export function findPrinterInterface(device: USBDevice): PrinterInterface | null {
  for (const [configurationIndex, configuration] of device.configurations.entries()) {
    for (const usbInterface of configuration.interfaces) {
      for (const alternate of usbInterface.alternates) {
        if (alternate.interfaceClass !== USB_PRINTER_CLASS) continue;
        const out = alternate.endpoints.find((e) => e.direction === 'out' && e.type === 'bulk');
        if (!out) continue;
        const input = alternate.endpoints.find((e) => e.direction === 'in' && e.type === 'bulk');
        return {
          configurationValue: configuration.configurationValue,
          configurationIndex,
          interfaceNumber: usbInterface.interfaceNumber,
          alternateSetting: alternate.alternateSetting,
          outEndpoint: out.endpointNumber,
          inEndpoint: input?.endpointNumber ?? null,
          inPacketSize: input?.packetSize ?? 64,
        };
      }
    }
  }
  return null;
}

export class UsbPrinterChannel {
  private closed = false;
  private readonly lost: Promise<never>;
  private loseWith!: (error: UsbTransportError) => void;
  /** A bulk IN transfer cannot be cancelled: one that timed out stays pending and answers the next read. */
  private pendingIn: Promise<USBInTransferResult> | null = null;

  private constructor(readonly device: USBDevice, readonly printer: PrinterInterface, private readonly chunkTimeoutMs: number) {
    this.lost = new Promise<never>((_, reject) => (this.loseWith = reject));
    this.lost.catch(() => undefined);
  }

  /** Opens the device, selects the configuration, claims the printer interface. */
  static async open(device: USBDevice, options: { chunkTimeoutMs?: number } = {}): Promise<UsbPrinterChannel> {
    const printer = findPrinterInterface(device);
    if (!printer) throw new UsbTransportError('no_printer_interface', 'the device has no USB printer-class interface with a bulk OUT endpoint');
    // The step goes into the error: a refused open (permissions, udev) and a refused claim (an OS
    // driver holds the interface) have different fixes.
    let step = 'open the printer';
    try {
      if (!device.opened) await device.open();
      step = 'select the printer configuration';
      if (device.configuration?.configurationValue !== printer.configurationValue) await device.selectConfiguration(printer.configurationValue);
      step = 'claim the printer interface';
      await device.claimInterface(printer.interfaceNumber);
      if (printer.alternateSetting !== 0) await device.selectAlternateInterface(printer.interfaceNumber, printer.alternateSetting);
    } catch (error) {
      throw mapUsbError(error, step);
    }
    return new UsbPrinterChannel(device, printer, options.chunkTimeoutMs ?? USB_CHUNK_TIMEOUT_MS);
  }

  /** Writes in chunks of at most 16 KiB, awaiting each; `onProgress` hears the bytes taken so far. */
  async write(bytes: Uint8Array, onProgress?: (sent: number, total: number) => void): Promise<void> {
    for (let offset = 0; offset < bytes.length; offset += USB_WRITE_CHUNK) {
      const chunk = bytes.subarray(offset, offset + USB_WRITE_CHUNK);
      const result = await this.guard(this.device.transferOut(this.printer.outEndpoint, chunk as Uint8Array<ArrayBuffer>), this.chunkTimeoutMs, 'send data to the printer');
      if (result.status === 'stall') {
        await this.device.clearHalt('out', this.printer.outEndpoint).catch(() => undefined);
        throw new UsbTransportError('stalled', 'the printer refused the data (endpoint stalled)');
      }
      if (result.bytesWritten !== chunk.length) throw new UsbTransportError('failed', `the printer took ${result.bytesWritten} of ${chunk.length} bytes`);
      onProgress?.(offset + chunk.length, bytes.length);
    }
  }

  /** Up to `maxBytes` from bulk IN; empty after `timeoutMs` or when the printer has no IN endpoint. */
  async read(maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
    if (this.printer.inEndpoint === null) return new Uint8Array(0);
    this.check();
    const length = Math.max(maxBytes, this.printer.inPacketSize);
    this.pendingIn ??= this.device.transferIn(this.printer.inEndpoint, length);
    const pending = this.pendingIn;
    let result: USBInTransferResult | null;
    try {
      result = await this.guard(pending, timeoutMs, 'read the printer status', null);
    } catch (error) {
      this.pendingIn = null;
      throw error;
    }
    if (result === null) return new Uint8Array(0);
    this.pendingIn = null;
    if (result.status === 'stall') {
      await this.device.clearHalt('in', this.printer.inEndpoint).catch(() => undefined);
      return new Uint8Array(0);
    }
    const data = result.data;
    if (!data) return new Uint8Array(0);
    return new Uint8Array(data.buffer, data.byteOffset, Math.min(data.byteLength, maxBytes)).slice();
  }

  /**
   * The bulk IN transfer a timed-out read left pending gets the printer's late answer: waits up
   * to `timeoutMs` for it and drops it, so it never answers a later query. False when it is still pending.
   */
  async dropLateReply(timeoutMs: number): Promise<boolean> {
    if (this.pendingIn === null) return true;
    this.check();
    let result: USBInTransferResult | null;
    try {
      result = await this.guard(this.pendingIn, timeoutMs, 'read a late printer status', null);
    } catch (error) {
      this.pendingIn = null;
      throw error;
    }
    if (result === null) return false;
    this.pendingIn = null;
    return true;
  }

  /** The IEEE-1284 device id string (printer-class GET_DEVICE_ID), or null when the printer does not answer. */
  async deviceId(): Promise<string | null> {
    this.check();
    const setup: USBControlTransferParameters = {
      requestType: 'class',
      recipient: 'interface',
      request: GET_DEVICE_ID,
      value: this.printer.configurationIndex,
      index: (this.printer.interfaceNumber << 8) | this.printer.alternateSetting,
    };
    let result: USBInTransferResult;
    try {
      result = await this.guard(this.device.controlTransferIn(setup, DEVICE_ID_MAX_BYTES), 2000, 'read the printer device id');
    } catch (error) {
      if (error instanceof UsbTransportError && (error.code === 'disconnected' || error.code === 'closed')) throw error;
      return null;
    }
    if (result.status !== 'ok' || !result.data) return null;
    return decodeDeviceId(new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength));
  }

  /** The device went away: every pending and later operation fails at once with `disconnected`. */
  markDisconnected(): void {
    this.loseWith(new UsbTransportError('disconnected', 'the printer was disconnected'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.loseWith(new UsbTransportError('closed', 'the printer channel is closed'));
    if (!this.device.opened) return;
    await this.device.releaseInterface(this.printer.interfaceNumber).catch(() => undefined);
    await this.device.close().catch(() => undefined);
  }

  private check(): void {
    if (this.closed) throw new UsbTransportError('closed', 'the printer channel is closed');
  }

  /** Races a transfer against disconnect and a timeout; `onTimeout` undefined means the timeout is an error. */
  private async guard<T, U = never>(transfer: Promise<T>, timeoutMs: number, what: string, ...onTimeout: [U] | []): Promise<T | U> {
    this.check();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<U>((resolve, reject) => {
      timer = setTimeout(() => {
        if (onTimeout.length) resolve(onTimeout[0] as U);
        else reject(new UsbTransportError('timeout', `the printer did not respond in ${timeoutMs} ms (${what})`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([transfer.catch((error) => Promise.reject(mapUsbError(error, what))), timeout, this.lost]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** First two bytes: big-endian length including themselves (IEEE 1284-2000 §7.6), then the id text. */
export function decodeDeviceId(bytes: Uint8Array): string | null {
  if (bytes.length < 2) return null;
  const declared = (bytes[0] << 8) | bytes[1];
  const end = Math.min(bytes.length, declared >= 2 ? declared : bytes.length);
  return new TextDecoder('latin1').decode(bytes.subarray(2, end));
}

/** WebUSB rejects with DOMExceptions; their names tell what happened. */
export function mapUsbError(error: unknown, what: string): UsbTransportError {
  if (error instanceof UsbTransportError) return error;
  const name = (error as DOMException)?.name;
  const message = (error as Error)?.message ?? String(error);
  if (name === 'NotFoundError') return new UsbTransportError('disconnected', `the printer was disconnected (${what})`, { cause: error });
  if (name === 'SecurityError' || /access denied/i.test(message)) {
    return new UsbTransportError('access_denied', `the system denied access to the printer (${what}): on Windows its vendor driver may hold it, on Linux a udev rule must allow it`, { cause: error });
  }
  if (name === 'InvalidStateError') return new UsbTransportError('disconnected', `the printer is no longer open (${what})`, { cause: error });
  return new UsbTransportError('failed', `could not ${what}: ${message}`, { cause: error });
}
