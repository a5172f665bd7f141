import type { MethodHook, ModelRegistry } from '../models.ts';
import { OdooException } from '../models.ts';
import { callIotModel, ModelError } from './iot-models.ts';
import type { IotSimulator } from './simulator.ts';

/** Calls the IoT models, turning their errors into the registry's Odoo exceptions. */
function hook(sim: IotSimulator, model: string, method: string, withIds = false): MethodHook {
  return {
    model: !withIds,
    run: ({ ids, args, kwargs }) => {
      try {
        return callIotModel(sim, model, method, withIds ? [ids, ...args] : args, kwargs);
      } catch (error) {
        if (error instanceof ModelError) throw new OdooException(error.odooName, error.message);
        throw error;
      }
    },
  };
}

/**
 * Makes `iot.box`, `iot.device` and `iot.channel` callable over the RPC part (execute_kw, JSON-2,
 * call_kw with a session): reads come from the IoT part's live records, `send_message` goes out
 * on the bus.
 */
export function bindIotModels(sim: IotSimulator, registry: ModelRegistry): void {
  for (const model of ['iot.box', 'iot.device']) {
    registry.register(model, {
      fields: {},
      readonly: true,
      methods: {
        search_read: hook(sim, model, 'search_read'),
        search: hook(sim, model, 'search'),
        search_count: hook(sim, model, 'search_count'),
        read: hook(sim, model, 'read', true),
      },
    });
  }
  registry.register('iot.channel', {
    fields: {},
    readonly: true,
    methods: { get_iot_channel: hook(sim, 'iot.channel', 'get_iot_channel'), send_message: hook(sim, 'iot.channel', 'send_message') },
  });
}
