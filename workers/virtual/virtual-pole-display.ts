import { VirtualSerialPort } from './virtual-serial-port.ts';

const ESC = 0x1b;
const US = 0x1f;
const FF = 0x0c;
const CR = 0x0d;
const LF = 0x0a;
const COLUMNS = 20;
const ROWS = 2;

/**
 * A 2x20 customer pole display at 9600 8N1 speaking the Epson DM-D command set: it interprets
 * the byte stream (ESC @ init, FF clear, US $ x y cursor, CR, LF, ESC t n code table, printable
 * ASCII at the cursor) into the text a customer would read. Unknown control bytes are counted,
 * not shown, like a display that ignores them. Commands split across writes are completed by
 * the next write, as on a real UART.
 */
export class VirtualPoleDisplay extends VirtualSerialPort {
  private screen: string[][] = blank();
  private x = 0;
  private y = 0;
  private partial: number[] = [];
  /** Bytes that were no command the display knows. */
  unknownBytes = 0;
  /** How many times the host initialised the display (ESC @). */
  inits = 0;

  constructor(info: SerialPortInfo = { usbVendorId: 0x04b8, usbProductId: 0x0e15 }) {
    super({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }, info);
  }

  /** The two lines as shown, each 20 characters. */
  get lines(): [string, string] {
    return [this.screen[0].join(''), this.screen[1].join('')];
  }

  protected receive(bytes: Uint8Array): void {
    for (const byte of bytes) {
      this.partial.push(byte);
      if (this.interpret(this.partial)) this.partial = [];
    }
  }

  /** Acts on a complete command; false while more bytes are needed. */
  private interpret(b: number[]): boolean {
    const [first, second] = b;
    if (first === ESC) {
      if (b.length < 2) return false;
      if (second === 0x40) {
        this.inits++;
        this.clear();
        return true;
      }
      if (second === 0x74) return b.length >= 3; // ESC t n: code table, ASCII unaffected
      this.unknownBytes += b.length;
      return true;
    }
    if (first === US) {
      if (b.length < 2) return false;
      if (second !== 0x24) {
        this.unknownBytes += b.length;
        return true;
      }
      if (b.length < 4) return false;
      this.x = clamp(b[2] - 1, 0, COLUMNS - 1);
      this.y = clamp(b[3] - 1, 0, ROWS - 1);
      return true;
    }
    if (first === FF) this.clear();
    else if (first === CR) this.x = 0;
    else if (first === LF) this.y = Math.min(ROWS - 1, this.y + 1);
    else if (first >= 0x20 && first < 0x7f) this.put(String.fromCharCode(first));
    else this.unknownBytes++;
    return true;
  }

  private put(c: string): void {
    if (this.x >= COLUMNS) return; // DM-D default: overwrite mode stops at the line end
    this.screen[this.y][this.x++] = c;
  }

  private clear(): void {
    this.screen = blank();
    this.x = 0;
    this.y = 0;
  }
}

function blank(): string[][] {
  return Array.from({ length: ROWS }, () => Array<string>(COLUMNS).fill(' '));
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
