/**
 * The inside of a virtual receipt printer, whatever carries its bytes (the virtual USB printer
 * of the demo and the browser tests, the virtual network printer on a loopback TCP port): parses
 * the ESC/POS or Star stream, renders the dots it would print, keeps what it was sent (paper,
 * cuts, drawer kicks), answers DLE EOT from its sensors, which the tests set, and, once `GS a n`
 * enabled it (Epson ASB), sends a 4-byte status packet by itself whenever they change.
 */

export type VirtualPrinterProtocol = 'escpos' | 'star';

export interface PrintedPage {
  width: number;
  height: number;
  bytesPerRow: number;
  data: Uint8Array;
  text: string[];
}

type Sensor = 'paperOut' | 'paperLow' | 'coverOpen' | 'drawerOpen';

export class PrinterMechanism {
  private readonly sensors: Record<Sensor, boolean> = { paperOut: false, paperLow: false, coverOpen: false, drawerOpen: false };
  /** `GS a n`'s n: which status changes are sent unasked (0: none, as after power on). */
  private automaticStatus = 0;

  /** Everything received, in order. */
  readonly received: number[] = [];
  /** What was received but the real-time status queries (DLE EOT), which polling interleaves: the jobs' own bytes. */
  readonly jobBytes: number[] = [];
  readonly drawerKicks: number[] = [];
  cuts = 0;
  readonly pages: PrintedPage[] = [];
  private rows: Uint8Array[] = [];
  private text: string[] = [];
  private line = '';
  private pending = new Uint8Array(0);
  private starRasterMode = false;

  /**
   * `onRealTimeQuery` gets each DLE EOT answer byte, `onAutomaticStatus` each ASB packet, for the
   * carrier to send back its own way (a carrier without one: the printer has no ASB).
   */
  constructor(
    readonly protocol: VirtualPrinterProtocol,
    readonly widthDots: number,
    private readonly onRealTimeQuery: (answer: number) => void,
    private readonly onAutomaticStatus?: (packet: Uint8Array) => void,
  ) {}

  /** Sensors and faults the tests set. */
  get paperOut(): boolean { return this.sensors.paperOut; }
  set paperOut(on: boolean) { this.sense('paperOut', on); }
  get paperLow(): boolean { return this.sensors.paperLow; }
  set paperLow(on: boolean) { this.sense('paperLow', on); }
  get coverOpen(): boolean { return this.sensors.coverOpen; }
  set coverOpen(on: boolean) { this.sense('coverOpen', on); }
  get drawerOpen(): boolean { return this.sensors.drawerOpen; }
  set drawerOpen(on: boolean) { this.sense('drawerOpen', on); }

  /** Bytes as they arrive: kept, and parsed as far as they go (a command split across two writes waits for its end). */
  take(bytes: Uint8Array): void {
    for (const b of bytes) this.received.push(b);
    this.consume(bytes);
  }

  /** A half-received command is dropped (a USB reset, a new TCP connection). */
  dropPartial(): void {
    this.pending = new Uint8Array(0);
  }

  /** The page being printed (since the last cut) or the last cut page. */
  lastPage(): PrintedPage {
    if (this.rows.length || this.text.length) return this.page();
    return this.pages.at(-1) ?? this.page();
  }

  page(): PrintedPage {
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

  /** An ASB packet (workers/drivers/printer/asb.ts has the layout): fixed bits plus the flags. */
  automaticStatusPacket(): Uint8Array {
    const { paperOut, paperLow, coverOpen, drawerOpen } = this.sensors;
    return Uint8Array.of(0x10 | (drawerOpen ? 0x04 : 0) | (paperOut || coverOpen ? 0x08 : 0) | (coverOpen ? 0x20 : 0), 0, (paperLow || paperOut ? 0x03 : 0) | (paperOut ? 0x0c : 0), 0);
  }

  private sense(sensor: Sensor, on: boolean): void {
    if (this.sensors[sensor] === on) return;
    this.sensors[sensor] = on;
    if (this.automaticStatus) this.onAutomaticStatus?.(this.automaticStatusPacket());
  }

  /** DLE EOT n answers (Epson ESC/POS reference): fixed bits 0x12 plus the flags. */
  realTimeStatus(n: number): number {
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
      const realTimeQuery = used === 3 && joined[i] === 0x10 && joined[i + 1] === 0x04;
      if (!realTimeQuery) for (let k = i; k < i + used; k++) this.jobBytes.push(joined[k]);
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
      if (b[i + 1] === 0x04) this.onRealTimeQuery(this.realTimeStatus(b[i + 2]));
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
      if (op === 0x61) {
        if (!need(3)) return 0;
        // GS a n: a printer with ASB sends the status once at once, then on every change.
        this.automaticStatus = this.onAutomaticStatus ? b[i + 2] & 0x0f : 0;
        if (this.automaticStatus) this.onAutomaticStatus!(this.automaticStatusPacket());
        return 3;
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
