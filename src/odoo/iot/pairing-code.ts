/**
 * Pairing by code (odoo-iot.md §2.2): the hub asks the pairing proxy for a code, shows it, and
 * polls until the database hands over its URL and a token, the code expires, or the time to
 * show it runs out. Polls are spaced as the box spaces them (iot_drivers/connection_manager.py
 * `_get_next_polling_interval`: 14 + 1.01^n seconds).
 */
import { describeError, type ScopedLogger } from '../../hub/logger.ts';
import { backoffDelay } from '../../hub/backoff.ts';
import { isObject } from './messages.ts';

export const CONNECT_BOX_PATH = '/odoo-enterprise/iot/connect-box';
/** The seed document: the code is shown for up to 5 minutes after start. */
export const CODE_SHOWN_MS = 5 * 60_000;
export const EXPIRED_MESSAGE = 'expired - restart the hub or ask for a new code';
/**
 * While the proxy cannot be reached (no internet), polls back off like the hub's other
 * reconnects, up to this; the box's own spacing is the floor.
 */
export const PROXY_RETRY_MAX_MS = 5 * 60_000;
const MAX_CODE_LENGTH = 64;

export function boxPollDelayMs(n: number): number {
  return (14 + 1.01 ** n) * 1000;
}

export type PairingCodeState =
  | { state: 'off' }
  | { state: 'requesting'; problem: string }
  | { state: 'showing'; code: string; until: number }
  | { state: 'expired'; message: string };

export interface PairingResult {
  url: string;
  token: string;
  dbUuid: string;
  enterpriseCode: string;
}

export interface PairingCodeOptions {
  identifier: string;
  /** Proxy base URL, read at each poll (the user may change it); empty means same origin (the local server forwards to the proxy). */
  proxyUrl(): string;
  onPaired(result: PairingResult): Promise<void>;
  onState(state: PairingCodeState): void;
  log: ScopedLogger;
  fetch?: typeof fetch;
  pollDelayMs?(n: number): number;
  shownMs?: number;
  /** Jitter of the backoff (Math.random unless a test seeds it). */
  random?(): number;
}

/** The pairing proxy's answer could not be used; the message says why. */
export class PairingProxyError extends Error {
  override name = 'PairingProxyError';
}

const MAX_ANSWER_LENGTH = 16_384;
const MAX_UUID_LENGTH = 128;

/**
 * Reads the proxy's answer to `connect-box` (odoo-iot.md §2.2): `expired`, the database's
 * grant (url, token, db_uuid, enterprise_code), or a code and uuid to show and poll with.
 */
export function parseConnectBoxAnswer(text: string): 'expired' | PairingResult | { code: string | false; uuid: string | false } {
  if (text.length > MAX_ANSWER_LENGTH) throw new PairingProxyError('the pairing proxy answer is too large');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PairingProxyError('the pairing proxy answer is not JSON');
  }
  if (!isObject(body)) throw new PairingProxyError('the pairing proxy answer is not an object');
  if (body.error === 'expired') return 'expired';
  if (body.error) {
    throw new PairingProxyError(`the pairing proxy refused: ${String(typeof body.error === 'string' ? body.error : JSON.stringify(body.error)).slice(0, 120)}`);
  }
  const result = isObject(body.result) ? body.result : {};
  if (['url', 'token', 'db_uuid', 'enterprise_code'].every((k) => typeof result[k] === 'string')) {
    return { url: result.url as string, token: result.token as string, dbUuid: result.db_uuid as string, enterpriseCode: result.enterprise_code as string };
  }
  const code = typeof result.pairing_code === 'string' && result.pairing_code.length <= MAX_CODE_LENGTH ? result.pairing_code : false;
  const uuid = typeof result.pairing_uuid === 'string' && result.pairing_uuid.length <= MAX_UUID_LENGTH ? result.pairing_uuid : false;
  return { code, uuid };
}

export class PairingCodeFlow {
  private code: string | false = false;
  private uuid: string | false = false;
  private polls = -1;
  /** Proxy calls failed in a row: the backoff's attempt, and one warning per outage. */
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private until = 0;
  state: PairingCodeState = { state: 'off' };

  constructor(private readonly options: PairingCodeOptions) {}

  /**
   * Starts (or restarts, with a new code) asking for a code; once one is shown, the 5 minutes of
   * showing it. Asking has no end: a hub started offline shows its code when the proxy answers.
   */
  start(): void {
    this.stop();
    this.running = true;
    this.code = false;
    this.uuid = false;
    this.polls = -1;
    this.failures = 0;
    this.until = 0;
    this.set({ state: 'requesting', problem: '' });
    void this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.set({ state: 'off' });
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (!this.running) return;
    if (this.until && Date.now() >= this.until) return this.expire('the 5 minutes to enter the code are over');
    try {
      const answer = await this.callProxy();
      if (!this.running) return;
      if (this.failures) this.options.log.info(`the pairing proxy answers again (after ${this.failures} failed attempt(s))`);
      this.failures = 0;
      if (answer === 'expired') return this.expire('the pairing proxy says the code expired');
      if ('url' in answer) {
        this.running = false;
        this.options.log.info('the database accepted the pairing code');
        this.set({ state: 'off' });
        await this.options.onPaired(answer);
        return;
      }
      if (answer.code && answer.code !== this.code) {
        if (!this.code) this.until = Date.now() + (this.options.shownMs ?? CODE_SHOWN_MS);
        this.code = answer.code;
        this.uuid = answer.uuid;
        this.options.log.info('pairing code received from the pairing proxy');
        this.set({ state: 'showing', code: answer.code, until: this.until });
        // The box polls once right after it got its code.
        return void (await this.tick());
      }
    } catch (error) {
      if (!this.running) return;
      if (!this.code) this.set({ state: 'requesting', problem: describeError(error).replace(/^\w*Error: /, '') });
      // One warning an outage; the retries that follow only at debug level.
      if (++this.failures === 1) this.options.log.warning(`pairing proxy: ${describeError(error)}; asking again with a growing delay`);
      else this.options.log.debug(`pairing proxy (attempt ${this.failures}): ${describeError(error)}`);
    }
    const spacing = (this.options.pollDelayMs ?? boxPollDelayMs)(++this.polls);
    const delay = this.failures === 0 ? spacing
      : Math.max(spacing, backoffDelay(this.failures - 1, { minMs: 2 * spacing, maxMs: PROXY_RETRY_MAX_MS }, this.options.random));
    this.timer = setTimeout(() => void this.tick(), Math.max(0, this.until ? Math.min(delay, this.until - Date.now()) : delay));
  }

  private async callProxy(): Promise<'expired' | PairingResult | { code: string | false; uuid: string | false }> {
    const base = this.options.proxyUrl().replace(/\/+$/, '');
    const response = await (this.options.fetch ?? fetch)(`${base}${CONNECT_BOX_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ params: { pairing_code: this.code, pairing_uuid: this.uuid, serial_number: this.options.identifier } }),
      signal: AbortSignal.timeout(5_000),
      cache: 'no-store',
    });
    if (!response.ok) throw new PairingProxyError(`the pairing proxy answered HTTP ${response.status}`);
    const answer = parseConnectBoxAnswer(await response.text());
    if (answer === 'expired' || 'url' in answer) return answer;
    return { code: answer.code || this.code, uuid: answer.uuid || this.uuid };
  }

  private expire(why: string): void {
    this.running = false;
    this.options.log.info(`pairing code expired: ${why}`);
    this.set({ state: 'expired', message: EXPIRED_MESSAGE });
  }

  private set(state: PairingCodeState): void {
    this.state = state;
    this.options.onState(state);
  }
}
