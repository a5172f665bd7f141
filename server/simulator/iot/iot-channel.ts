import { randomUUID } from 'node:crypto';
import type { BusStore, BusNotification } from './bus-store.ts';
import type { BusWebsocket } from './bus-websocket.ts';
import type { DatabaseIdentity } from './identity.ts';
import type { IotRecords } from './records.ts';
import type { BoxMessageType } from './constants.ts';

export interface ActionRequest {
  box: string;
  device: string;
  /** Action data: `action`, `action_unique_id` and the action's own fields (odoo-iot.md §7). */
  data: Record<string, unknown>;
  /** Odoo's message id (the POS's uuid); one is made when absent. */
  sessionId?: string;
}

/**
 * The database's `iot.channel`: one bus channel shared by every box of the database (hence boxes
 * filter on `iot_identifiers`). `sendMessage` is `iot.channel.send_message(message, message_type)`.
 */
export class IotChannel {
  constructor(
    readonly name: string,
    private readonly store: BusStore,
    private readonly bus: BusWebsocket,
    private readonly identity: DatabaseIdentity,
    private readonly records: IotRecords,
  ) {}

  /** Any notification on the IoT channel (also what the server's routes rebroadcast). */
  sendMessage(message: unknown, type: string = 'iot_action'): BusNotification {
    const row = this.store.add(this.name, type, message);
    this.bus.publish(row);
    return row;
  }

  /**
   * An action as the POS sends it over the bus: 19.0 shape (iot_websocket.js `sendMessage` +
   * iot_http_service.js `_websocket`), or the 18.0 `iotDevice` shape when the database is 18.0.
   */
  sendAction({ box, device, data, sessionId = randomUUID() as string }: ActionRequest): { sessionId: string; notification: BusNotification } {
    if (this.identity.serverSerie === '18.0') {
      const record = this.records.device(box, device);
      const message = { iotDevice: { iotIdentifiers: [box], identifiers: [{ identifier: device, id: record?.id ?? 0 }] }, device_identifier: device, ...data };
      return { sessionId, notification: this.sendMessage(message, 'iot_action') };
    }
    const message = { iot_identifiers: [box], iot_identifier: box, session_id: sessionId, device_identifiers: [device], device_identifier: device, ...data };
    return { sessionId, notification: this.sendMessage(message, 'iot_action') };
  }

  /** iot_webrtc.js `openConnection`: the offer goes out unanswered-ICE (no trickle, no waiting). */
  sendWebrtcOffer(box: string, offer: { sdp: string; type: string }, sessionId: string = randomUUID()): BusNotification {
    return this.sendBoxMessage('webrtc_offer', box, { session_id: sessionId, offer });
  }

  /** restart_odoo / test_connection carry a session id the box acknowledges with. */
  sendBoxCommand(type: 'restart_odoo' | 'test_connection', box: string, sessionId: string = randomUUID()): BusNotification {
    return this.sendBoxMessage(type, box, { session_id: sessionId });
  }

  serverClear(box: string): BusNotification {
    return this.sendBoxMessage('server_clear', box, {});
  }

  serverUpdate(box: string, serverUrl: string): BusNotification {
    return this.sendBoxMessage('server_update', box, { server_url: serverUrl });
  }

  remoteDebug(box: string, status: boolean, token = ''): BusNotification {
    return this.sendBoxMessage('remote_debug', box, { status, token });
  }

  private sendBoxMessage(type: BoxMessageType, box: string, fields: Record<string, unknown>): BusNotification {
    return this.sendMessage({ iot_identifiers: [box], iot_identifier: box, ...fields }, type);
  }
}
