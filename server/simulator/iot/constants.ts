/**
 * Wire facts of the Odoo IoT server side the simulator reproduces. Sources: shared/protocol/odoo-iot.md
 * and Odoo's public code (odoo/odoo addons/bus/websocket.py, addons/bus/models/bus.py, addons/iot_drivers).
 */

/** `websocket_worker_version` seen on a real 19.0 server (odoo-iot.md §4); 18.0 copies reported `18.0-7`. */
export const WORKER_VERSION = { '19.0': '19.0-2', '18.0': '18.0-7' } as const;
export type ServerSerie = keyof typeof WORKER_VERSION;

/** bus.py `TIMEOUT`: a subscribe with `last: 0` gets the notifications of the last 50 s. */
export const BUS_FIRST_POLL_WINDOW_MS = 50_000;
/** bus.py `_gc_messages` deletes notifications older than `TIMEOUT * 2`. */
export const BUS_RETENTION_MS = 100_000;
/** websocket.py `Websocket.MESSAGE_MAX_SIZE`. */
export const BUS_MESSAGE_MAX_BYTES = 2 ** 20;
/** Odoo config defaults `websocket_rate_limit_burst` / `websocket_rate_limit_delay`. */
export const BUS_RATE_LIMIT_BURST = 10;
export const BUS_RATE_LIMIT_DELAY_MS = 200;
/** websocket.py `INACTIVITY_TIMEOUT`: a ping after 45 s without frames. */
export const BUS_PING_AFTER_IDLE_MS = 45_000;
/** Odoo config default `websocket_keep_alive_timeout` (3600 s, plus up to half of it at random per socket). */
export const BUS_KEEP_ALIVE_MS = 3_600_000;

/** websocket.py `CloseCode` values the simulator uses. */
export const CLOSE = {
  CLEAN: 1000,
  GOING_AWAY: 1001,
  TRY_LATER: 1013,
  KEEP_ALIVE_TIMEOUT: 4002,
} as const;
/** websocket.py `_serve_forever`: browsers with another worker version get a clean close with this reason. */
export const OUTDATED_VERSION_REASON = 'OUTDATED_VERSION';
/** websocket.py `_REQUIRED_HANDSHAKE_HEADERS`: a handshake without Origin is a 400. */
export const REQUIRED_HANDSHAKE_HEADERS = ['connection', 'host', 'sec-websocket-key', 'sec-websocket-version', 'upgrade', 'origin'];

/** odoo-iot.md §2.1: 19.0 tokens are 32 hex chars, valid about 15 minutes. */
export const TOKEN_TTL_MS = 15 * 60_000;
/** odoo-iot.md §3: the bus channel returned by /iot/setup. */
export const IOT_CHANNEL_PREFIX = 'iot_channel-';

/** odoo-iot.md §3: the device `type` and `connection` values the server keeps; others are ignored. */
export const DEVICE_TYPES = ['printer', 'camera', 'keyboard', 'scanner', 'device', 'payment', 'scale', 'display', 'fiscal_data_module', 'unsupported'] as const;
export const DEVICE_CONNECTIONS = ['network', 'direct', 'bluetooth', 'serial', 'hdmi'] as const;

/** odoo-iot.md §4.1: the message types the database sends to boxes on the IoT channel. */
export const BOX_MESSAGE_TYPES = ['iot_action', 'webrtc_offer', 'restart_odoo', 'test_connection', 'server_clear', 'server_update', 'remote_debug', 'bundle_changed'] as const;
export type BoxMessageType = (typeof BOX_MESSAGE_TYPES)[number];

/** The real pairing proxy (odoo-iot.md §2.2; iot_drivers/connection_manager.py). */
export const PAIRING_PROXY_PATH = '/odoo-enterprise/iot/';
/** The seed document shows a code for up to 5 minutes; the proxy's real lifetime is not public. */
export const PAIRING_CODE_TTL_MS = 5 * 60_000;
