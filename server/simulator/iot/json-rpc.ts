import type http from 'node:http';
import { readBody, sendJson } from '../http-app.ts';

/** Bodies the IoT routes accept; far above a camera snapshot, far below what would hurt the simulator. */
const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024;

export interface JsonRequest {
  id: unknown;
  params: Record<string, unknown>;
}

export class BadRequestError extends Error {
  name = 'BadRequestError';
}

/** Reads an Odoo `type='json'` request body: `{"params": {...}}`, `jsonrpc`/`method`/`id` optional. */
export async function readJsonRequest(req: http.IncomingMessage): Promise<JsonRequest> {
  const text = (await readBody(req, MAX_JSON_BODY_BYTES)).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Invalid JSON data: ${(error as Error).message}`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('Invalid JSON-RPC data: the body is not an object');
  const { id = null, params = {} } = body as { id?: unknown; params?: unknown };
  if (!params || typeof params !== 'object' || Array.isArray(params)) throw new BadRequestError('Invalid JSON-RPC data: "params" is not an object');
  return { id, params: params as Record<string, unknown> };
}

/** Odoo's JSON-RPC answer: a method returning None gives no `result` key at all (odoo-rpc.md §2). */
export function sendJsonResult(res: http.ServerResponse, id: unknown, result?: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  sendJson(res, 200, result === undefined || result === null ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result }, headers);
}

/** An Odoo server error as JSON-RPC returns it (HTTP 200, odoo-rpc.md §2). */
export function sendJsonError(res: http.ServerResponse, id: unknown, name: string, message: string): void {
  sendJson(res, 200, {
    jsonrpc: '2.0',
    id,
    error: { code: 200, message: 'Odoo Server Error', data: { name, message, arguments: [message], context: {}, debug: `Traceback (simulated):\n${name}: ${message}` } },
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
