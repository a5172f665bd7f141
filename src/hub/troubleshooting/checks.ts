/**
 * The seed document's troubleshooting list as checks over evidence the hub gathered: each says
 * ok, problem or unknown, shows what it saw, and gives the fix in plain words with the section
 * of docs/deploy.md that explains it. Pure functions: the worker gathers, this judges.
 */
import { sameServer } from '../../odoo/same-server.ts';
import type { PairingCodeState } from '../../odoo/iot/pairing-code.ts';

/** `expected`: not ideal, but what this setup gives by design (e.g. the demo before installing). */
export type CheckStatus = 'ok' | 'problem' | 'unknown' | 'expected';

export type CheckId =
  | 'pairing-code' | 'odoo-version' | 'database-binding' | 'same-origin' | 'bus-version'
  | 'device-permission' | 'usb-driver' | 'udev-rules' | 'storage';

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** One sentence: what the hub found. */
  summary: string;
  /** What the check saw, for a person or support to verify. */
  evidence: string[];
  /** What to do about a problem ('' when there is nothing to do). */
  fix: string;
  /** The section of docs/deploy.md that explains it. */
  doc: string;
}

/** The Odoo series whose IoT protocol the hub speaks (odoo-iot.md: 19.0 first, 18.0 accepted). */
export const SUPPORTED_MAJORS = { min: 18, max: 19 } as const;

/** What `/web/webclient/version_info` at the hub's own origin gave. */
export type ServerProbe =
  | { kind: 'odoo'; serverSerie: string; serverVersion: string }
  | { kind: 'not-odoo'; status: number; detail: string }
  /** fetch threw a TypeError: the browser got no HTTP answer at all. */
  | { kind: 'no-answer'; detail: string }
  | { kind: 'not-run' };

export interface DatabaseProbe {
  /** Database names from `db.list`, 'refused' when listing is disabled, null when not known. */
  databases: string[] | 'refused' | null;
  /** `GET /web/login?db=<db>`: whether the session could be bound to the hub's database. */
  loginBinding: 'bound' | 'refused' | 'not-tried';
  /** Whether `iot.box` lists this hub's identifier, when this browser may read it. */
  boxListed: boolean | null;
}

export interface DeviceFailure {
  transport: 'usb' | 'serial' | 'hid' | 'network';
  label: string;
  /** The root cause's name (a DOMException name such as SecurityError or NetworkError). */
  name: string;
  message: string;
}

/** What only the window knows: device API availability, the chooser's last outcome. */
export interface WindowFacts {
  secureContext: boolean;
  apis: { usb: boolean; serial: boolean; hid: boolean };
  /** The Permissions-Policy allows these features for the page. */
  policyAllows: { usb: boolean; serial: boolean; hid: boolean };
  /** The last device chooser that failed, other than closing it without a choice. */
  lastRequestError: { kind: 'usb' | 'serial' | 'hid'; name: string; message: string } | null;
  /** Closed without choosing (NotFoundError) while no device was granted. */
  chooserClosedEmpty: boolean;
}

export interface LinkFacts {
  paired: boolean;
  serverUrl: string;
  dbName: string;
  registration: { state: string; message: string };
  bus: { state: string; detail: string; versionFetches: number };
  pairingCode: PairingCodeState;
  /** Bus or WebRTC message types this hub does not know, with counts. */
  unknownTypes: Record<string, number>;
  /** Messages refused as malformed since start, and the last reason. */
  badMessages: number;
  lastBadMessage: string;
}

export interface Evidence {
  identifier: string;
  /** The Odoo serie the hub reports in its version (e.g. 19.0). */
  hubSerie: string;
  platform: 'linux' | 'windows' | 'mac' | 'chromeos' | 'android' | 'other';
  pageOrigin: string;
  localServer: { mode: 'demo' | 'forward'; odooOrigin: string | null } | null;
  link: LinkFacts;
  server: ServerProbe;
  database: DatabaseProbe;
  devices: { claimed: Array<{ transport: string; name: string }>; failures: DeviceFailure[] };
  window: WindowFacts | null;
  storage: { persisted: boolean | null; usage: number | null; quota: number | null };
}

const DOC = 'docs/deploy.md';
const doc = (section: string) => `${DOC}#${section}`;

