import type { IotSimulator } from './simulator.ts';

export type OdooRecord = Record<string, unknown> & { id: number };

/** Thrown for a call the simulated models refuse; carries Odoo's exception name. */
export class ModelError extends Error {
  constructor(readonly odooName: string, message: string) {
    super(message);
  }
}

/** The fields of `iot.box` and `iot.device` as the IoT app and the POS read them. */
export function iotBoxRows(sim: IotSimulator): OdooRecord[] {
  return [...sim.records.boxes.values()].map((box) => ({
    id: box.id,
    name: box.name,
    identifier: box.identifier,
    ip: box.ip,
    mac: box.mac ?? false,
    version: box.version,
    drivers_auto_update: box.driversAutoUpdate,
    websocket_connected: box.websocketConnected,
    device_ids: sim.records.devicesOf(box.identifier).map((d) => d.id),
  }));
}

export function iotDeviceRows(sim: IotSimulator): OdooRecord[] {
  return [...sim.records.devices.values()].map((device) => {
    const box = sim.records.box(device.boxIdentifier)!;
    return {
      id: device.id,
      name: device.name,
      identifier: device.identifier,
      iot_id: [box.id, box.name],
      iot_ip: box.ip,
      type: device.type,
      manufacturer: device.manufacturer,
      connection: device.connection,
      subtype: device.subtype,
      connected: device.connected,
    };
  });
}

export const IOT_MODELS = ['iot.box', 'iot.device', 'iot.channel'] as const;

/** Domains as the IoT app and POS use them: a list of `[field, op, value]` leaves, implicitly AND-ed. */
export function filterDomain(rows: OdooRecord[], domain: unknown): OdooRecord[] {
  if (domain === undefined || domain === null) return rows;
  if (!Array.isArray(domain)) throw new ModelError('odoo.exceptions.ValidationError', 'Invalid domain: not a list');
  return rows.filter((row) =>
    domain.every((leaf) => {
      if (leaf === '&') return true;
      if (!Array.isArray(leaf) || leaf.length !== 3 || typeof leaf[0] !== 'string') throw new ModelError('odoo.exceptions.ValidationError', `Invalid domain leaf ${JSON.stringify(leaf)}`);
      const [field, op, value] = leaf as [string, string, unknown];
      const actual = Array.isArray(row[field]) && field.endsWith('_id') ? (row[field] as unknown[])[0] : row[field];
      switch (op) {
        case '=': return actual === value || (value === false && (actual === null || actual === undefined));
        case '!=': return actual !== value;
        case 'in': return Array.isArray(value) && value.includes(actual);
        case 'not in': return Array.isArray(value) && !value.includes(actual);
        case 'ilike': return String(actual ?? '').toLowerCase().includes(String(value).toLowerCase());
        default: throw new ModelError('odoo.exceptions.ValidationError', `Invalid domain operator ${JSON.stringify(op)}`);
      }
    }),
  );
}

function pick(row: OdooRecord, fields: unknown): OdooRecord {
  if (!Array.isArray(fields) || fields.length === 0) return row;
  return Object.fromEntries([['id', row.id], ...fields.filter((f): f is string => typeof f === 'string' && f in row).map((f) => [f, row[f]])]) as OdooRecord;
}

/**
 * `execute_kw`-style calls on the IoT models, shared by the ORM route here and the RPC part's
 * model registry: `search_read`, `search`, `read`, `search_count` on iot.box / iot.device;
 * `get_iot_channel` and `send_message` on iot.channel.
 */
export function callIotModel(sim: IotSimulator, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
  if (model === 'iot.channel') {
    if (method === 'get_iot_channel') return sim.channel.name;
    if (method === 'send_message') {
      const [message, messageType = kwargs.message_type ?? 'iot_action'] = args;
      if (!message || typeof message !== 'object') throw new ModelError('builtins.TypeError', 'send_message() needs a message dict');
      sim.channel.sendMessage(message, String(messageType));
      return null;
    }
    throw new ModelError('builtins.AttributeError', `The method '${method}' does not exist on the model 'iot.channel'`);
  }
  const rows = model === 'iot.box' ? iotBoxRows(sim) : model === 'iot.device' ? iotDeviceRows(sim) : null;
  if (!rows) throw new ModelError('odoo.exceptions.UserError', `Object ${model} doesn't exist`);
  const domain = args[0] ?? kwargs.domain;
  switch (method) {
    case 'search_read': {
      const fields = args[1] ?? kwargs.fields;
      const found = filterDomain(rows, domain);
      const limit = typeof kwargs.limit === 'number' ? kwargs.limit : undefined;
      return found.slice(0, limit).map((row) => pick(row, fields));
    }
    case 'search': return filterDomain(rows, domain).map((row) => row.id);
    case 'search_count': return filterDomain(rows, domain).length;
    case 'read': {
      const ids = args[0] ?? kwargs.ids;
      if (!Array.isArray(ids)) throw new ModelError('builtins.TypeError', 'read() needs a list of ids');
      return rows.filter((row) => ids.includes(row.id)).map((row) => pick(row, args[1] ?? kwargs.fields));
    }
    default: throw new ModelError('builtins.AttributeError', `The method '${method}' does not exist on the model '${model}'`);
  }
}
