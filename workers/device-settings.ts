import { SERIAL_PROTOCOLS } from './drivers/serial-identity.ts';
import { KEYBOARD_LAYOUTS } from './drivers/scanner/scan-outcome.ts';
import { CAMERA_FORMATS } from './drivers/camera/camera-formats.ts';
import { HOLD_MINUTES_MAX, HOLD_SETTING } from '../src/hub/queue-policy.ts';

export type DeviceSettings = Record<string, string | number | boolean>;

/** Line speeds serial POS devices use. */
export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;
const MAX_NAME_LENGTH = 64;
/** Receipt paper widths the printer driver knows (58 mm = 384 dots, 80 mm = 576 dots at 203 dpi). */
export const PAPER_WIDTHS_MM = [58, 80] as const;
/** `raster` (GS v 0) or `column` (ESC *, for impact printers such as the TM-U220). */
export const IMAGE_MODES = ['raster', 'column'] as const;
/** A BCP 47 language tag as short as the status ticket needs: `fr`, `nl-BE`. */
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Z]{2})?$/;

export class DeviceSettingsError extends Error {
  override name = 'DeviceSettingsError';
}

/**
 * The per-device settings the homepage form saves (drivers read them through
 * `DriverContext.settingsFor`). Every value is checked: the form is outside input like any
 * other. Empty values mean "the driver's default" and are dropped.
 */
export function cleanDeviceSettings(input: unknown): DeviceSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new DeviceSettingsError('device settings must be an object');
  const out: DeviceSettings = {};
  for (const [key, raw] of Object.entries(input as Record<string, unknown>)) {
    if (raw === '' || raw === null || raw === undefined) continue;
    switch (key) {
      case 'name': {
        const name = String(raw).trim();
        if (name.length > MAX_NAME_LENGTH) throw new DeviceSettingsError(`the name is longer than ${MAX_NAME_LENGTH} characters`);
        if (name) out.name = name;
        break;
      }
      case 'protocol':
        out.protocol = oneOf(key, raw, SERIAL_PROTOCOLS);
        break;
      case 'baudRate':
        out.baudRate = oneOf(key, Number(raw), BAUD_RATES);
        break;
      case 'dataBits':
        out.dataBits = oneOf(key, Number(raw), [7, 8] as const);
        break;
      case 'stopBits':
        out.stopBits = oneOf(key, Number(raw), [1, 2] as const);
        break;
      case 'parity':
        out.parity = oneOf(key, raw, ['none', 'even', 'odd'] as const);
        break;
      case 'layout':
        out.layout = oneOf(key, raw, KEYBOARD_LAYOUTS);
        break;
      case 'odooSerie':
        out.odooSerie = oneOf(key, Number(raw), [18, 19] as const);
        break;
      case 'formats': {
        const formats = String(raw).split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
        for (const f of formats) oneOf(key, f, CAMERA_FORMATS);
        if (formats.length) out.formats = formats.join(',');
        break;
      }
      case 'paperWidth':
        out.paperWidth = oneOf(key, Number(raw), PAPER_WIDTHS_MM);
        break;
      case 'imageMode':
        out.imageMode = oneOf(key, raw, IMAGE_MODES);
        break;
      case 'language': {
        const tag = String(raw).trim();
        if (!LANGUAGE_TAG.test(tag)) throw new DeviceSettingsError(`language must be a language code such as en, fr or nl-BE (got ${tag.slice(0, 40)})`);
        out.language = tag;
        break;
      }
      case HOLD_SETTING: {
        const minutes = Number(raw);
        if (!Number.isInteger(minutes) || minutes < 0 || minutes > HOLD_MINUTES_MAX) {
          throw new DeviceSettingsError(`${HOLD_SETTING} must be a whole number of minutes from 0 to ${HOLD_MINUTES_MAX} (got ${String(raw).slice(0, 40)})`);
        }
        out[HOLD_SETTING] = minutes;
        break;
      }
      case 'enabled':
        if (typeof raw !== 'boolean') throw new DeviceSettingsError('enabled must be true or false');
        out.enabled = raw;
        break;
      default:
        throw new DeviceSettingsError(`unknown device setting "${key.slice(0, 40)}"`);
    }
  }
  return out;
}

function oneOf<T extends string | number>(key: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new DeviceSettingsError(`${key} must be one of ${allowed.join(', ')} (got ${String(value).slice(0, 40)})`);
  return value as T;
}
