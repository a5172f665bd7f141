/**
 * HID POS barcode scanners (HID Usage Tables, Bar Code Scanner page 0x8C, usage 0x02) send the
 * scanned-data input report as Honeywell and Zebra define it for "HID POS" mode: report id 2,
 * then (report id excluded, as WebHID hands it) 63 bytes:
 *   [0] number of data bytes in this report, [1..3] symbology identifier (AIM), [4..59] data,
 *   [62] bit 0 set when more reports of the same scan follow.
 */
export const SCANNER_USAGE_PAGE = 0x8c;
export const SCANNER_USAGE = 0x02;
export const SCANNED_DATA_REPORT_ID = 0x02;
export const SCANNED_DATA_LENGTH = 63;
const DATA_OFFSET = 4;
const DATA_CAPACITY = 56;
const CONTINUATION_OFFSET = 62;
/** A scan longer than this is not a barcode (a 2D code holds at most ~3 KiB). */
export const MAX_SCAN_BYTES = 8192;

export class ScannerReportError extends Error {
  override name = 'ScannerReportError';
}

export interface ScanFragment {
  symbology: string;
  bytes: Uint8Array;
  more: boolean;
}

export function parseScannedDataReport(reportId: number, data: DataView): ScanFragment {
  if (reportId !== SCANNED_DATA_REPORT_ID) throw new ScannerReportError(`report id ${reportId} is not a scanned-data report (${SCANNED_DATA_REPORT_ID})`);
  if (data.byteLength !== SCANNED_DATA_LENGTH) {
    throw new ScannerReportError(`scanned-data report of ${data.byteLength} bytes, expected ${SCANNED_DATA_LENGTH}`);
  }
  const length = data.getUint8(0);
  if (length > DATA_CAPACITY) throw new ScannerReportError(`scanned-data length ${length} exceeds the report's ${DATA_CAPACITY} bytes`);
  const symbology = String.fromCharCode(data.getUint8(1), data.getUint8(2), data.getUint8(3)).replace(/\0+$/, '');
  const bytes = new Uint8Array(data.buffer, data.byteOffset + DATA_OFFSET, length).slice();
  return { symbology, bytes, more: (data.getUint8(CONTINUATION_OFFSET) & 1) === 1 };
}

/** Joins the fragments of one scan; bounded. */
export class ScanAssembler {
  private parts: Uint8Array[] = [];
  private size = 0;

  /** Returns the scan's text when `fragment` completes it. */
  add(fragment: ScanFragment): string | null {
    this.size += fragment.bytes.length;
    if (this.size > MAX_SCAN_BYTES) {
      this.reset();
      throw new ScannerReportError(`scan longer than ${MAX_SCAN_BYTES} bytes`);
    }
    this.parts.push(fragment.bytes);
    if (fragment.more) return null;
    const joined = new Uint8Array(this.size);
    let at = 0;
    for (const part of this.parts) {
      joined.set(part, at);
      at += part.length;
    }
    this.reset();
    return new TextDecoder().decode(joined);
  }

  reset(): void {
    this.parts = [];
    this.size = 0;
  }
}

/** The reports a scanner sends for `text` (the virtual scanner and tests use it). */
export function scannedDataReports(text: string, symbology = ']E0'): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const reports: Uint8Array[] = [];
  for (let at = 0; at < bytes.length || reports.length === 0; at += DATA_CAPACITY) {
    const chunk = bytes.subarray(at, at + DATA_CAPACITY);
    const report = new Uint8Array(SCANNED_DATA_LENGTH);
    report[0] = chunk.length;
    for (let i = 0; i < 3; i++) report[1 + i] = symbology.charCodeAt(i) || 0;
    report.set(chunk, DATA_OFFSET);
    report[CONTINUATION_OFFSET] = at + DATA_CAPACITY < bytes.length ? 1 : 0;
    reports.push(report);
  }
  return reports;
}
