import { VirtualSerialPort } from './virtual-serial-port.ts';

const STX = 0x02;
const CR = 0x0d;
const PROBE = 'Ehello';

/**
 * A Mettler-Toledo scale in 8217 mode (9600 7E1): answers the box's probe and `W` with the
 * weight or a status byte, and takes zero, tare and clear tare.
 */
export class VirtualToledoScale extends VirtualSerialPort {
  /** Gross weight on the plate, kg. */
  weight = 0;
  motion = false;
  capacityKg = 15;
  private zero = 0;
  private tare = 0;
  private pending = '';
  /** Every command the scale received, for tests. */
  readonly received: string[] = [];

  constructor(info: SerialPortInfo = { usbVendorId: 0x0eb8, usbProductId: 0xf000 }) {
    super({ baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 }, info);
  }

  protected receive(bytes: Uint8Array): void {
    for (const byte of bytes) {
      this.pending += String.fromCharCode(byte & 0x7f);
      if (PROBE.startsWith(this.pending)) {
        if (this.pending === PROBE) this.answer(Uint8Array.of(STX, 0x45, CR, ...ascii('hello')));
        else continue;
      } else this.command(this.pending.slice(-1));
      this.pending = '';
    }
  }

  private command(c: string): void {
    this.received.push(c);
    const net = this.weight - this.zero - this.tare;
    if (c === 'W') {
      const flags = this.flags(net);
      if (flags) this.answer(Uint8Array.of(STX, 0x3f, flags, CR));
      else this.answer(Uint8Array.of(STX, ...ascii(net.toFixed(3).padStart(7, '0')), ...(this.tare ? ascii('N') : []), CR));
    } else if (c === 'Z' && !this.motion) this.zero = this.weight;
    else if (c === 'T' && !this.motion) this.tare = this.weight - this.zero;
    else if (c === 'C') this.tare = 0;
    else if (c !== 'F') this.answer(Uint8Array.of(STX, 0x3f, 1 << 6, CR));
  }

  /** Status byte bits as the 8217 protocol numbers them (devices.md). */
  private flags(net: number): number {
    let flags = 0;
    if (this.motion) flags |= 1 << 0;
    if (this.weight > this.capacityKg) flags |= 1 << 1;
    if (net < 0) flags |= 1 << 2;
    return flags;
  }

  private answer(bytes: Uint8Array): void {
    this.transmit(bytes);
  }
}

export function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}
