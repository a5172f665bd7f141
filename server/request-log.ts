import type http from 'node:http';
import { redact } from '../src/hub/redact.ts';
import type { Refusal } from './forwarding.ts';

/** One summary line per period, when anything happened in it. */
export const SUMMARY_EVERY_MS = 10 * 60_000;
/** At most this many refusal and error lines per minute; the others are counted in the summary. */
export const NOTICES_PER_MINUTE = 10;
const MINUTE_MS = 60_000;

export interface RequestLogOptions {
  log(line: string): void;
  /** One line per request, as `--log-requests` asks. */
  logRequests?: boolean;
  now?: () => number;
}

/**
 * What the local server prints while it runs: errors and refusals one line each (rate-limited, so
 * a client hammering it cannot scroll the start-up addresses away), a periodic summary, and
 * every request only when asked. Every line is redacted.
 */
export class RequestLog {
  private counts = { requests: 0, forwarded: 0, refused: 0, upstreamErrors: 0, notShown: 0 };
  private windowStart = 0;
  private noticesInWindow = 0;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: RequestLogOptions) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => {
      const line = this.summary();
      if (line) this.print(`in the last ${SUMMARY_EVERY_MS / MINUTE_MS} minutes: ${line}`);
    }, SUMMARY_EVERY_MS);
    this.timer.unref();
  }

  /** Counts a request (res is absent for a websocket upgrade). */
  request(req: http.IncomingMessage, res?: http.ServerResponse): void {
    this.counts.requests++;
    if (!this.options.logRequests) return;
    if (!res) return this.print(`${req.method} ${req.url ?? ''} upgrade`);
    const started = this.now();
    res.on('finish', () => this.print(`${req.method} ${req.url ?? ''} ${res.statusCode} ${this.now() - started}ms`));
  }

  forwarded(): void {
    this.counts.forwarded++;
  }

  refused(req: http.IncomingMessage, refusal: Refusal): void {
    this.counts.refused++;
    this.notice(`refused ${req.method} ${(req.url ?? '').slice(0, 200)} with ${refusal.status}: ${refusal.message}`);
  }

  upstreamError(message: string): void {
    this.counts.upstreamErrors++;
    this.notice(`forward error: ${message}`);
  }

  /** What happened since the last summary, or null when nothing did. */
  summary(): string | null {
    const { requests, forwarded, refused, upstreamErrors, notShown } = this.counts;
    this.counts = { requests: 0, forwarded: 0, refused: 0, upstreamErrors: 0, notShown: 0 };
    if (requests === 0 && upstreamErrors === 0) return null;
    const hidden = notShown ? ` (${notShown} refusal or error lines not shown)` : '';
    return `${requests} requests, ${forwarded} forwarded, ${refused} refused, ${upstreamErrors} upstream errors${hidden}`;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private notice(line: string): void {
    const now = this.now();
    if (now - this.windowStart >= MINUTE_MS) {
      this.windowStart = now;
      this.noticesInWindow = 0;
    }
    if (this.noticesInWindow++ < NOTICES_PER_MINUTE) this.print(line);
    else this.counts.notShown++;
  }

  private print(line: string): void {
    this.options.log(redact(line));
  }
}
