/**
 * Printers recognised by USB vendor (and product) id when they send no usable IEEE 1284 id.
 * Vendor ids from devices.md; paper width is the model's usual roll (the user can change it).
 */
export type PrinterProtocol = 'escpos' | 'star' | 'zpl';
export type PrinterKind = 'receipt_printer' | 'label_printer';

export interface KnownPrinter {
  vendorId: number;
  /** Absent: any product of the vendor. */
  productId?: number;
  manufacturer: string;
  kind: PrinterKind;
  protocol: PrinterProtocol;
  paperWidthMm: 58 | 80;
}

export const KNOWN_PRINTERS: readonly KnownPrinter[] = [
  { vendorId: 0x04b8, manufacturer: 'Epson', kind: 'receipt_printer', protocol: 'escpos', paperWidthMm: 80 },
  { vendorId: 0x0519, manufacturer: 'Star Micronics', kind: 'receipt_printer', protocol: 'star', paperWidthMm: 80 },
  { vendorId: 0x0a5f, manufacturer: 'Zebra', kind: 'label_printer', protocol: 'zpl', paperWidthMm: 80 },
  { vendorId: 0x1504, manufacturer: 'Bixolon', kind: 'receipt_printer', protocol: 'escpos', paperWidthMm: 80 },
  { vendorId: 0x1d90, manufacturer: 'Citizen', kind: 'receipt_printer', protocol: 'escpos', paperWidthMm: 80 },
  // No-name ESC/POS printers built on Winbond, STM32, NXP and GD32 USB chips: mostly 58 mm.
  { vendorId: 0x0416, productId: 0x5011, manufacturer: 'Generic', kind: 'receipt_printer', protocol: 'escpos', paperWidthMm: 58 },
  { vendorId: 0x0483, productId: 0x5720, manufacturer: 'Generic', kind: 'receipt_printer', protocol: 'escpos', paperWidthMm: 58 },
  { vendorId: 0x0483, productId: 0x070b, manufacturer: 'Generic', kind: 'receipt_printer', protocol: 'escpos', paperWidthMm: 80 },
  { vendorId: 0x1fc9, productId: 0x2016, manufacturer: 'Generic', kind: 'receipt_printer', protocol: 'escpos', paperWidthMm: 80 },
  { vendorId: 0x28e9, productId: 0x0289, manufacturer: 'Generic', kind: 'receipt_printer', protocol: 'escpos', paperWidthMm: 58 },
];

export function knownPrinter(vendorId: number | undefined, productId: number | undefined): KnownPrinter | undefined {
  if (vendorId === undefined) return undefined;
  return (
    KNOWN_PRINTERS.find((p) => p.vendorId === vendorId && p.productId === productId) ??
    KNOWN_PRINTERS.find((p) => p.vendorId === vendorId && p.productId === undefined)
  );
}