export function runChecks(e: Evidence): CheckResult[] {
  return [
    pairingCode(e), odooVersion(e), databaseBinding(e), sameOrigin(e), busVersion(e),
    devicePermission(e), usbDriver(e), udevRules(e), storage(e),
  ];
}

/** `19.0` → 19, `saas~18.4` → 18, anything else null. */
export function serieMajor(serie: string): number | null {
  const match = /^(?:saas~)?(\d{1,3})\.\d{1,3}/.exec(serie);
  return match ? Number(match[1]) : null;
}

function pairingCode(e: Evidence): CheckResult {
  const base = { id: 'pairing-code' as const, title: 'Pairing code', doc: doc('pairing-code-not-shown') };
  const state = e.link.pairingCode;
  const evidence = [`pairing code: ${state.state}`, `paired: ${e.link.paired ? `yes, with ${e.link.serverUrl}` : 'no'}`];
  if (e.link.paired) {
    return { ...base, status: 'ok', evidence, fix: '', summary: `No code is shown because the hub is already paired with ${e.link.serverUrl}; that is expected.` };
  }
  const tooOld = versionProblem(e);
  if (tooOld) evidence.push(tooOld.evidence);
  if (state.state === 'showing') {
    return { ...base, status: tooOld ? 'problem' : 'ok', evidence, summary: `The code ${state.code} is shown until ${new Date(state.until).toLocaleTimeString()}.`, fix: tooOld?.fix ?? '' };
  }
  if (state.state === 'expired') {
    return { ...base, status: 'problem', evidence, summary: 'The pairing code expired: a code is shown for 5 minutes after the hub starts.', fix: 'Press "Ask for a new code" in the Pairing section (or restart the hub), then type the new code in the IoT app of the database within 5 minutes.' };
  }
  if (state.state === 'requesting' && state.problem) {
    evidence.push(`pairing proxy: ${state.problem}`);
    if (/HTTP 404/.test(state.problem)) {
      return { ...base, status: 'problem', evidence, summary: 'The address the hub is served from does not forward the pairing proxy path /odoo-enterprise/iot/.', fix: 'Behind a reverse proxy, forward /odoo-enterprise/iot/ to https://iot-proxy.odoo.com (see the nginx example), or run the hub through its local server, which does it; or pair with a connection token instead.' };
    }
    return { ...base, status: 'problem', evidence, summary: 'The hub cannot reach the pairing proxy, so it has no code to show: the terminal is offline or the proxy is unreachable.', fix: 'Check the internet connection of this terminal; the hub keeps asking and shows the code as soon as the proxy answers. Without internet, pair with a connection token (IoT app > Connect) instead.' };
  }
  if (state.state === 'requesting') {
    return { ...base, status: tooOld ? 'problem' : 'unknown', evidence, summary: 'The hub is asking the pairing proxy for a code.', fix: tooOld?.fix ?? '' };
  }
  return { ...base, status: 'problem', evidence, summary: 'The hub is not paired and is not asking for a code (a connection token was refused, or the database removed this hub).', fix: 'Press "Ask for a new code" in the Pairing section, or paste a fresh connection token from the IoT app.' };
}

function versionProblem(e: Evidence): { evidence: string; fix: string; summary: string } | null {
  if (e.server.kind !== 'odoo') return null;
  const major = serieMajor(e.server.serverSerie);
  const evidence = `database serie ${e.server.serverSerie}, hub speaks ${SUPPORTED_MAJORS.min}.0 to ${SUPPORTED_MAJORS.max}.x (reports ${e.hubSerie})`;
  if (major === null) return { evidence, summary: `The database reports a serie the hub cannot read (${e.server.serverSerie}).`, fix: 'Update the hub (Updates section); if it persists, report the serie to the hub maintainers.' };
  if (major > SUPPORTED_MAJORS.max) {
    return { evidence, summary: `The database runs Odoo ${e.server.serverSerie}, newer than this hub knows (up to ${SUPPORTED_MAJORS.max}.x): the hub is too old for it.`, fix: 'Update the hub (Updates section, or deploy a newer build); until then pairing and actions may fail.' };
  }
  if (major < SUPPORTED_MAJORS.min) {
    return { evidence, summary: `The database runs Odoo ${e.server.serverSerie}; the hub speaks the IoT protocol of ${SUPPORTED_MAJORS.min}.0 and later.`, fix: 'Upgrade the database, or use an IoT box image made for that Odoo version.' };
  }
  return null;
}

