import { ScaleAnswerError, showBytes, type ScaleReading } from './reading.ts';

/**
 * Mettler-Toledo 8217 (weight-only) protocol, as Odoo's box speaks it
 * (addons/iot_drivers/iot_handlers/drivers/serial_scale_driver.py, Toledo8217Protocol).
 */
export const TOLEDO_SERIAL_OPTIONS: SerialOptions = { baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 };
export const TOLEDO_PROBE = ascii('Ehello');
/** The scale echoes the probe as STX `E` CR `hello`. */
export const TOLEDO_PROBE_ANSWER = Uint8Array.of(0x02, 0x45, 0x0d, 0x68, 0x65, 0x6c, 0x6c, 0x6f);
/** Sent after a successful probe, as the box does. */
export const TOLEDO_PROBE_END = ascii('F');
export const TOLEDO_MEASURE = ascii('W');
/** Zero, tare and clear tare: older box versions offered them as set_zero / set_tare / clear_tare. */
export const TOLEDO_COMMANDS = { set_zero: ascii('Z'), set_tare: ascii('T'), clear_tare: ascii('C') } as const;

const STX = 0x02;
const CR = 0x0d;
/** Longest answer worth looking at; anything longer is noise. */
export const TOLEDO_ANSWER_LIMIT = 64;
const MEASURE = /\x02\s*([0-9.]+)(N?)\r/;
const STATUS = /\x02\s*\?([^\x00])\r/;

/** Status byte bits, LSB first, parity bit ignored (names as the box logs them). */
export const TOLEDO_STATUS_BITS = [
  'Scale in motion',
  'Over capacity',
  'Under zero',
  'Outside zero capture range',
  'Center of zero',
  'Net weight',
  'Bad command from host',
] as const;

/** Whether `bytes` holds a whole answer (STX ... CR), so reading can stop. */
export function isCompleteToledoAnswer(bytes: Uint8Array): boolean {
  const start = bytes.indexOf(STX);
  return start >= 0 && bytes.indexOf(CR, start + 1) > start;
}

export function parseToledoAnswer(bytes: Uint8Array): ScaleReading {
  if (bytes.length === 0) throw new ScaleAnswerError('the scale did not answer the weight request');
  if (bytes.length > TOLEDO_ANSWER_LIMIT) throw new ScaleAnswerError(`answer too long (${bytes.length} bytes): line noise?`);
  const text = latin1(bytes);
  const measure = MEASURE.exec(text);
  if (measure) {
    const kg = Number(measure[1]);
    if (!Number.isFinite(kg) || !/^\d*\.?\d+$|^\d+\.$/.test(measure[1])) {
      throw new ScaleAnswerError(`malformed weight "${measure[1]}" in ${showBytes(bytes)}`);
    }
    return measure[2] ? { kind: 'weight', kg, net: true } : { kind: 'weight', kg };
  }
  const status = STATUS.exec(text);
  if (status) {
    const reasons = toledoStatusReasons(status[1].charCodeAt(0));
    // A status answer without any flag still carries no weight.
    return { kind: 'invalid', reasons: reasons.length ? reasons : ['No valid weight'] };
  }
  throw new ScaleAnswerError(`unexpected answer ${showBytes(bytes)}`);
}

export function toledoStatusReasons(statusByte: number): string[] {
  return TOLEDO_STATUS_BITS.filter((_, bit) => statusByte & (1 << bit));
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
