/**
 * Registration with the database: `POST /iot/setup` (odoo-iot.md §3). The body is the one the
 * 19.0 box sends (addons/iot_drivers/main.py `_send_all_devices`), including `name`, which the
 * 19.0 box still sends for 18.0 databases.
 */
import { ODOO_CONNECTIONS, ODOO_DEVICE_TYPES, PRINTER_SUBTYPES, type DeviceDescription, type GrantedDeviceInfo } from '../../hub/devices.ts';
import { postIotJson, IotHttpError, type IotCallOptions } from './http.ts';
import { redact } from '../../hub/redact.ts';

export const SETUP_PATH = '/iot/setup';
/** odoo-iot.md §3: the answer is the bus channel, `iot_channel-<32 hex>`. */
const CHANNEL_PATTERN = /^iot_channel-[0-9a-zA-Z_-]{1,128}$/;

export interface HubIdentityForSetup {
  identifier: string;
  mac: string;
  address: string;
  version: string;
  name: string;
}

export interface SetupDevice {
  name: string;
  type: string;
  manufacturer: string;
  connection: string;
  subtype: string;
}

export class RegistrationError extends Error {
  name = 'RegistrationError';
  /** Whether trying again later may help (network, server errors) or the user must act. */
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

/** The devices map, restricted to the value sets the server accepts: anything else it drops silently. */
export function setupDevices(devices: readonly DeviceDescription[], unclaimed: readonly GrantedDeviceInfo[] = []): Record<string, SetupDevice> {
  const out: Record<string, SetupDevice> = {};
  for (const d of devices) {
    if (!(ODOO_DEVICE_TYPES as readonly string[]).includes(d.type) || !(ODOO_CONNECTIONS as readonly string[]).includes(d.connection)) continue;
    const subtype = d.type === 'printer' ? ((PRINTER_SUBTYPES as readonly string[]).includes(d.subtype) ? d.subtype : 'receipt_printer') : '';
    out[d.identifier] = { name: d.name, type: d.type, manufacturer: d.manufacturer, connection: d.connection, subtype };
  }
  for (const u of unclaimed) {
    const hex = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');
    const identifier = `${u.transport}_${hex(u.vendorId)}:${hex(u.productId)}`;
    if (out[identifier]) continue;
    out[identifier] = { name: u.label, type: 'unsupported', manufacturer: '', connection: u.transport === 'serial' ? 'serial' : 'direct', subtype: '' };
  }
  return out;
}

export function setupBody(identity: HubIdentityForSetup, token: string, devices: Record<string, SetupDevice>) {
  return {
    iot_box: { identifier: identity.identifier, mac: identity.mac, ip: identity.address, token, version: identity.version, name: identity.name },
    devices,
  };
}

/** Registers and returns the bus channel, or throws a RegistrationError a person can act on. */
export async function register(body: ReturnType<typeof setupBody>, options: IotCallOptions): Promise<string> {
  let answer;
  try {
    answer = await postIotJson(SETUP_PATH, body, options);
  } catch (error) {
    if (!(error instanceof IotHttpError)) throw error;
    if (error.status === 404) {
      throw new RegistrationError('The database refused the hub: it has no IoT app (/iot/setup not found). Install the IoT app in Odoo, then connect again.', false);
    }
    if (error.status === null || error.status >= 500 || error.status === 429) {
      throw new RegistrationError(`Could not register with the database: ${error.message}. The hub will try again.`, true);
    }
    throw new RegistrationError(
      `The database refused the registration (${error.message.replace(`${SETUP_PATH}: `, '')}). ` +
        'Check that the hub reaches the right Odoo server and database, then connect again.',
      false,
    );
  }
  if (answer.error) throw new RegistrationError(`The database refused the registration: ${describeRpcError(answer.error)}.`, false);
  if (!answer.hasResult || answer.result === null || answer.result === false) {
    throw new RegistrationError(
      'The database refused the hub: the connection token is wrong, expired (tokens last about 15 minutes) or already used, ' +
        'or the hub was deleted in the IoT app. ' +
        'Copy a new token from the IoT app (IoT > Connect) and paste it again, or pair with a code.',
      false,
    );
  }
  if (typeof answer.result !== 'string' || !CHANNEL_PATTERN.test(answer.result)) {
    throw new RegistrationError(`The database answered the registration with something that is not a bus channel: ${JSON.stringify(answer.result).slice(0, 80)}.`, false);
  }
  return answer.result;
}

/**
 * The words of a JSON-RPC error, never its raw JSON: `data.debug` holds a server traceback that
 * may quote tokens and passwords, and what is left is redacted too.
 */
function describeRpcError(error: unknown): string {
  if (typeof error === 'string') return redact(error.slice(0, 200)) || 'an empty error';
  const e = error as { message?: unknown; data?: { name?: unknown; message?: unknown } };
  const text = [e?.data?.name, e?.message, e?.data?.message].filter((m) => typeof m === 'string' && m).join(': ');
  return redact(text.slice(0, 200)) || 'an error without a message';
}
