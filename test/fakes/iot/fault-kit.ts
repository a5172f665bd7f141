/**
 * What a fault-test build of the hub (`vite build --mode e2e-faults`) runs with: the real USB
 * printer driver on a virtual ESC/POS printer whose paper survives the hub. Every page it cuts
 * and every drawer kick it gets is written to its own IndexedDB database ("the paper trail")
 * before the USB transfer completes, so a test counts what printed across a killed window, and
 * the receipt number each page carries (a row of black/white blocks, see `decodeReceiptNumber`).
 * The test reaches `self.faultKit` in the hub worker to unplug and plug the printer back. Network
 * printers the local server lists are driven too (the real driver on the printer link).
 */
import type { HubServiceOptions } from '../../../workers/hub-service.ts';
import { VirtualPrinter, VirtualUsb, type PrintedPage } from '../../../workers/virtual/virtual-printer.ts';
import { usbPrinterFactory } from '../../../workers/drivers/printer/factory.ts';
import { networkPrinterFactory } from '../../../workers/drivers/printer/network-factory.ts';
import { officePrinterFactory } from '../../../workers/drivers/printer/office-printer.ts';

export const PAPER_DB = 'hub-e2e-paper';
export const FAULT_PRINTER_SERIAL = 'FAULT1';
/** A TM-T20III printing 200 mm/s: 1,600 rows of 72 bytes a second. */
const REAL_PRINTER_BYTES_PER_SECOND = 115_000;
/** Receipt images: a full-width black marker band, then 8 blocks (most significant bit first) for the number. */
export const RECEIPT_LAYOUT = { width: 512, markerRows: 16, bitRows: 64, bits: 8 } as const;

export interface PaperEntry {
  seq?: number;
  kind: 'page' | 'drawer';
  /** The receipt number read from the page, or -1 for a page that is not a test receipt. */
  receipt: number;
  at: number;
}

function openPaper(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(PAPER_DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('paper', { keyPath: 'seq', autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Reads the block row under the marker band; -1 when the page has no marker. */
export function decodeReceiptNumber(page: PrintedPage): number {
  const ink = (x: number, y: number) => x < page.width && y < page.height && (page.data[y * page.bytesPerRow + (x >> 3)] & (0x80 >> (x & 7))) !== 0;
  let top = -1;
  for (let y = 0; y < page.height && top < 0; y++) if (ink(8, y) && ink(RECEIPT_LAYOUT.width / 2, y) && ink(RECEIPT_LAYOUT.width - 8, y)) top = y;
  if (top < 0) return -1;
  const block = RECEIPT_LAYOUT.width / RECEIPT_LAYOUT.bits;
  const y = top + RECEIPT_LAYOUT.markerRows + RECEIPT_LAYOUT.bitRows / 2;
  let n = 0;
  for (let i = 0; i < RECEIPT_LAYOUT.bits; i++) n = (n << 1) | (ink(Math.round(i * block + block / 2), y) ? 1 : 0);
  return n;
}

/** A virtual printer whose output is written down before each transfer completes. */
class PaperTrailPrinter extends VirtualPrinter {
  private pagesWritten = 0;
  private kicksWritten = 0;

  /** When the next transfer arrived (wall clock, ms), once armed: bench netprint's first-byte mark. */
  static firstBytesAt: number | null = null;
  static armed = false;

  constructor(private readonly paper: Promise<IDBDatabase>) {
    // At a real printer's pace, so a killed window lands in the middle of a print, not between two.
    super({ serialNumber: FAULT_PRINTER_SERIAL, bytesPerSecond: REAL_PRINTER_BYTES_PER_SECOND });
  }

  override async transferOut(endpointNumber: number, data: BufferSource): Promise<USBOutTransferResult> {
    if (PaperTrailPrinter.armed) {
      PaperTrailPrinter.armed = false;
      PaperTrailPrinter.firstBytesAt = performance.timeOrigin + performance.now();
    }
    const result = await super.transferOut(endpointNumber, data);
    const entries: PaperEntry[] = [];
    for (; this.pagesWritten < this.pages.length; this.pagesWritten++) entries.push({ kind: 'page', receipt: decodeReceiptNumber(this.pages[this.pagesWritten]), at: Date.now() });
    for (; this.kicksWritten < this.drawerKicks.length; this.kicksWritten++) entries.push({ kind: 'drawer', receipt: -1, at: Date.now() });
    if (entries.length) {
      const db = await this.paper;
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('paper', 'readwrite');
        for (const entry of entries) tx.objectStore('paper').add(entry);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    }
    return result;
  }
}

export interface FaultKitControl {
  unplug(): void;
  plug(): void;
  plugged(): boolean;
  /** The bytes of the jobs the plugged printer got (status queries left out), to compare with another path. */
  jobBytes(): number[];
  /** The next transfer's arrival is noted (wall clock, ms); `firstBytesAt` reads it. */
  armFirstBytes(): void;
  firstBytesAt(): number | null;
}

export function faultHubOptions(): HubServiceOptions {
  const paper = openPaper();
  const usb = new VirtualUsb();
  let printer: PaperTrailPrinter | null = new PaperTrailPrinter(paper);
  usb.grant(printer);
  usb.plug(printer);
  const control: FaultKitControl = {
    unplug() {
      if (printer) usb.unplug(printer);
      printer = null;
    },
    plug() {
      if (printer) return;
      printer = new PaperTrailPrinter(paper);
      usb.plug(printer);
    },
    plugged: () => printer !== null,
    jobBytes: () => printer?.mechanism.jobBytes.slice() ?? [],
    armFirstBytes: () => {
      PaperTrailPrinter.firstBytesAt = null;
      PaperTrailPrinter.armed = true;
    },
    firstBytesAt: () => PaperTrailPrinter.firstBytesAt,
  };
  (self as unknown as { faultKit: FaultKitControl }).faultKit = control;
  return {
    sources: { usb: usb as unknown as USB },
    // Network and office printers too, when the local server lists them: the e2e and bench netprint compare the paths.
    factories: [usbPrinterFactory, networkPrinterFactory, officePrinterFactory],
    linkTiming: { pairingPollDelayMs: () => 300, busReconnectMinMs: 200, registrationRetryMs: 300, outboxRetryMinMs: 200, retryMaxMs: 2_000 },
  };
}
