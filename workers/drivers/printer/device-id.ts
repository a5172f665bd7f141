/**
 * IEEE 1284 device id (`MFG:EPSON;CMD:ESC/POS;MDL:TM-T20III;CLS:PRINTER;`): `key:value;` pairs,
 * keys often abbreviated (MFG/MANUFACTURER, MDL/MODEL, CMD/COMMAND SET). Bounded: the id is at
 * most 1022 bytes by its 16-bit length field; anything past that or malformed is ignored.
 */
const MAX_ID_LENGTH = 1024;
const MAX_FIELDS = 64;
const ALIASES: Record<string, string> = { MANUFACTURER: 'MFG', MODEL: 'MDL', 'COMMAND SET': 'CMD', CLASS: 'CLS', DESCRIPTION: 'DES' };

export interface DeviceIdFields {
  manufacturer: string;
  model: string;
  /** Command sets, upper case (`ESC/POS`, `STAR`, `ZPL`, ...). */
  commandSets: string[];
  /** Every field by its short key (MFG, MDL, CMD, CLS, ...), values as sent. */
  raw: Record<string, string>;
}

export function parseDeviceId(text: string): DeviceIdFields {
  const raw: Record<string, string> = {};
  let count = 0;
  for (const pair of text.slice(0, MAX_ID_LENGTH).split(';')) {
    const colon = pair.indexOf(':');
    if (colon <= 0) continue;
    const key = pair.slice(0, colon).trim().toUpperCase();
    raw[ALIASES[key] ?? key] = pair.slice(colon + 1).trim();
    if (++count >= MAX_FIELDS) break;
  }
  return {
    manufacturer: raw.MFG ?? '',
    model: raw.MDL ?? '',
    commandSets: (raw.CMD ?? '').split(',').map((c) => c.trim().toUpperCase()).filter(Boolean),
    raw,
  };
}
