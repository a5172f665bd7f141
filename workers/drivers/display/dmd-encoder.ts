/** Epson DM-D command set for 2x20 pole displays (devices.md): init, clear, cursor to (x, y). */
export const DMD_INIT = [0x1b, 0x40];
export const DMD_CLEAR = [0x0c];
export const DMD_COLUMNS = 20;
const cursor = (x: number, y: number) => [0x1f, 0x24, x, y];

/** Two lines, each cut or padded to 20 columns; non-ASCII becomes '?' (the display's code page is unknown). */
export function encodeTwoLines(top: string, bottom: string): Uint8Array {
  const line = (text: string) => [...text.slice(0, DMD_COLUMNS).padEnd(DMD_COLUMNS)].map((c) => (c.charCodeAt(0) < 0x7f && c.charCodeAt(0) >= 0x20 ? c.charCodeAt(0) : 0x3f));
  return Uint8Array.from([...DMD_INIT, ...DMD_CLEAR, ...cursor(1, 1), ...line(top), ...cursor(1, 2), ...line(bottom)]);
}

/** `set {data}` from the POS: its last order line on top, the total below, right-aligned. */
export function linesFromPosData(data: unknown): [string, string] {
  const d = (typeof data === 'string' ? safeJson(data) : data) as Record<string, unknown> | null;
  const lines = Array.isArray(d?.lines) ? (d!.lines as Array<Record<string, unknown>>) : [];
  const last = lines.at(-1);
  const top = last ? `${String(last.productName ?? last.product_name ?? '')}`.slice(0, 12).padEnd(12) + String(last.price ?? '').padStart(8) : '';
  const total = d?.amount ?? d?.total ?? '';
  return [top, `TOTAL${String(total).padStart(DMD_COLUMNS - 5)}`];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text.slice(0, 65536));
  } catch {
    return null;
  }
}
