import type { LogRecord } from '../store/schema.ts';
import { redact } from './redact.ts';

export type LogLevel = LogRecord['level'];
type Sink = (record: Omit<LogRecord, 'seq'>) => void;

/** Every log line passes through `redact` before any sink sees it. */
export class Logger {
  private readonly sinks = new Set<Sink>();

  addSink(sink: Sink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  log(level: LogLevel, source: string, message: string): void {
    const record = { time: Date.now(), level, source, message: redact(message) };
    for (const sink of this.sinks) sink(record);
  }

  scope(source: string) {
    return {
      debug: (m: string) => this.log('debug', source, m),
      info: (m: string) => this.log('info', source, m),
      warning: (m: string) => this.log('warning', source, m),
      error: (m: string) => this.log('error', source, m),
    };
  }
}

export type ScopedLogger = ReturnType<Logger['scope']>;

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
