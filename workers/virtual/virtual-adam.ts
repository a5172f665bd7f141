import { VirtualSerialPort } from './virtual-serial-port.ts';
import { ascii } from './virtual-toledo.ts';

/**
 * An Adam Equipment AZextra (4800 8N1): `P` CR LF prints the weight as `   1.250kg` CR LF,
 * but only a new non-zero weight; otherwise it just beeps (nothing on the line).
 */
export class VirtualAdamScale extends VirtualSerialPort {
  weight = 0;
  beeps = 0;
  private printed: number | null = null;
  private pending = '';

  constructor(info: SerialPortInfo = { usbVendorId: 0x0403, usbProductId: 0x6001 }) {
    super({ baudRate: 4800, dataBits: 8, parity: 'none', stopBits: 1 }, info);
  }

  protected receive(bytes: Uint8Array): void {
    this.pending = (this.pending + String.fromCharCode(...bytes)).slice(-8);
    if (!this.pending.endsWith('P\r\n')) return;
    this.pending = '';
    this.beeps++;
    if (this.weight > 0 && this.weight !== this.printed) {
      this.printed = this.weight;
      this.transmit(Uint8Array.from(ascii(`${this.weight.toFixed(3).padStart(8, ' ')}kg\r\n`)));
    }
    if (this.weight === 0) this.printed = null;
  }
}
