// The simulator's POS page: sends IoT actions the way the Odoo 19 POS does (addons iot
// iot_http_service.js / iot_webrtc.js / iot_websocket.js): WebRTC first (offer over the bus,
// 5 s to connect, channel "iot"), then the bus (iot.channel send_message, 6 s for the
// operation_confirmation). Exposed as window.posSim for e2e tests and benchmarks.

const WEBRTC_CONNECT_TIMEOUT_MS = 5000; // iot_webrtc.js CONNECT_TIMEOUT_MS
const RESULT_TIMEOUT_MS = 6000; // iot_websocket.js onMessage timeout
const WEBRTC_RETRY_AFTER_FAILURE_MS = 20 * 60 * 1000; // iot_http_service.js _ensureWebRtcEnabled
const OLD_BOX_VERSION = /\d{4}\.\d{2}\.\d{2}/; // boxes with such versions have no WebRTC
const BUS_RETRY_MIN_MS = 500;
const BUS_RETRY_MAX_MS = 5000;

const uuid = () => crypto.randomUUID();
const now = () => performance.now();
/** Wall-clock ms with sub-ms precision, comparable with the hub's job breakdown (same browser). */
const wallClock = () => performance.timeOrigin + performance.now();
/** When each action left this page (action id -> wall clock), for benchmarks. */
const sentAt = new Map();

async function rpc(model, method, args = [], kwargs = {}) {
  const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: Date.now(), params: { model, method, args, kwargs } }),
  });
  const json = await response.json();
  if (json.error) throw new Error(json.error.data?.message ?? json.error.message);
  return json.result;
}

async function fetchState() {
  const response = await fetch('/iot-sim/api/state', { cache: 'no-store' });
  return response.json();
}

/** The POS's bus: one websocket subscribed to the database's IoT channel, reconnected until the page closes. */
class PosBus {
  constructor() {
    this.listeners = new Set();
    this.stateListeners = new Set();
    this.last = 0;
    this.connected = null;
    this.retryMs = BUS_RETRY_MIN_MS;
    this.retryTimer = null;
    this.state = 'connecting';
  }

  connect() {
    if (this.connected) return this.connected;
    const attempt = this.open();
    this.connected = attempt;
    // A failed attempt must not stick: later calls and the retry below try again.
    attempt.catch(() => {
      if (this.connected === attempt) this.connected = null;
      this.setState('reconnecting');
      this.retry(this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, BUS_RETRY_MAX_MS);
    });
    return attempt;
  }

