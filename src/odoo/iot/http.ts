/**
 * The box → server calls of the IoT protocol (odoo-iot.md §3, §5, §6): JSON bodies of the
 * form `{"params": {...}}` on same-origin relative paths. Kept here rather than in the RPC
 * client because these routes are `type='json'` controllers that answer outside JSON-RPC's
 * `error` conventions (a refused registration has no `result` key at all).
 */
import { isObject } from './messages.ts';
import { redact } from '../../hub/redact.ts';

/** odoo-iot.md §3: the box names the database on multi-database servers with this header. */
export const DATABASE_HEADER = 'X-Odoo-Database';
/** Answers of the IoT routes are small; anything bigger is not Odoo. */
export const MAX_ANSWER_BYTES = 256 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;

export class IotHttpError extends Error {
  name = 'IotHttpError';
  constructor(message: string, readonly status: number | null) {
    super(message);
  }
}

export interface IotCallOptions {
  fetch?: typeof fetch;
  dbName?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface JsonAnswer {
  /** Whether the answer carried a `result` key at all. */
  hasResult: boolean;
  result: unknown;
  error: unknown;
}

export async function postIotJson(path: string, params: Record<string, unknown>, options: IotCallOptions = {}): Promise<JsonAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (options.dbName) headers[DATABASE_HEADER] = options.dbName;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(path, {
      method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', params }), signal, credentials: 'same-origin', cache: 'no-store',
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? 'did not answer in time' : 'is unreachable';
    throw new IotHttpError(`${path}: the Odoo server ${reason}`, null);
  }
  const text = await readBounded(response, path);
  if (!response.ok) throw new IotHttpError(`${path}: HTTP ${response.status}${summary(text)}`, response.status);
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new IotHttpError(`${path}: the answer is not JSON${summary(text)}`, response.status);
  }
  if (!isObject(body)) throw new IotHttpError(`${path}: the answer is not a JSON object`, response.status);
  return { hasResult: 'result' in body, result: body.result, error: body.error };
}

async function readBounded(response: Response, path: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_ANSWER_BYTES) throw new IotHttpError(`${path}: answer of ${declared} bytes is too large`, response.status);
  const text = await response.text();
  if (text.length > MAX_ANSWER_BYTES) throw new IotHttpError(`${path}: answer of ${text.length} bytes is too large`, response.status);
  return text;
}

/** The start of an unexpected answer, for the error text: tags dropped, secrets it may echo masked. */
function summary(text: string): string {
  const line = redact(text.slice(0, 4096).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()).slice(0, 160);
  return line ? ` (${line})` : '';
}