function odooVersion(e: Evidence): CheckResult {
  const base = { id: 'odoo-version' as const, title: 'Odoo version', doc: doc('hub-too-old-for-the-database') };
  if (e.server.kind !== 'odoo') {
    return { ...base, status: 'unknown', evidence: [`version probe: ${probeText(e.server)}`], summary: 'The database version is not known yet (its version route did not answer as Odoo).', fix: '' };
  }
  const problem = versionProblem(e);
  const evidence = [`server_serie ${e.server.serverSerie} (server_version ${e.server.serverVersion})`, `hub version serie ${e.hubSerie}`];
  if (problem) return { ...base, status: 'problem', evidence, summary: problem.summary, fix: problem.fix };
  return { ...base, status: 'ok', evidence, summary: `The database runs Odoo ${e.server.serverSerie}, which the hub speaks.`, fix: '' };
}

function databaseBinding(e: Evidence): CheckResult {
  const base = { id: 'database-binding' as const, title: 'Hub listed in the right database', doc: doc('paired-but-not-in-the-database') };
  const d = e.database;
  const evidence = [
    `databases on the server: ${d.databases === null ? 'not known' : d.databases === 'refused' ? 'listing disabled' : d.databases.join(', ') || 'none'}`,
    `database named by the pairing: ${e.link.dbName || 'none (old or 18 token, or pairing code)'}`,
    `/web/login?db= binding: ${d.loginBinding}`,
    `iot.box lists ${e.identifier}: ${d.boxListed === null ? 'not readable without a user session' : d.boxListed ? 'yes' : 'no'}`,
    `registration: ${e.link.registration.state}`,
  ];
  if (!e.link.paired) return { ...base, status: 'unknown', evidence, summary: 'The hub is not paired yet.', fix: '' };
  const multi = Array.isArray(d.databases) && d.databases.length > 1;
  if (d.boxListed === false) {
    return { ...base, status: 'problem', evidence, summary: `The database this browser reaches has no IoT box with the identifier ${e.identifier}: the hub registered in another database of this server.`, fix: multiFix(e) };
  }
  if (e.link.dbName && d.loginBinding === 'refused') {
    return { ...base, status: 'problem', evidence, summary: `/web/login?db=${e.link.dbName} sends the browser to the database selector: the server does not let that database through for this address, so the IoT calls land elsewhere.`, fix: `Check that the database "${e.link.dbName}" exists and that the server's dbfilter lets it through for this host name; then pair again with a fresh token.` };
  }
  if (multi && !e.link.dbName) {
    return { ...base, status: 'problem', evidence, summary: `This server holds ${(d.databases as string[]).length} databases and the pairing does not say which one: the IoT routes carry no database, so the hub is registered wherever the server's cookie or dbfilter sends it.`, fix: multiFix(e) };
  }
  if (d.boxListed === true) return { ...base, status: 'ok', evidence, summary: 'The database lists this hub.', fix: '' };
  if (e.link.registration.state === 'registered' && (!multi || d.loginBinding === 'bound')) {
    return { ...base, status: 'ok', evidence, summary: multi ? `The hub's calls are bound to the database ${e.link.dbName}.` : 'One database answers this server: the hub is registered in it.', fix: '' };
  }
  return { ...base, status: 'unknown', evidence, summary: 'Not enough evidence yet (the hub is not registered, or the server does not say how many databases it holds).', fix: '' };
}

function multiFix(e: Evidence): string {
  return 'On a multi-database server, either set a host-based dbfilter (one host name per database, e.g. --db-filter=^%d$) and reach the database by its own host name, ' +
    'or pair with an Odoo 19 connection token (it carries db_name, and the hub then binds its calls with /web/login?db= and X-Odoo-Database). ' +
    `Then remove the stray box from the other database's IoT app${e.link.dbName ? '' : ' and pair again'}.`;
}

function probeText(p: ServerProbe): string {
  switch (p.kind) {
    case 'odoo': return `Odoo ${p.serverSerie}`;
    case 'not-odoo': return `HTTP ${p.status}${p.detail ? ` (${p.detail})` : ''}, not an Odoo answer`;
    case 'no-answer': return `no HTTP answer (${p.detail})`;
    case 'not-run': return 'not run yet';
  }
}

