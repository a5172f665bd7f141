/**
 * A byte channel to a raw-TCP network printer through the hub's local server: a websocket from
 * the hub's own origin to its printer link (server/printers/printer-bridge.ts), which holds the
 * TCP connection. Writes go in 16 KiB frames, each awaited until the server handed it to the
 * printer's connection (as a USB transfer is awaited), answers are buffered for `read`, and every
 * failure is a `NetworkTransportError` with a code a driver can act on.
 */
import { PRINTER_LINK_PATH, type PrinterLinkMessage } from '../../src/hub/network-printers.ts';

/** As USB: chunks a printer takes one by one, so a stalled printer is noticed per chunk. */
export const NETWORK_WRITE_CHUNK = 16 * 1024;
/** A printer that takes no chunk within this time is not taking data (jam, no paper on some models, full buffer). */
export const NETWORK_CHUNK_TIMEOUT_MS = 5_000;
/** The server's own connect timeout is 5 s; this covers it and the websocket's opening. */
export const NETWORK_OPEN_TIMEOUT_MS = 8_000;
/** Status answers are a few bytes; a printer that sends more than this unasked is not read further. */
const MAX_BUFFERED_ANSWER = 64 * 1024;
/** A control message is a few dozen bytes. */
const MAX_CONTROL_LENGTH = 2_048;

export type NetworkTransportErrorCode = 'disconnected' | 'timeout' | 'refused' | 'failed';

export class NetworkTransportError extends Error {
  override name = 'NetworkTransportError';
  constructor(readonly code: NetworkTransportErrorCode, message: string) {
    super(message);
  }
}

export interface NetworkTarget {
  host: string;
  port: number;
}

export class NetworkPrinterChannel {
  private readonly answers: number[] = [];
  private answerWaiter: (() => void) | null = null;
  private ackWaiter: ((bytes: number) => void) | null = null;
  private lostReason: NetworkTransportError | null = null;
  private readonly lostListeners = new Set<(error: NetworkTransportError) => void>();
  /** A read that timed out: the printer may still answer it later. */
  private replyOwed = false;
  /** Takes out of what the printer sends what is not an answer (status it pushes unasked). */
  private answerFilter: ((bytes: Uint8Array) => ArrayLike<number>) | null = null;

  private constructor(private readonly ws: WebSocket, readonly target: NetworkTarget) {
    ws.addEventListener('message', (event) => this.received(event.data));
    ws.addEventListener('close', () => this.lose(new NetworkTransportError('disconnected', `the connection to the printer at ${label(target)} was closed`)));
  }

