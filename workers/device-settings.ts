import {
  BAUD_RATES, CAMERA_FORMATS, DATA_BITS, IMAGE_MODES, KEYBOARD_LAYOUTS, ODOO_SERIES, PAPER_WIDTHS_MM, PARITIES, SERIAL_PROTOCOLS, STOP_BITS,
} from '../src/hub/device-vocabulary.ts';
import { HOLD_MINUTES_MAX, HOLD_SETTING } from '../src/hub/queue-policy.ts';

export type DeviceSettings = Record<string, string | number | boolean>;

const MAX_NAME_LENGTH = 64;
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
        out.dataBits = oneOf(key, Number(raw), DATA_BITS);
        break;
      case 'stopBits':
        out.stopBits = oneOf(key, Number(raw), STOP_BITS);
        break;
      case 'parity':
        out.parity = oneOf(key, raw, PARITIES);
        break;
      case 'layout':
        out.layout = oneOf(key, raw, KEYBOARD_LAYOUTS);
        break;
      case 'odooSerie':
        out.odooSerie = oneOf(key, Number(raw), ODOO_SERIES);
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
