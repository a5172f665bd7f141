/** Printer commands the driver sends besides images, with where each comes from. */

/**
 * Drawer kick, as the box sends it (printer_driver_base.py RECEIPT_PRINTER_COMMANDS): ESC/POS
 * `ESC = 1` (select the printer as the peripheral, for printers sharing a line with a display),
 * then `ESC p 0 25 25` (pin 2) and `ESC p 1 25 25` (pin 5); Star `BEL` (drawer 1) and `SUB` (drawer 2).
 * Each is written on its own, as the box's print_raw per command.
 */
export const CASHBOX_COMMANDS = {
  escpos: [Uint8Array.of(0x1b, 0x3d, 0x01), Uint8Array.of(0x1b, 0x70, 0x00, 0x19, 0x19), Uint8Array.of(0x1b, 0x70, 0x01, 0x19, 0x19)],
  star: [Uint8Array.of(0x07), Uint8Array.of(0x1a)],
} as const;

/** ESC/POS real-time status `DLE EOT n` (devices.md): 1 printer, 2 offline cause, 4 roll paper sensor. */
export const DLE_EOT = { printer: Uint8Array.of(0x10, 0x04, 0x01), offlineCause: Uint8Array.of(0x10, 0x04, 0x02), paper: Uint8Array.of(0x10, 0x04, 0x04) } as const;

/** Every DLE EOT status byte has bit 1 and bit 4 set and bits 0 and 7 clear (Epson ESC/POS reference). */
export function isStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

export interface RealTimeStatus {
  online: boolean;
  /** Drawer kick connector pin 3 high: on most drawers, open. */
  drawerOpen: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  paperLow: boolean;
}

export function parseRealTimeStatus(printer: number, offlineCause: number, paper: number): RealTimeStatus {
  return {
    online: (printer & 0x08) === 0,
    drawerOpen: (printer & 0x04) !== 0,
    coverOpen: (offlineCause & 0x04) !== 0,
    paperOut: (offlineCause & 0x20) !== 0 || (paper & 0x60) === 0x60,
    paperLow: (paper & 0x0c) === 0x0c,
  };
}

/** The code the box reports for a status (odoo-iot.md §7), worst first; null when all is well. */
export function statusCode(status: RealTimeStatus): { status: 'error' | 'warning'; message: string } | null {
  if (status.paperOut) return { status: 'error', message: 'ERROR_NO_PAPER' };
  if (!status.online || status.coverOpen) return { status: 'error', message: 'ERROR_OFFLINE' };
  if (status.paperLow) return { status: 'warning', message: 'WARNING_LOW_PAPER' };
  return null;
}