  /** Opens the printer link and waits until the server has the TCP connection (or says why not). */
  static open(target: NetworkTarget, base: string = self.location.href, timeoutMs = NETWORK_OPEN_TIMEOUT_MS): Promise<NetworkPrinterChannel> {
    const url = new URL(PRINTER_LINK_PATH, base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = new URLSearchParams({ host: target.host, port: String(target.port) }).toString();
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch (error) {
        return reject(new NetworkTransportError('failed', `could not open the printer link: ${(error as Error).message}`));
      }
      ws.binaryType = 'arraybuffer';
      let settled = false;
      const fail = (error: NetworkTransportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.close();
        reject(error);
      };
      const timer = setTimeout(() => fail(new NetworkTransportError('timeout', `the printer at ${label(target)} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
      const onMessage = (event: MessageEvent) => {
        const message = typeof event.data === 'string' ? parseControl(event.data) : null;
        if (message?.type === 'open') {
          settled = true;
          clearTimeout(timer);
          ws.removeEventListener('message', onMessage);
          resolve(new NetworkPrinterChannel(ws, target));
        } else if (message?.type === 'closed') fail(new NetworkTransportError('disconnected', message.reason));
      };
      ws.addEventListener('message', onMessage);
      // The server refuses a target with an HTTP answer: the browser reports only a failed handshake.
      ws.addEventListener('close', (event) => fail(new NetworkTransportError(event.code === 1006 ? 'refused' : 'disconnected',
        `the local server did not open a link to ${label(target)} (a printer not added on the hub page, a port that is not a printer port, or no local server)`)));
    });
  }

  get lost(): boolean {
    return this.lostReason !== null;
  }

  /** Hears once when the link goes away (printer off, cable pulled, server stopped). */
  onLost(listener: (error: NetworkTransportError) => void): () => void {
    if (this.lostReason) listener(this.lostReason);
    else this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Writes in chunks of at most 16 KiB, each acknowledged by the server; `onProgress` hears the bytes taken so far. */
  async write(bytes: Uint8Array, onProgress?: (sent: number, total: number) => void): Promise<void> {
    for (let offset = 0; offset < bytes.length; offset += NETWORK_WRITE_CHUNK) {
      const chunk = bytes.subarray(offset, offset + NETWORK_WRITE_CHUNK);
      this.check();
      const acked = this.nextAck(NETWORK_CHUNK_TIMEOUT_MS);
      this.ws.send(chunk);
      const taken = await acked;
      if (taken !== chunk.length) throw new NetworkTransportError('failed', `the printer link took ${taken} of ${chunk.length} bytes`);
      onProgress?.(offset + chunk.length, bytes.length);
    }
  }

  /** Up to `maxBytes` of what the printer sent; empty after `timeoutMs`. */
  async read(maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
    this.check();
    if (this.answers.length === 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.answerWaiter = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      this.answerWaiter = null;
      this.check();
    }
    this.replyOwed = this.answers.length === 0;
    return Uint8Array.from(this.answers.splice(0, maxBytes));
  }

  /** Drops a late answer to a read that timed out: true when none is owed any more. */
  async dropLateReply(timeoutMs: number): Promise<boolean> {
    if (!this.replyOwed) return true;
    const late = await this.read(MAX_BUFFERED_ANSWER, timeoutMs);
    this.replyOwed = late.length === 0;
    return late.length > 0;
  }

  /** What arrives goes through `filter` first, as it arrives; what it returns are the answers `read` gets. */
  setAnswerFilter(filter: ((bytes: Uint8Array) => ArrayLike<number>) | null): void {
    this.answerFilter = filter;
  }

  /** The link is gone for the driver's side too (the device is closed). */
  markLost(error: NetworkTransportError): void {
    this.lose(error);
    this.ws.close();
  }

  close(): void {
    this.lose(new NetworkTransportError('disconnected', 'the printer link is closed'));
    this.ws.close(1000);
  }

  private nextAck(timeoutMs: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.ackWaiter = null;
        reject(new NetworkTransportError('timeout', `the printer at ${label(this.target)} did not take the data within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.onLost((error) => {
        clearTimeout(timer);
        reject(error);
      });
      this.ackWaiter = (bytes) => {
        clearTimeout(timer);
        unsubscribe();
        this.ackWaiter = null;
        resolve(bytes);
      };
    });
  }

  private received(data: unknown): void {
    if (typeof data === 'string') {
      const message = parseControl(data);
      if (message?.type === 'ack') this.ackWaiter?.(message.bytes);
      else if (message?.type === 'closed') this.lose(new NetworkTransportError('disconnected', message.reason));
      return;
    }
    if (!(data instanceof ArrayBuffer)) return;
    const received = new Uint8Array(data);
    const bytes = this.answerFilter ? this.answerFilter(received) : received;
    const room = MAX_BUFFERED_ANSWER - this.answers.length;
    for (let i = 0; i < Math.min(bytes.length, room); i++) this.answers.push(bytes[i]);
    if (bytes.length) this.answerWaiter?.();
  }

  private lose(error: NetworkTransportError): void {
    if (this.lostReason) return;
    this.lostReason = error;
    this.answerWaiter?.();
    for (const listener of this.lostListeners) listener(error);
    this.lostListeners.clear();
  }

  private check(): void {
    if (this.lostReason) throw this.lostReason;
  }
}

/** One control message of the printer link, or null for anything else (bounded). */
export function parseControl(text: string): PrinterLinkMessage | null {
  if (text.length > MAX_CONTROL_LENGTH) return null;
  let message: Partial<PrinterLinkMessage> & { bytes?: unknown; reason?: unknown };
  try {
    message = JSON.parse(text) as typeof message;
  } catch {
    return null;
  }
  if (message?.type === 'open') return { type: 'open' };
  if (message?.type === 'ack' && Number.isInteger(message.bytes) && (message.bytes as number) >= 0) return { type: 'ack', bytes: message.bytes as number };
  if (message?.type === 'closed') return { type: 'closed', reason: typeof message.reason === 'string' ? message.reason.slice(0, 400) : 'the printer link was closed' };
  return null;
}

function label(target: NetworkTarget): string {
  return `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}