  /** Resolves once the bus is connected, however many attempts it takes. */
  async whenConnected() {
    for (;;) {
      try {
        return await this.connect();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, BUS_RETRY_MIN_MS));
      }
    }
  }

  retry(delayMs) {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().catch(() => undefined);
    }, delayMs);
  }

  async open() {
    const state = await fetchState();
    this.channel = state.channel;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/websocket?version=${encodeURIComponent(state.workerVersion)}`);
    this.ws = ws;
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error('bus websocket failed'));
      ws.onclose = () => reject(new Error('bus websocket closed while connecting'));
    });
    ws.onmessage = (event) => {
      for (const notification of JSON.parse(event.data)) {
        this.last = Math.max(this.last, notification.id);
        for (const listener of this.listeners) listener(notification.message.type, notification.message.payload);
      }
    };
    ws.onclose = (event) => {
      this.connected = null;
      this.setState('reconnecting');
      // OUTDATED_VERSION: reconnect at once, open() fetches the new version.
      this.retry(event.reason === 'OUTDATED_VERSION' ? 0 : BUS_RETRY_MIN_MS);
    };
    ws.send(JSON.stringify({ event_name: 'subscribe', data: { channels: [this.channel], last: this.last } }));
    this.retryMs = BUS_RETRY_MIN_MS;
    this.setState('connected');
    return ws;
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  onState(listener) {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** iot_webrtc.js: one RTCPeerConnection per box, offer over the bus, answer back as webrtc_answer. */
class PosWebRtc {
  constructor(bus) {
    this.bus = bus;
    this.connections = new Map();
  }

  open(box) {
    let entry = this.connections.get(box);
    if (entry) return entry.ready;
    const connection = new RTCPeerConnection();
    const channel = connection.createDataChannel('iot');
    entry = { connection, channel, openedIn: null };
    this.connections.set(box, entry);
    const started = now();
    entry.ready = (async () => {
      const offer = await connection.createOffer();
      connection.setLocalDescription(offer);
      const stop = this.bus.subscribe((type, payload) => {
        if (type !== 'webrtc_answer' || payload.iot_box_identifier !== box || connection.signalingState !== 'have-local-offer') return;
        connection.setRemoteDescription(payload.answer);
        stop();
      });
      connection.addEventListener('connectionstatechange', () => {
        if (['failed', 'closed', 'disconnected'].includes(connection.connectionState)) this.close(box);
      });
      // Chrome may fire the channel's 'open' before the connection's state turns 'connected'
      // (each is its own queued task): ready means both.
      const opened = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('WebRTC connection timed out')), WEBRTC_CONNECT_TIMEOUT_MS);
        const settle = () => {
          if (channel.readyState !== 'open' || connection.connectionState !== 'connected') return;
          clearTimeout(timer);
          resolve();
        };
        channel.addEventListener('open', settle);
        connection.addEventListener('connectionstatechange', settle);
      });
      await this.bus.connect();
      await rpc('iot.channel', 'send_message', [{ iot_identifiers: [box], iot_identifier: box, session_id: uuid(), offer: { sdp: offer.sdp, type: offer.type } }, 'webrtc_offer']);
      try {
        await opened;
      } catch (error) {
        stop();
        this.close(box);
        throw error;
      }
      entry.openedIn = now() - started;
      return entry;
    })();
    return entry.ready;
  }

  close(box) {
    const entry = this.connections.get(box);
    if (!entry) return;
    this.connections.delete(box);
    entry.channel.close();
    entry.connection.close();
  }

  send(entry, text) {
    const max = entry.connection.sctp?.maxMessageSize ?? 65536;
    if (text.length < max) return entry.channel.send(text);
    entry.channel.send('chunked_start');
    for (let i = 0; i < text.length; i += max) entry.channel.send(text.slice(i, i + max));
    entry.channel.send('chunked_end');
  }
}

const bus = new PosBus();
const webrtc = new PosWebRtc(bus);
const received = new Map(); // action id -> { bus: n, webrtc: n }
const log = [];
let webRtcFailedAt = null;

function count(id, path) {
  const entry = received.get(id);
  if (entry) entry[path] += 1;
}

// Every result seen, whatever waits for it: the benchmark counts duplicates from this.
bus.subscribe((type, payload) => {
  if (type === 'operation_confirmation') {
    count(payload.session_id, 'bus');
    record({ path: 'bus', ...payload });
  }
});

function record(entry) {
  log.push({ at: Date.now(), ...entry });
  if (log.length > 500) log.shift();
  window.dispatchEvent(new CustomEvent('pos-sim-log', { detail: entry }));
}

function viaBus(box, device, data, id, timeoutMs) {
  return new Promise((resolve, reject) => {
    let timer;
    const stop = bus.subscribe((type, payload) => {
      if (type !== 'operation_confirmation' || payload.iot_box_identifier !== box || payload.device_identifier !== device || payload.session_id !== id) return;
      clearTimeout(timer);
      stop();
      resolve(payload.message);
    });
    timer = setTimeout(() => {
      stop();
      resolve({ status: 'timeout', message: 'Timeout waiting for IoT Box response, please try again.' });
    }, timeoutMs);
    bus
      .connect()
      .then(() => sentAt.set(id, wallClock()))
      .then(() => rpc('iot.channel', 'send_message', [{ iot_identifiers: [box], iot_identifier: box, session_id: id, device_identifiers: [device], device_identifier: device, ...data }, 'iot_action']))
      .catch((error) => {
        clearTimeout(timer);
        stop();
        reject(error);
      });
  });
}

async function viaWebRtc(box, device, data, id, timeoutMs, messageType = 'iot_action') {
  const entry = await webrtc.open(box);
  if (entry.connection.connectionState !== 'connected') throw new Error(`WebRTC connection for ${box} is '${entry.connection.connectionState}'`);
  if (entry.channel.readyState !== 'open') throw new Error(`WebRTC channel for ${box} is '${entry.channel.readyState}'`);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      entry.channel.removeEventListener('message', onMessage);
      resolve({ status: 'timeout', message: 'no answer on the WebRTC channel' });
    }, timeoutMs);
    function onMessage(event) {
      const message = JSON.parse(event.data);
      if (message.device_identifier === device && (message.action_args?.session_id === id || message.owner === id)) {
        clearTimeout(timer);
        entry.channel.removeEventListener('message', onMessage);
        resolve(message);
      }
    }
    entry.channel.addEventListener('message', onMessage);
    const text = JSON.stringify({ device_identifier: device, data, session_id: id, message_type: messageType });
    sentAt.set(id, wallClock());
    webrtc.send(entry, text);
  });
}

function listenWebRtcCounts(box) {
  const entry = webrtc.connections.get(box);
  if (!entry || entry.counting) return;
  entry.counting = true;
  entry.channel.addEventListener('message', (event) => {
    try {
      const message = JSON.parse(event.data);
      const id = message.action_args?.session_id ?? message.owner;
      count(id, 'webrtc');
      record({ path: 'webrtc', ...message });
    } catch {
      /* not JSON: ignore like the POS */
    }
  });
}

const succeeded = (message) => message.status === 'success' || message.status?.status === 'connected';

/**
 * Sends one action. `via`: 'auto' (WebRTC, then the bus, as the POS), 'webrtc' or 'bus'.
 * Resolves with { ok, status, via, actionId, message, ms }.
 */
async function action({ box, device, data = {}, via = 'auto', timeoutMs = RESULT_TIMEOUT_MS, actionId = uuid() }) {
  const payload = { ...data, action_unique_id: actionId };
  received.set(actionId, { bus: 0, webrtc: 0 });
  const started = now();
  const state = await boxInfo(box);
  const tryWebRtc = via === 'webrtc' || (via === 'auto' && !OLD_BOX_VERSION.test(state?.version ?? '') && (webRtcFailedAt === null || now() - webRtcFailedAt > WEBRTC_RETRY_AFTER_FAILURE_MS));
  let path = 'bus';
  let message;
  if (tryWebRtc) {
    try {
      const pending = viaWebRtc(box, device, payload, actionId, timeoutMs);
      listenWebRtcCounts(box);
      message = await pending;
      path = 'webrtc';
    } catch (error) {
      webRtcFailedAt = now();
      if (via === 'webrtc') return { ok: false, status: 'error', via: 'webrtc', actionId, message: { status: 'error', message: String(error?.message ?? error) }, ms: now() - started };
    }
  }
  if (!message) message = await viaBus(box, device, payload, actionId, timeoutMs);
  const ms = now() - started;
  const result = { ok: succeeded(message), status: message.status, via: path, actionId, message, ms, sentAt: sentAt.get(actionId) ?? null, answeredAt: wallClock() };
  sentAt.delete(actionId);
  record({ path: `${path}-result`, device_identifier: device, ms, status: message.status });
  return result;
}

/** restart_odoo / test_connection to a box over the bus; the box answers with its identifier as device. */
async function boxCommand(box, type, timeoutMs = RESULT_TIMEOUT_MS) {
  const id = uuid();
  const started = now();
  await bus.connect();
  const message = await new Promise((resolve) => {
    const timer = setTimeout(() => (stop(), resolve({ status: 'timeout' })), timeoutMs);
    const stop = bus.subscribe((t, payload) => {
      if (t === 'operation_confirmation' && payload.session_id === id && payload.iot_box_identifier === box) {
        clearTimeout(timer);
        stop();
        resolve(payload.message);
      }
    });
    rpc('iot.channel', 'send_message', [{ iot_identifiers: [box], iot_identifier: box, session_id: id }, type]);
  });
  return { ok: succeeded(message), message, ms: now() - started };
}

let boxesCache = [];
async function boxes() {
  boxesCache = (await fetchState()).boxes;
  return boxesCache;
}
async function boxInfo(identifier) {
  return boxesCache.find((b) => b.identifier === identifier) ?? (await boxes()).find((b) => b.identifier === identifier);
}

/** Opens (or reuses) the WebRTC channel to a box; resolves with the time it took to open. */
async function openWebRtc(box) {
  const entry = await webrtc.open(box);
  listenWebRtcCounts(box);
  return { ms: entry.openedIn, state: entry.connection.connectionState };
}

function stats() {
  let lost = 0;
  let duplicated = 0;
  for (const counts of received.values()) {
    if (counts.bus === 0 && counts.webrtc === 0) lost++;
    if (counts.bus > 1 || counts.webrtc > 1) duplicated++;
  }
  return { actions: received.size, lost, duplicated };
}

window.posSim = {
  ready: bus.whenConnected(),
  action,
  boxCommand,
  boxes,
  openWebRtc,
  closeWebRtc: (box) => webrtc.close(box),
  stats,
  resetStats: () => received.clear(),
  received: (id) => received.get(id),
  log,
  bus,
};
window.dispatchEvent(new Event('pos-sim-ready'));
