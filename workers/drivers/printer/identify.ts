import { parseDeviceId } from './device-id.ts';
import { knownPrinter, type PrinterKind, type PrinterProtocol } from './known-printers.ts';
import { DEFAULT_COLUMN_OPTIONS, type ColumnOptions } from '../../imaging/column-options.ts';

/** Dots across the paper at 203 dpi (devices.md). */
export const DOTS_FOR_PAPER_WIDTH: Record<58 | 80, number> = { 58: 384, 80: 576 };

export interface PrinterProfile {
  name: string;
  manufacturer: string;
  kind: PrinterKind;
  protocol: PrinterProtocol;
  paperWidthMm: 58 | 80;
  widthDots: number;
  /** `ESC *` column mode for impact printers (TM-U220) instead of `GS v 0`. */
  columnMode: ColumnOptions | null;
  language: string;
}

export interface PrinterFacts {
  deviceId: string | null;
  vendorId?: number;
  productId?: number;
  productName?: string;
  manufacturerName?: string;
}

type Settings = Record<string, string | number | boolean>;

/**
 * Decides receipt vs label printer and ESC/POS vs Star as the box does from the IEEE 1284 id
 * (printer_driver_L.py: `CMD:ESC/POS;`/`CMD:STAR;` receipt, `COMMAND SET:ZPL;`/`CMD:ESCLABEL;`
 * label, `STR_T` Star), then the vendor table, then the user's settings, which win.
 * Returns null when nothing says the device speaks a protocol the hub can print with.
 */
export function identifyPrinter(facts: PrinterFacts, settings: Settings): PrinterProfile | null {
  const id = facts.deviceId ? parseDeviceId(facts.deviceId) : null;
  const known = knownPrinter(facts.vendorId, facts.productId);
  let kind: PrinterKind | undefined;
  let protocol: PrinterProtocol | undefined;
  if (id) {
    const commands = id.commandSets;
    if (commands.includes('ZPL') || commands.includes('ESCLABEL')) [kind, protocol] = ['label_printer', 'zpl'];
    else if (commands.includes('STAR') || facts.deviceId!.includes('STR_T')) [kind, protocol] = ['receipt_printer', 'star'];
    else if (commands.includes('ESC/POS') || commands.includes('ESCPOS')) [kind, protocol] = ['receipt_printer', 'escpos'];
  }
  kind ??= known?.kind;
  protocol ??= known?.protocol;
  const chosen = settings.protocol;
  if (chosen === 'escpos' || chosen === 'star') [kind, protocol] = ['receipt_printer', chosen];
  else if (chosen === 'zpl') [kind, protocol] = ['label_printer', 'zpl'];
  if (!kind || !protocol) return null;

  const model = id?.model || facts.productName || '';
  const manufacturer = id?.manufacturer || facts.manufacturerName || known?.manufacturer || '';
  const name = (typeof settings.name === 'string' && settings.name.trim()) || [manufacturer, model].filter(Boolean).join(' ') || 'Printer';
  const paperWidthMm = Number(settings.paperWidth) === 58 ? 58 : Number(settings.paperWidth) === 80 ? 80 : (known?.paperWidthMm ?? 80);
  return {
    name,
    manufacturer,
    kind,
    protocol,
    paperWidthMm,
    widthDots: DOTS_FOR_PAPER_WIDTH[paperWidthMm],
    columnMode: protocol === 'escpos' ? columnModeFor(name, model, settings.imageMode) : null,
    language: typeof settings.language === 'string' && settings.language ? settings.language : 'en',
  };
}

/**
 * The box reads column-mode options from the printer's name, e.g. `TM-U220__IMC_LDV_LDH_SCALE70__`
 * (printer_driver_base.py format_escpos); integrators know that convention, so the hub honours
 * it too. Epson's TM-U impact printers have no `GS v 0` at all, so they get column mode by model.
 */
export function columnModeFor(name: string, model: string, imageMode: unknown): ColumnOptions | null {
  const parts = name.split('__');
  const options = parts.length > 2 ? parts[1].toUpperCase() : '';
  const wanted = imageMode === 'column' || options.startsWith('IMC') || (imageMode !== 'raster' && /^TM-U/i.test(model));
  if (!wanted) return null;
  const column = { ...DEFAULT_COLUMN_OPTIONS };
  for (const option of options.split('_')) {
    if (option === 'LDV') column.highDensityVertical = false;
    else if (option === 'LDH') column.highDensityHorizontal = false;
    else if (option.startsWith('SCALE')) {
      const value = Number(/\d+$/.exec(option)?.[0]);
      if (value > 0 && value <= 100) column.scalePercent = value;
    }
  }
  return column;
}
