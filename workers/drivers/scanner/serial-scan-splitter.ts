/**
 * Serial (CDC) scanners send the barcode text ended by CR and/or LF, or, configured without a
 * suffix, just stop: an idle gap ends the scan (devices.md).
 */
export const SCAN_IDLE_GAP_MS = 300;
/** Longer lines are noise, not a barcode. */
export const MAX_SCAN_LINE = 4096;

export type SplitResult = { scans: string[]; overflow: boolean; garbage: boolean };

export class SerialScanSplitter {
  private pending: number[] = [];

  /** Feeds bytes; returns the scans they completed. */
  push(bytes: Uint8Array): SplitResult {
    const result: SplitResult = { scans: [], overflow: false, garbage: false };
    for (const byte of bytes) {
      if (byte === 0x0d || byte === 0x0a) {
        this.finish(result);
        continue;
      }
      if (this.pending.length >= MAX_SCAN_LINE) {
        this.pending = [];
        result.overflow = true;
      }
      this.pending.push(byte);
    }
    return result;
  }

  /** The line went quiet for the idle gap: what was received is a scan. */
  idle(): SplitResult {
    const result: SplitResult = { scans: [], overflow: false, garbage: false };
    this.finish(result);
    return result;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  private finish(result: SplitResult): void {
    if (this.pending.length === 0) return;
    const bytes = Uint8Array.from(this.pending);
    this.pending = [];
    // A barcode is printable text; control bytes mean line noise or a wrong baud rate.
    if (bytes.some((b) => b < 0x20 && b !== 0x09 || b === 0x7f)) {
      result.garbage = true;
      return;
    }
    try {
      result.scans.push(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      result.garbage = true;
    }
  }
}
