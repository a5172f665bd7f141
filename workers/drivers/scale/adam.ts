import { ScaleAnswerError, showBytes, type ScaleReading } from './reading.ts';

/**
 * Adam Equipment (AZextra and similar), as Odoo's box speaks it (addons/iot_drivers/iot_handlers/
 * drivers/serial_scale_driver.py, ADAMEquipmentProtocol): the scale answers `P` CR LF like its
 * Print key, only for a new non-zero weight, and beeps each time, so it is read on demand only.
 */
export const ADAM_SERIAL_OPTIONS: SerialOptions = { baudRate: 4800, dataBits: 8, parity: 'none', stopBits: 1 };
export const ADAM_MEASURE = Uint8Array.of(0x50, 0x0d, 0x0a);
export const ADAM_ANSWER_LIMIT = 64;
const MEASURE = /\s*([0-9.]+)kg/;
/** The printed line ends with CR LF; stopping at `kg` would leave them for the next answer. */
const LINE_END = /kg[^\n]*\n/;

export function isCompleteAdamAnswer(bytes: Uint8Array): boolean {
  return LINE_END.test(String.fromCharCode(...bytes.subarray(0, ADAM_ANSWER_LIMIT)));
}

/** An empty answer is valid: the weight is zero or was already printed. */
export function parseAdamAnswer(bytes: Uint8Array): ScaleReading {
  if (bytes.every((b) => b === 0x20 || b === 0x0d || b === 0x0a)) return { kind: 'none' };
  if (bytes.length > ADAM_ANSWER_LIMIT) throw new ScaleAnswerError(`answer too long (${bytes.length} bytes): line noise?`);
  const match = MEASURE.exec(String.fromCharCode(...bytes));
  if (!match) throw new ScaleAnswerError(`unexpected answer ${showBytes(bytes)}`);
  const kg = Number(match[1]);
  if (!Number.isFinite(kg) || !/^\d*\.?\d+$|^\d+\.$/.test(match[1])) throw new ScaleAnswerError(`malformed weight "${match[1]}"`);
  return { kind: 'weight', kg };
}
