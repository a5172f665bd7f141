/**
 * What the IoT link received and could not use: message types it has no handler for and
 * messages refused as malformed. After an Odoo upgrade these are the first sign that the
 * protocol changed. The link already says so in its log (bus-client.ts, link/bus-session.ts,
 * link/rtc-channels.ts); this watches the log lines as they are written, so the link needs no
 * second reporting path.
 */
import type { Logger } from '../logger.ts';

const MAX_TYPES_KEPT = 32;
const MAX_REASON_CHARS = 200;

/** The log lines of bus-client.ts and the link's bus session and WebRTC channels that mean "received but not usable". */
const BAD_LINES: ReadonlyArray<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^bad bus frame ignored: (.*)$/s, (m) => `bus frame: ${m[1]}`],
  [/^bad WebRTC message ignored: (.*)$/s, (m) => `WebRTC message: ${m[1]}`],
  [/^bad (\S+) \(notification \d+\) ignored: (.*)$/s, (m) => `${m[1]}: ${m[2]}`],
];
const UNKNOWN_TYPE_LINE = /^bus message (\S+) ignored$/;

export interface ProtocolWatchSnapshot {
  unknownTypes: Record<string, number>;
  badMessages: number;
  lastBadMessage: string;
}

export class ProtocolWatch {
  private readonly unknown = new Map<string, number>();
  private bad = 0;
  private lastBad = '';

  /** Starts watching a logger's lines; returns the function that stops it. */
  attach(logger: Pick<Logger, 'addSink'>): () => void {
    return logger.addSink((record) => this.line(record.message));
  }

  line(message: string): void {
    const unknown = UNKNOWN_TYPE_LINE.exec(message);
    if (unknown) return this.unknownType(unknown[1]);
    for (const [pattern, describe] of BAD_LINES) {
      const match = pattern.exec(message);
      if (match) return this.badMessage(describe(match));
    }
  }

  snapshot(): ProtocolWatchSnapshot {
    return { unknownTypes: Object.fromEntries(this.unknown), badMessages: this.bad, lastBadMessage: this.lastBad };
  }

  private unknownType(type: string): void {
    const key = type.slice(0, 64);
    if (!this.unknown.has(key) && this.unknown.size >= MAX_TYPES_KEPT) return;
    this.unknown.set(key, (this.unknown.get(key) ?? 0) + 1);
  }

  private badMessage(reason: string): void {
    this.bad++;
    this.lastBad = reason.slice(0, MAX_REASON_CHARS);
  }
}
