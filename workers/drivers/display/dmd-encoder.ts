/** Epson DM-D command set for 2x20 pole displays (devices.md): init, clear, cursor to (x, y). */
export const DMD_INIT = [0x1b, 0x40];
export const DMD_CLEAR = [0x0c];
/** `US $ x y`: cursor to column x, row y (both from 1). */
export const DMD_CURSOR = [0x1f, 0x24];
export const DMD_COLUMNS = 20;
export const DMD_ROWS = 2;
const cursor = (x: number, y: number) => [...DMD_CURSOR, x, y];
/** Set data larger than this is not a POS order (Odoo sends a few KiB). */
const MAX_SET_DATA_CHARS = 256 * 1024;

/**
 * Two lines, each cut or padded to 20 columns. Accents are dropped (é → e) and other non-ASCII
 * becomes '?': the display's code page is unknown and ASCII is the one every DM-D clone shares.
 */
export function encodeTwoLines(top: string, bottom: string): Uint8Array {
  return Uint8Array.from([...DMD_INIT, ...DMD_CLEAR, ...cursor(1, 1), ...displayBytes(top), ...cursor(1, 2), ...displayBytes(bottom)]);
}

/** Init and clear: the display goes blank. */
export function encodeClear(): Uint8Array {
  return Uint8Array.from([...DMD_INIT, ...DMD_CLEAR]);
}

function displayBytes(text: string): number[] {
  const ascii = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[\u00a0\u202f]/g, ' ');
  return [...ascii.slice(0, DMD_COLUMNS).padEnd(DMD_COLUMNS)].map((c) => (c.charCodeAt(0) < 0x7f && c.charCodeAt(0) >= 0x20 ? c.charCodeAt(0) : 0x3f));
}

/**
 * `set {data}` from the POS: the order as point_of_sale's CustomerDisplayPosAdapter formats it
 * (19.0: `lines[{productName, price, qty, isSelected...}]`, `amount`, `change`, `finalized`, prices
 * already formatted with the currency). Top: the selected line, else the last one, name left and
 * price right; bottom: the total, or the change once the order is paid.
 */
export function linesFromPosData(data: unknown): [string, string] {
  const d = (typeof data === 'string' ? safeJson(data) : data) as Record<string, unknown> | null;
  const lines = Array.isArray(d?.lines) ? (d!.lines as unknown[]).filter((l): l is Record<string, unknown> => typeof l === 'object' && l !== null) : [];
  const line = lines.find((l) => l.isSelected === true) ?? lines.at(-1);
  const top = line ? leftRight(text(line.productName ?? line.product_name), text(line.price)) : '';
  const change = text(d?.change);
  if (d?.finalized === true && change) return [top, leftRight('CHANGE', change)];
  return [top, leftRight('TOTAL', text(d?.amount ?? d?.total))];
}

function leftRight(left: string, right: string): string {
  const room = Math.max(0, DMD_COLUMNS - right.length - (right ? 1 : 0));
  return `${left.slice(0, room).padEnd(room)}${right ? ' ' : ''}${right}`.slice(0, DMD_COLUMNS).padEnd(DMD_COLUMNS);
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim().replace(/\s+/g, ' ') : '';
}

function safeJson(json: string): unknown {
  if (json.length > MAX_SET_DATA_CHARS) return null;
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}
