/**
 * A serial device behind the W3C `SerialPort` interface, for the demo and the tests: bytes
 * travel at the line's real speed (start + data + parity + stop bits per byte), a port opened
 * at the wrong line settings reads framing errors and garbage like a real UART, and unplugging
 * ends the streams with the NetworkError Chrome gives.
 */
export abstract class VirtualSerialPort extends EventTarget implements SerialPort {
  onconnect: ((this: SerialPort, ev: Event) => unknown) | null = null;
  ondisconnect: ((this: SerialPort, ev: Event) => unknown) | null = null;
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  connected = true;
  /**
   * Hears, on the performance clock, when the host's bytes reach the port (before their wire time)
   * and when the device's bytes become readable (after theirs): what a benchmark needs to take the
   * device's own timing out of a round trip.
   */
  onWire: ((event: 'host-wrote' | 'device-sent', at: number) => void) | null = null;
  private options: SerialOptions | null = null;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private outgoing: Array<{ byte: number; at: number }> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lineBusyUntil = 0;

  protected constructor(readonly line: Required<Pick<SerialOptions, 'baudRate' | 'dataBits' | 'parity' | 'stopBits'>>, private readonly info: SerialPortInfo = {}) {
    super();
  }

  /** Seconds per byte on this line: start bit, data bits, parity bit, stop bits. */
  get byteTimeMs(): number {
    const bits = 1 + this.line.dataBits + (this.line.parity === 'none' ? 0 : 1) + this.line.stopBits;
    return (bits * 1000) / this.line.baudRate;
  }

  /** The device got bytes from the host. */
  protected abstract receive(bytes: Uint8Array): void;

  /** The device sends bytes to the host, one byte time each, after whatever is still on the wire. */
  protected transmit(bytes: Uint8Array): void {
    if (!this.controller) return;
    const mismatch = !this.matches();
    let at = Math.max(performance.now(), this.lineBusyUntil);
    for (const byte of bytes) {
      at += this.byteTimeMs;
      // At the wrong speed or parity a UART reads other bits than were sent.
      this.outgoing.push({ byte: mismatch ? (byte * 7 + 0x55) & (this.options?.dataBits === 7 ? 0x7f : 0xff) : byte, at });
    }
    this.lineBusyUntil = at;
    if (mismatch) this.outgoing.push({ byte: -1, at });
    this.schedule();
  }

  async open(options: SerialOptions): Promise<void> {
    if (!this.connected) throw new DOMException('The device has been lost.', 'NetworkError');
    if (this.readable) throw new DOMException('The port is already open.', 'InvalidStateError');
    this.options = { dataBits: 8, parity: 'none', stopBits: 1, ...options };
    this.makeReadable();
    this.writable = new WritableStream<Uint8Array>({
      write: async (chunk) => {
        if (!this.connected) throw new DOMException('The device has been lost.', 'NetworkError');
        this.onWire?.('host-wrote', performance.now());
        const wire = chunk.length * this.byteTimeMs;
        await new Promise((resolve) => setTimeout(resolve, wire));
        if (!this.connected) throw new DOMException('The device has been lost.', 'NetworkError');
        if (this.matches()) this.receive(chunk.slice());
      },
    });
  }

  async close(): Promise<void> {
    if (!this.readable) throw new DOMException('The port is already closed.', 'InvalidStateError');
    await this.readable.cancel().catch(() => undefined);
    this.stopOutput();
    this.readable = null;
    this.writable = null;
    this.options = null;
  }

  getInfo(): SerialPortInfo {
    return { ...this.info };
  }

  async forget(): Promise<void> {
    await this.close().catch(() => undefined);
  }

  async setSignals(): Promise<void> {}

  async getSignals(): Promise<SerialInputSignals> {
    return { dataCarrierDetect: false, clearToSend: true, ringIndicator: false, dataSetReady: true };
  }

  /** Pulls the cable: open streams fail with NetworkError. The source fires `disconnect`. */
  unplug(): void {
    this.connected = false;
    this.stopOutput();
    this.controller?.error(new DOMException('The device has been lost.', 'NetworkError'));
    this.controller = null;
    this.readable = null;
    this.writable = null;
    this.options = null;
  }

  private matches(): boolean {
    const o = this.options;
    return !!o && o.baudRate === this.line.baudRate && o.dataBits === this.line.dataBits && o.parity === this.line.parity && o.stopBits === this.line.stopBits;
  }

  private makeReadable(): void {
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        this.controller = null;
      },
    });
  }

  private schedule(): void {
    if (this.timer || this.outgoing.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, Math.max(0, this.outgoing[0].at - performance.now()));
  }

  private flush(): void {
    const now = performance.now();
    const due: number[] = [];
    while (this.outgoing.length && this.outgoing[0].at <= now) {
      const { byte } = this.outgoing.shift()!;
      if (byte >= 0) {
        due.push(byte);
        continue;
      }
      // A framing error ends this readable stream; Web Serial then offers a fresh one.
      if (due.length) this.controller?.enqueue(Uint8Array.from(due.splice(0)));
      this.controller?.error(new DOMException('A framing error was detected.', 'FramingError'));
      this.makeReadable();
    }
    if (due.length) {
      this.controller?.enqueue(Uint8Array.from(due));
      this.onWire?.('device-sent', now);
    }
    this.schedule();
  }

  private stopOutput(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.outgoing = [];
    this.lineBusyUntil = 0;
  }
}

/** `navigator.serial` for virtual ports: plug and unplug them like cables. */
export class VirtualSerialSource extends EventTarget {
  private readonly ports = new Set<VirtualSerialPort>();

  async getPorts(): Promise<SerialPort[]> {
    return [...this.ports];
  }

  plug(port: VirtualSerialPort): void {
    this.ports.add(port);
    port.connected = true;
    this.dispatchEvent(Object.assign(new Event('connect'), { port }));
  }

  unplug(port: VirtualSerialPort): void {
    port.unplug();
    this.ports.delete(port);
    const event = new Event('disconnect');
    port.dispatchEvent(event);
    this.dispatchEvent(Object.assign(new Event('disconnect'), { port }));
  }
}
