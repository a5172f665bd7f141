import { OdooError, SAME_ORIGIN_FIX } from './errors.ts';
import { redact } from '../hub/redact.ts';

/** Odoo answers in well under this; a server that takes longer is treated as gone. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Bigger than any sane search_read page; bounds memory when a server or proxy misbehaves. */
export const DEFAULT_MAX_ANSWER_BYTES = 32 * 1024 * 1024;

export interface HttpOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxAnswerBytes?: number;
  /** True when the browser will treat the target as another origin (see target.ts). */
  crossOrigin?: boolean;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
  headers: Headers;
}

/**
 * POSTs one request and reads the answer as text, never more than `maxAnswerBytes`, never longer
 * than `timeoutMs`. A fetch that throws becomes a typed network, timeout or same-origin error.
 */
export async function post(url: string, body: string, headers: Record<string, string>, options: HttpOptions = {}): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limit = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(url, { method: 'POST', body, headers, signal: controller.signal, cache: 'no-store', redirect: 'manual' });
    } catch (error) {
      throw fetchFailure(error, url, controller.signal.aborted, timeoutMs, options.crossOrigin ?? false);
    }
    const text = await readBounded(response, limit, url, controller.signal, timeoutMs);
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, headers: response.headers };
  } finally {
    clearTimeout(timer);
  }
}

function fetchFailure(error: unknown, url: string, aborted: boolean, timeoutMs: number, crossOrigin: boolean): OdooError {
  const where = redact(url);
  if (aborted) return new OdooError('timeout', `no answer from ${where} within ${timeoutMs / 1000} s`);
  if (crossOrigin && error instanceof TypeError) return new OdooError('same-origin', `${where}: ${SAME_ORIGIN_FIX}`);
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
  return new OdooError('network', `${where}: ${cause}`);
}

async function readBounded(response: Response, limit: number, url: string, signal: AbortSignal, timeoutMs: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(url, limit);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(url, limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof OdooError) throw error;
    if (signal.aborted) throw new OdooError('timeout', `the answer from ${redact(url)} did not finish within ${timeoutMs / 1000} s`);
    throw new OdooError('network', `the answer from ${redact(url)} was cut: ${(error as Error).message}`);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function tooLarge(url: string, limit: number): OdooError {
  return new OdooError('bad-answer', `the answer from ${redact(url)} is larger than ${limit} bytes`);
}

/** The first words of a body that is not what was expected, to name what came back instead. */
export function glimpse(text: string, length = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

/** Names what came back when the body is not the protocol's: an HTML page says more than a parse error. */
export function describeUnexpected(answer: HttpAnswer, expected: string): string {
  const html = /^\s*(<!doctype html|<html)/i.test(answer.text) || answer.contentType.includes('text/html');
  const what = html ? 'an HTML page' : answer.text.length === 0 ? 'an empty body' : `"${glimpse(answer.text)}"`;
  return `expected ${expected}, got HTTP ${answer.status} with ${what}`;
}