function sameOrigin(e: Evidence): CheckResult {
  const base = { id: 'same-origin' as const, title: 'Hub served from the database\'s origin', doc: doc('database-reachable-but-the-hub-not') };
  const evidence = [
    `hub page origin: ${e.pageOrigin}`,
    `local server: ${e.localServer ? `${e.localServer.mode}${e.localServer.odooOrigin ? `, forwards to ${e.localServer.odooOrigin}` : ''}` : 'none (served by a web server or reverse proxy)'}`,
    `Odoo version route at this origin: ${probeText(e.server)}`,
  ];
  if (e.link.paired) evidence.push(`paired database: ${e.link.serverUrl}`);
  const pairedOrigin = e.link.paired ? originOf(e.link.serverUrl) : null;
  const forwardsTo = e.localServer?.mode === 'forward' ? e.localServer.odooOrigin : null;
  // Name the address this hub really answers at when its local server serves it.
  const hubAddress = e.localServer ? e.pageOrigin : 'the address the local server prints when it starts';
  const fix = `Odoo's IoT and RPC routes answer only pages served from Odoo's own origin. Serve the hub under the Odoo host name (reverse proxy: the hub's files plus Odoo's /iot/, /web/, /websocket paths), or run the hub's local server with --odoo <database URL> and open the hub at ${hubAddress}.`;
  if (e.server.kind === 'no-answer') {
    return { ...base, status: 'problem', evidence, fix, summary: 'The browser got no answer at all from this address for Odoo\'s routes (a fetch TypeError): the page is offline, the local server is stopped, or the request was blocked before it left.' };
  }
  if (e.server.kind === 'not-odoo') {
    return { ...base, status: 'problem', evidence, fix, summary: `This address serves the hub but not Odoo: Odoo's version route answered HTTP ${e.server.status}. The database may be reachable at its own address, but the hub's calls cannot reach it from here.` };
  }
  if (pairedOrigin && !sameServer(pairedOrigin, e.pageOrigin) && !(forwardsTo && sameServer(forwardsTo, pairedOrigin)) && e.localServer?.mode !== 'demo') {
    return { ...base, status: 'problem', evidence, fix, summary: `The hub is paired with ${pairedOrigin}, but its calls go to ${forwardsTo ?? e.pageOrigin}, which is another server.` };
  }
  if (e.server.kind === 'odoo') return { ...base, status: 'ok', evidence, fix: '', summary: 'Odoo answers at the hub\'s own origin: the hub can reach the database.' };
  return { ...base, status: 'unknown', evidence, fix: '', summary: 'Not checked yet.' };
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function busVersion(e: Evidence): CheckResult {
  const base = { id: 'bus-version' as const, title: 'Bus after an Odoo upgrade', doc: doc('disconnected-after-an-odoo-upgrade') };
  const bus = e.link.bus;
  const unknown = Object.entries(e.link.unknownTypes);
  const evidence = [
    `bus: ${bus.state}${bus.detail ? ` (${bus.detail})` : ''}`,
    `bus version fetched ${bus.versionFetches} time(s)`,
    `unknown message types: ${unknown.length ? unknown.map(([t, n]) => `${t} ×${n}`).join(', ') : 'none'}`,
    `malformed messages refused: ${e.link.badMessages}${e.link.lastBadMessage ? ` (last: ${e.link.lastBadMessage})` : ''}`,
  ];
  const update = 'Update the hub (Updates section: apply the waiting version, or deploy a newer build), then reload it. If the database was upgraded to a new Odoo version, check the Odoo version check above.';
  if (!e.link.paired) return { ...base, status: 'unknown', evidence, summary: 'The hub is not paired.', fix: '' };
  if (/OUTDATED_VERSION/.test(bus.detail) && bus.versionFetches >= 2) {
    return { ...base, status: 'problem', evidence, fix: update, summary: `The server keeps closing the bus with OUTDATED_VERSION although the hub fetched its bus version ${bus.versionFetches} times: the server changed its bus after an upgrade in a way this hub does not follow.` };
  }
  if (e.link.badMessages > 0 || unknown.length > 0) {
    return { ...base, status: 'problem', evidence, fix: update, summary: 'The database sends messages this hub does not understand: their format changed (typically after an Odoo upgrade).' };
  }
  if (bus.state === 'open') return { ...base, status: 'ok', evidence, fix: '', summary: 'The bus is connected and every message was understood.' };
  return { ...base, status: 'unknown', evidence, fix: '', summary: `The bus is ${bus.state}; nothing points to a version change.` };
}

function devicePermission(e: Evidence): CheckResult {
  const base = { id: 'device-permission' as const, title: 'Device permission', doc: doc('devices-without-permission-prompts-managed-terminals') };
  const w = e.window;
  const granted = e.devices.claimed.length + e.devices.failures.length;
  if (!w) return { ...base, status: 'unknown', evidence: [], summary: 'The hub window has not reported its device APIs yet.', fix: '' };
  const apis = (['usb', 'serial', 'hid'] as const);
  const evidence = [
    `secure context: ${w.secureContext ? 'yes' : 'no'}`,
    `APIs: ${apis.map((k) => `${k} ${w.apis[k] ? (w.policyAllows[k] ? 'available' : 'blocked by Permissions-Policy') : 'missing'}`).join(', ')}`,
    `devices granted: ${granted}`,
  ];
  if (w.lastRequestError) evidence.push(`last chooser (${w.lastRequestError.kind}): ${w.lastRequestError.name}: ${w.lastRequestError.message}`);
  if (!w.secureContext) {
    return { ...base, status: 'problem', evidence, summary: 'The hub page is not a secure context, so the browser hides WebUSB, WebSerial and WebHID.', fix: 'Open the hub over https, or at http://localhost (the local server\'s address), never at a plain http:// LAN address.' };
  }
  if (!apis.some((k) => w.apis[k])) {
    return { ...base, status: 'problem', evidence, summary: 'This browser has none of WebUSB, WebSerial and WebHID.', fix: 'Use Chrome or Edge on a desktop system (Linux, Windows, macOS, ChromeOS).' };
  }
  const blocked = apis.filter((k) => w.apis[k] && !w.policyAllows[k]);
  if (blocked.length) {
    return { ...base, status: 'problem', evidence, summary: `The page's Permissions-Policy blocks ${blocked.join(', ')}.`, fix: 'Remove usb=(), serial=() or hid=() from the Permissions-Policy header your web server or proxy adds to the hub\'s pages.' };
  }
  const denied = e.devices.failures.filter((f) => f.name === 'NotAllowedError');
  if (w.lastRequestError?.name === 'SecurityError' || w.lastRequestError?.name === 'NotAllowedError' || denied.length) {
    return { ...base, status: 'problem', evidence, summary: 'The browser refused device access (blocked by a Chrome policy or by the site\'s settings).', fix: 'In chrome://settings/content (USB devices, Serial ports, HID devices) allow this site, or ask the administrator to allow it by policy (WebUsbAllowDevicesForUrls, SerialAllowUsbDevicesForUrls, WebHidAllowDevicesForUrls); check chrome://policy for Default*GuardSetting = 2 (block).' };
  }
  if (granted === 0 && w.chooserClosedEmpty) {
    return { ...base, status: 'problem', evidence, summary: 'The device chooser was closed without a device: no device is granted to the hub.', fix: 'Press "Add USB device" (or serial, HID), select the device in the list and press Connect. A device missing from the list is not plugged in, or is held by the system (see the checks below).' };
  }
  if (granted === 0) return { ...base, status: 'unknown', evidence, summary: 'No device is granted to the hub yet.', fix: 'Add devices with the buttons of the Devices section, or pre-grant them by policy on managed terminals.' };
  return { ...base, status: 'ok', evidence, summary: `${granted} device(s) granted to the hub.`, fix: '' };
}

function usbFailures(e: Evidence): DeviceFailure[] {
  return e.devices.failures.filter((f) => f.transport === 'usb');
}

/** A claimInterface refusal: the interface is bound to an OS driver. */
function isClaimFailure(f: DeviceFailure): boolean {
  return /claim/i.test(f.message) || (f.name === 'NetworkError' && f.transport === 'usb');
}

function usbDriver(e: Evidence): CheckResult {
  const windows = e.platform === 'windows';
  const base = { id: 'usb-driver' as const, title: 'USB interface free for the hub', doc: doc(windows ? 'windows-driver-conflicts' : 'linux-udev-rules') };
  const usb = usbFailures(e);
  const held = usb.filter((f) => isClaimFailure(f) || (windows && (f.name === 'SecurityError' || /access denied/i.test(f.message))));
  const evidence = [
    `platform: ${e.platform}`,
    `USB devices driven: ${e.devices.claimed.filter((d) => d.transport === 'usb').length}`,
    ...usb.map((f) => `${f.label}: ${f.name}: ${f.message}`),
  ];
  if (held.length) {
    const names = held.map((f) => f.label).join(', ');
    const fix = windows
      ? 'A vendor driver (Epson Advanced Printer Driver, Star\'s driver...) holds the printer. Give it to the hub by replacing its driver with WinUSB (for example with Zadig), or keep the vendor driver and add the printer through its virtual serial port with "Add serial device".'
      : e.platform === 'linux'
        ? 'The kernel\'s usblp driver holds the printer. If only the hub uses it: echo "blacklist usblp" | sudo tee /etc/modprobe.d/no-usblp.conf, then replug it.'
        : 'Another program or system driver holds the device: close it (or remove its driver), then replug the device.';
    return { ...base, status: 'problem', evidence, fix, summary: `The system holds the USB interface of ${names}, so the hub cannot claim it.` };
  }
  if (e.devices.claimed.some((d) => d.transport === 'usb')) return { ...base, status: 'ok', evidence, fix: '', summary: 'The hub claimed its USB devices.' };
  return { ...base, status: 'unknown', evidence, fix: '', summary: 'No USB device to judge by.' };
}

function udevRules(e: Evidence): CheckResult {
  const base = { id: 'udev-rules' as const, title: 'Linux device access (udev rules)', doc: doc('linux-udev-rules') };
  const evidence = [`platform: ${e.platform}`];
  if (e.platform !== 'linux') return { ...base, status: 'ok', evidence, fix: '', summary: 'Not needed on this system (udev rules are a Linux matter).' };
  const denied = e.devices.failures.filter((f) =>
    !isClaimFailure(f) && (f.name === 'SecurityError' || f.name === 'NetworkError' || f.name === 'NotAllowedError' || /access denied|failed to open/i.test(f.message)));
  evidence.push(...e.devices.failures.map((f) => `${f.label} (${f.transport}): ${f.name}: ${f.message}`));
  if (denied.length) {
    return {
      ...base, status: 'problem', evidence,
      summary: `Linux refused to open ${denied.map((f) => f.label).join(', ')}: the user running Chrome has no access to the device files.`,
      fix: 'Install the udev rules from docs/deploy.md (TAG+="uaccess" for the printers\' vendor ids and hidraw), run sudo udevadm control --reload-rules && sudo udevadm trigger, and replug the devices. Serial adapters also need the user in the dialout group.',
    };
  }
  if (e.devices.claimed.length) return { ...base, status: 'ok', evidence, fix: '', summary: 'The devices opened: the user has access to them.' };
  return { ...base, status: 'unknown', evidence, fix: '', summary: 'No device to judge by.' };
}

function storage(e: Evidence): CheckResult {
  const base = { id: 'storage' as const, title: 'Persistent storage', doc: doc('storage-not-persistent') };
  const s = e.storage;
  const evidence = [`persisted: ${s.persisted === null ? 'not known' : s.persisted ? 'yes' : 'no'}`];
  if (s.usage !== null && s.quota !== null) evidence.push(`using ${(s.usage / 1e6).toFixed(1)} MB of ${(s.quota / 1e6).toFixed(0)} MB`);
  if (s.persisted === null) return { ...base, status: 'unknown', evidence, fix: '', summary: 'This browser does not tell whether storage is persistent.' };
  if (s.persisted) return { ...base, status: 'ok', evidence, fix: '', summary: 'The browser keeps the hub\'s data (pairing, queue, logs) even when disk space runs low.' };
  if (e.localServer?.mode === 'demo') {
    return {
      ...base, status: 'expected', evidence, fix: '',
      summary: 'Not persistent yet, as expected in the demo: Chrome grants persistent storage once the hub is installed as an app (the install icon in the address bar). Until then the browser may clear the hub\'s data when disk space runs low.',
    };
  }
  return {
    ...base, status: 'problem', evidence,
    summary: 'The browser may delete the hub\'s data (pairing, job queue, results waiting for Odoo) when disk space runs low.',
    fix: 'Install the hub as an app (the install icon in the address bar) or bookmark it; Chrome then grants persistent storage on the next start. On managed terminals, keep the hub\'s site data from being cleared on exit.',
  };
}
