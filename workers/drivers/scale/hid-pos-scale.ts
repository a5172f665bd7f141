import { ScaleAnswerError, type ScaleReading } from './reading.ts';

/** HID Usage Tables 1.4, §17 "Scale Page" (usage page 0x8D). */
export const SCALE_USAGE_PAGE = 0x8d;

/** Scale Status usages 0x70-0x78, as the value of the status byte. */
const STATUS = {
  1: 'Fault',
  2: 'Stable at center of zero',
  3: 'In motion',
  4: 'Weight stable',
  5: 'Under zero',
  6: 'Over weight limit',
  7: 'Requires calibration',
  8: 'Requires rezeroing',
} as const;
const VALID_STATUSES = new Set([2, 4]);

/** Weight Unit usages 0x50-0x5B as the unit byte, with their size in kg. */
const UNIT_KG: Record<number, [string, number]> = {
  1: ['mg', 1e-6],
  2: ['g', 1e-3],
  3: ['kg', 1],
  4: ['ct', 2e-4],
  5: ['tael', 0.0377994],
  6: ['gr', 6.479891e-5],
  7: ['dwt', 1.55517384e-3],
  8: ['t', 1000],
  9: ['ton', 907.18474],
  10: ['ozt', 0.0311034768],
  11: ['oz', 0.028349523125],
  12: ['lb', 0.45359237],
};

/** Data of the Weight report, report id excluded: status, unit, exponent (signed), weight LE 16. */
export const HID_SCALE_REPORT_LENGTH = 5;
/** Some scales pad the report; longer than this is not a scale report. */
const MAX_PADDED_LENGTH = 8;

export function parseHidScaleReport(data: DataView): ScaleReading {
  if (data.byteLength < HID_SCALE_REPORT_LENGTH || data.byteLength > MAX_PADDED_LENGTH) {
    throw new ScaleAnswerError(`HID scale report of ${data.byteLength} bytes, expected ${HID_SCALE_REPORT_LENGTH}`);
  }
  const status = data.getUint8(0);
  const unit = data.getUint8(1);
  const exponent = data.getInt8(2);
  const raw = data.getUint16(3, true);
  const name = STATUS[status as keyof typeof STATUS];
  if (!name) throw new ScaleAnswerError(`unknown HID scale status ${status}`);
  if (status === 2) return { kind: 'weight', kg: 0 };
  if (!VALID_STATUSES.has(status)) return { kind: 'invalid', reasons: [name] };
  const size = UNIT_KG[unit];
  if (!size) throw new ScaleAnswerError(`unknown HID scale unit ${unit}`);
  if (exponent < -10 || exponent > 10) throw new ScaleAnswerError(`HID scale exponent ${exponent} out of range`);
  return { kind: 'weight', kg: roundKg(raw * 10 ** exponent * size[1]) };
}

/** Kilograms to the gram's thousandth: conversions must not show float noise to the POS. */
function roundKg(kg: number): number {
  return Math.round(kg * 1e6) / 1e6;
}
