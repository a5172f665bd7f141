/**
 * Read-only probes of the Odoo paths at the hub's own origin, for the troubleshooting checks.
 * Each answer is bounded and parsed defensively; a probe never throws, it reports what it saw.
 */
import { DATABASE_HEADER } from '../../odoo/iot/http.ts';
import { LOGIN_PATH } from '../../odoo/iot/session-info.ts';
import { isObject } from '../../odoo/iot/messages.ts';
import type { DatabaseProbe, ServerProbe } from './checks.ts';

/** odoo-rpc.md §1: a JSON-RPC POST (a plain GET gets 415 on 19.0). */
export const VERSION_INFO_PATH = '/web/webclient/version_info';
export const JSONRPC_PATH = '/jsonrpc';
export const IOT_BOX_SEARCH_PATH = '/web/dataset/call_kw/iot.box/search_read';
/** Where Odoo sends a browser whose database the filter does not let through (http.py `ensure_db`). */
const DATABASE_SELECTOR_PREFIX = '/web/database/';
const MAX_PROBE_ANSWER_CHARS = 64 * 1024;
const PROBE_TIMEOUT_MS = 8_000;
const MAX_DATABASES = 1000;

export interface ProbeOptions {
  fetch?: typeof fetch;
  dbName?: string;
  timeoutMs?: number;
}

type Answer = { kind: 'json'; status: number; body: unknown } | { kind: 'other'; status: number; detail: string } | { kind: 'no-answer'; detail: string };

async function request(path: string, init: RequestInit, options: ProbeOptions): Promise<Answer & { url?: string }> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(path, {
      ...init, credentials: 'same-origin', cache: 'no-store', signal: AbortSignal.timeout(options.timeoutMs ?? PROBE_TIMEOUT_MS),
    });
  } catch (error) {
    const e = error as Error;
    return { kind: 'no-answer', detail: e.name === 'TimeoutError' ? 'no answer in time' : `${e.name}: ${e.message}`.slice(0, 160) };
  }
  let text: string;
  try {
    text = (await response.text()).slice(0, MAX_PROBE_ANSWER_CHARS + 1);
  } catch (error) {
    return { kind: 'no-answer', detail: `the answer broke off: ${(error as Error).message}`.slice(0, 160) };
  }
  const type = response.headers.get('content-type') ?? '';
  if (text.length > MAX_PROBE_ANSWER_CHARS) return { kind: 'other', status: response.status, detail: 'answer too large', url: response.url };
  if (!/json/i.test(type)) return { kind: 'other', status: response.status, detail: type.split(';')[0].slice(0, 60), url: response.url };
  try {
    return { kind: 'json', status: response.status, body: JSON.parse(text), url: response.url };
  } catch {
    return { kind: 'other', status: response.status, detail: 'JSON that does not parse', url: response.url };
  }
}

function jsonRpc(params: Record<string, unknown>): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params, id: 1 }) };
}

/** Whether Odoo answers at this origin, and which serie it runs. */
export async function probeServer(options: ProbeOptions = {}): Promise<ServerProbe> {
  const answer = await request(VERSION_INFO_PATH, jsonRpc({}), options);
  if (answer.kind === 'no-answer') return { kind: 'no-answer', detail: answer.detail };
  if (answer.kind === 'other') return { kind: 'not-odoo', status: answer.status, detail: answer.detail };
  return parseVersionAnswer(answer.status, answer.body);
}

export function parseVersionAnswer(status: number, body: unknown): ServerProbe {
  const result = isObject(body) && isObject(body.result) ? body.result : null;
  const serie = result && typeof result.server_serie === 'string' ? result.server_serie.slice(0, 40) : null;
  if (!result || serie === null) return { kind: 'not-odoo', status, detail: 'JSON without server_serie' };
  return { kind: 'odoo', serverSerie: serie, serverVersion: typeof result.server_version === 'string' ? result.server_version.slice(0, 60) : '' };
}

/** How many databases the server holds, whether the hub's database binds, and whether it lists this hub. */
export async function probeDatabases(identifier: string, options: ProbeOptions = {}): Promise<DatabaseProbe> {
  const [databases, loginBinding, boxListed] = await Promise.all([
    listDatabases(options), bindLogin(options), findBox(identifier, options),
  ]);
  return { databases, loginBinding, boxListed };
}

async function listDatabases(options: ProbeOptions): Promise<DatabaseProbe['databases']> {
  const answer = await request(JSONRPC_PATH, jsonRpc({ service: 'db', method: 'list', args: [] }), options);
  if (answer.kind !== 'json' || !isObject(answer.body)) return null;
  return parseDatabaseList(answer.body);
}

export function parseDatabaseList(body: Record<string, unknown>): DatabaseProbe['databases'] {
  if (body.error !== undefined) return 'refused';
  const list = body.result;
  if (!Array.isArray(list) || list.length > MAX_DATABASES || !list.every((d) => typeof d === 'string')) return null;
  return list.map((d) => (d as string).slice(0, 128));
}

async function bindLogin(options: ProbeOptions): Promise<DatabaseProbe['loginBinding']> {
  if (!options.dbName) return 'not-tried';
  const answer = await request(`${LOGIN_PATH}?db=${encodeURIComponent(options.dbName)}`, { method: 'GET' }, options);
  if (answer.kind === 'no-answer') return 'not-tried';
  if ((answer.status ?? 0) >= 400) return 'refused';
  const landed = answer.url ? safePath(answer.url) : '';
  return landed.startsWith(DATABASE_SELECTOR_PREFIX) ? 'refused' : 'bound';
}

async function findBox(identifier: string, options: ProbeOptions): Promise<boolean | null> {
  const init = jsonRpc({ model: 'iot.box', method: 'search_read', args: [[['identifier', '=', identifier]]], kwargs: { fields: ['identifier'], limit: 1 } });
  if (options.dbName) init.headers = { ...(init.headers as Record<string, string>), [DATABASE_HEADER]: options.dbName };
  const answer = await request(IOT_BOX_SEARCH_PATH, init, options);
  if (answer.kind !== 'json' || !isObject(answer.body)) return null;
  return parseBoxSearch(answer.body, identifier);
}

/** A search_read answer: true/false when readable, null when this browser may not read iot.box. */
export function parseBoxSearch(body: Record<string, unknown>, identifier: string): boolean | null {
  if (body.error !== undefined || !Array.isArray(body.result)) return null;
  return body.result.some((row) => isObject(row) && row.identifier === identifier);
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
