/**
 * What the hub calls a code zxing-cpp read, and the text a shop's hand scanner would send for it
 * (the scan log shows "EAN-13 4006381333931"; Odoo gets the text only).
 */
import type { CameraFormat } from './camera-formats.ts';

export interface Scan {
  text: string;
  /** `EAN-13`, `GS1-128`, `GS1 QR`...: shown in the hub, never sent to Odoo. */
  symbology: string;
}

/** The parts of a zxing-wasm ReadResult this needs. */
export interface ReadCode {
  format: string;
  text: string;
  contentType: string;
  extra: string;
}

/**
 * zxing-cpp 3 reports a UPC-A as the EAN-13 it is (a leading 0) and a UPC-E expanded to its
 * EAN-13; a hand scanner sends a UPC-A's 12 digits and a UPC-E's 8, as printed under the bars,
 * and Odoo's nomenclature converts UPC to EAN itself when the shop asks it to. GS1 content keeps
 * its FNC1 separators as GS (0x1D), which zxing-cpp's plain text mode already does.
 */
export function scanOf(code: ReadCode, formats: readonly CameraFormat[]): Scan | null {
  const gs1 = code.contentType === 'GS1';
  switch (code.format) {
    case 'EAN13':
      if (code.text.startsWith('0') && formats.includes('upca')) return { text: code.text.slice(1), symbology: 'UPC-A' };
      return formats.includes('ean13') ? { text: code.text, symbology: 'EAN-13' } : null;
    case 'UPCA':
      return { text: code.text.length === 13 ? code.text.slice(1) : code.text, symbology: 'UPC-A' };
    case 'EAN8':
      return { text: code.text, symbology: 'EAN-8' };
    case 'UPCE':
      return { text: upceDigits(code) ?? code.text, symbology: 'UPC-E' };
    case 'Code128':
      return { text: code.text, symbology: gs1 ? 'GS1-128' : 'Code 128' };
    case 'Code39':
    case 'Code39Std':
    case 'Code39Ext':
      return { text: code.text, symbology: 'Code 39' };
    case 'ITF':
    case 'ITF14':
      return { text: code.text, symbology: code.text.length === 14 ? 'ITF-14' : 'ITF' };
    case 'QRCode':
      return { text: code.text, symbology: gs1 ? 'GS1 QR' : 'QR' };
    case 'DataMatrix':
      return { text: code.text, symbology: gs1 ? 'GS1 Data Matrix' : 'Data Matrix' };
    case 'PDF417':
      return { text: code.text, symbology: 'PDF417' };
    default:
      return null;
  }
}

/** The 8 printed digits of a UPC-E, which zxing-cpp keeps in its `extra` JSON. */
function upceDigits(code: ReadCode): string | null {
  if (!code.extra) return null;
  try {
    const upce = (JSON.parse(code.extra) as { UPCE?: unknown }).UPCE;
    return typeof upce === 'string' && /^\d{8}$/.test(upce) ? upce : null;
  } catch {
    return null;
  }
}
