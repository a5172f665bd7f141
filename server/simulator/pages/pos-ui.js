// The POS page's controls over window.posSim: one printer and one scale per POS, as an Odoo POS
// configures them, and the values its devices report (weights, scans) as they arrive.
import { sampleReceiptJpeg } from './sample-receipt.js';

const $ = (id) => document.getElementById(id);
const BOX_LIST_REFRESH_MS = 2000;
const ROLES = ['printer', 'scale'];

let boxes = [];
let receipts = 0;

function out(text, cls = '') {
  const line = document.createElement('div');
  line.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  line.className = cls;
  $('log').prepend(line);
}

function selectedBox() {
  return boxes.find((b) => b.identifier === $('box').value);
}

function deviceType(identifier) {
  for (const box of boxes) for (const d of box.devices) if (d.identifier === identifier) return d.type;
  return null;
}

async function refresh() {
  // Connected boxes first: an action to a box that is not on the bus only times out.
  boxes = (await window.posSim.boxes()).sort((a, b) => Number(b.websocket_connected) - Number(a.websocket_connected));
  const current = $('box').value;
  $('box').replaceChildren(...boxes.map((b) => new Option(`${b.name} (${b.identifier})${b.websocket_connected ? '' : ' (not connected)'}`, b.identifier)));
  // Keep the cashier's choice unless it went offline while a connected box is there.
  const kept = boxes.find((b) => b.identifier === current);
  if (kept && (kept.websocket_connected || !boxes[0]?.websocket_connected)) $('box').value = current;
  $('no-box').hidden = boxes.length > 0;
  fillDevices();
}

function fillDevices() {
  const devices = selectedBox()?.devices ?? [];
  for (const role of ROLES) {
    const select = $(role);
    const current = select.value;
    const matching = devices.filter((d) => d.type === role);
    select.replaceChildren(...matching.map((d) => new Option(`${d.name}${d.connected ? '' : ' (disconnected)'}`, d.identifier)));
    if (matching.length === 0) select.replaceChildren(new Option(`no ${role} on this box`, ''));
    if (current && matching.some((d) => d.identifier === current)) select.value = current;
  }
}

/** A scale's value: 19.0 sends it in `result`, 18.0 in `value`; the status may be an object. */
function showWeight(message) {
  const weight = message.result ?? message.value;
  if (typeof weight === 'number') $('weight').textContent = `${weight.toFixed(3)} kg`;
  const status = message.status;
  const problem = typeof status === 'object' && status ? (status.status === 'connected' ? '' : status.message_title || status.status) : status === 'success' ? '' : String(status);
  $('scale-status').textContent = problem;
  $('scale-status').className = problem ? 'bad' : 'muted';
}

function showScan(message, device) {
  const code = message.result ?? message.value;
  if (message.status !== 'success' || typeof code !== 'string' || !code) return;
  $('scan').textContent = code;
  $('scan-from').textContent = `from ${device} at ${new Date().toLocaleTimeString()}`;
}

// Every result and event the page sees, over the bus or a WebRTC channel.
window.addEventListener('pos-sim-log', (event) => {
  const detail = event.detail;
  if (detail.path !== 'bus' && detail.path !== 'webrtc') return;
  const message = detail.path === 'bus' ? detail.message ?? {} : detail;
  const type = deviceType(detail.device_identifier);
  if (type === 'scale') showWeight(message);
  else if (type === 'scanner') showScan(message, detail.device_identifier);
});

function describe(result) {
  const message = result.message;
  const status = typeof result.status === 'object' && result.status ? result.status.status : result.status;
  // A printer answers `result: ''` and `message: null` when all is well, as Odoo's printer driver does.
  const detail = message.message ?? (message.result !== undefined && message.result !== null && message.result !== '' ? JSON.stringify(message.result) : '');
  return `${status}${detail ? ` ${detail}` : ''} via ${result.via} in ${result.ms.toFixed(1)} ms`;
}

async function act(button) {
  const action = button.dataset.action;
  const device = $(button.dataset.device).value;
  const box = $('box').value;
  if (!box || !device) return out(`${action}: pair a box with a ${button.dataset.device} first`, 'bad');
  const data = { action };
  if (action === 'print_receipt') {
    data.receipt = sampleReceiptJpeg(++receipts);
    $('sent').src = `data:image/jpeg;base64,${data.receipt}`;
    $('sent').hidden = false;
  }
  out(`→ ${action} on ${device}`);
  try {
    const result = await window.posSim.action({ box, device, data, via: $('via').value });
    out(`← ${describe(result)}`, result.ok ? 'ok' : 'bad');
    if (button.dataset.device === 'printer') {
      $('printer-result').textContent = `${action === 'cashbox' ? 'Cash drawer' : 'Receipt'}: ${describe(result)}`;
      $('printer-result').className = result.ok ? 'ok' : 'bad';
    }
    if (button.dataset.device === 'scale') showWeight(result.message);
  } catch (error) {
    out(`← ${action} failed: ${error.message}`, 'bad');
  }
}

async function command(button) {
  const box = $('box').value;
  if (!box) return out('pair a box first', 'bad');
  out(`→ ${button.dataset.command}`);
  try {
    const result = await window.posSim.boxCommand(box, button.dataset.command);
    out(`← ${JSON.stringify(result.message)} in ${result.ms.toFixed(1)} ms`, result.ok ? 'ok' : 'bad');
  } catch (error) {
    out(`← ${button.dataset.command} failed: ${error.message}`, 'bad');
  }
}

$('box').addEventListener('change', fillDevices);
$('refresh').addEventListener('click', () => void refresh());
for (const button of document.querySelectorAll('[data-action]')) button.addEventListener('click', () => void act(button));
for (const button of document.querySelectorAll('[data-command]')) button.addEventListener('click', () => void command(button));

const busState = (state) => {
  $('bus-state').textContent = state;
  $('bus-state').className = state === 'connected' ? 'ok' : 'bad';
};
window.posSim.bus.onState(busState);
busState(window.posSim.bus.state);

await window.posSim.ready;
await refresh();
// Boxes pair and devices come and go while the page is open.
setInterval(() => void refresh().catch(() => undefined), BOX_LIST_REFRESH_MS);
