/**
 * A byte channel over one Web Serial port (native `SerialPort` or web-serial-polyfill's): a
 * background reader fills a bounded buffer so drivers can ask "up to N bytes within T ms" like
 * pyserial's `read()`, which is how Odoo's box drivers talk to scales and displays.
 */

/** Bytes kept unread before the oldest are dropped: a scale answer is < 20 bytes, a scan < 4 KiB. */
export const SERIAL_BUFFER_LIMIT = 64 * 1024;

/**
 * Errors Web Serial reports on the readable stream while the port stays open (the spec's
 * non-fatal read errors): the line is noisy or set to the wrong speed or parity.
 */
const LINE_ERRORS = new Set(['FramingError', 'ParityError', 'BreakError', 'BufferOverrunError']);

/** The port went away (unplugged, or the OS took it back). */
export class SerialPortLostError extends Error {
  override name = 'SerialPortLostError';
  constructor(cause?: unknown) {
    super(`the serial port was disconnected${cause instanceof Error ? ` (${cause.name}: ${cause.message})` : ''}`, { cause });
  }
}

/** The channel was closed by the hub. */
export class SerialClosedError extends Error {
  override name = 'SerialClosedError';
  constructor() {
    super('the serial channel is closed');
  }
}

/** The port could not be opened (busy in another program, or refused by the OS). */
export class SerialOpenError extends Error {
  override name = 'SerialOpenError';
  constructor(cause: unknown) {
    super(`the serial port could not be opened: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface SerialChannel {
  write(bytes: Uint8Array): Promise<void>;
  /** Up to `maxBytes` bytes: resolves as soon as any byte is there, or empty after `timeoutMs`. */
  read(maxBytes: number, timeoutMs: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** What the channel can tell beyond bytes: line noise and buffer overflow, for a readable device status. */
export interface SerialLineHealth {
  /** Framing, parity, break or overrun errors seen since the last `takeLineErrors()`. */
  takeLineErrors(): string[];
  /** Drops unread input (pyserial's `reset_input_buffer`). */
  discardInput(): void;
  /** Bytes dropped because nobody read them in time. */
  readonly droppedBytes: number;
}

export type FullSerialChannel = SerialChannel & SerialLineHealth;

/** Opens `port` (if it is not open yet) and starts reading it in the background. */
export async function openSerial(port: SerialPort, options: SerialOptions): Promise<FullSerialChannel> {
  if (!port.readable) {
    try {
      await port.open(options);
    } catch (error) {
      if ((error as DOMException).name === 'NetworkError') throw new SerialPortLostError(error);
      throw new SerialOpenError(error);
    }
  }
  const channel = new PortChannel(port);
  channel.startReading();
  return channel;
}

class PortChannel implements FullSerialChannel {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private waiter: (() => void) | null = null;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private failure: Error | null = null;
  private lineErrors: string[] = [];
  private closed = false;
  droppedBytes = 0;

  constructor(private readonly port: SerialPort) {}

  private loop: Promise<void> = Promise.resolve();

  startReading(): void {
    this.loop = this.readLoop();
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.check();
    const writable = this.port.writable;
    if (!writable) throw new SerialPortLostError();
    const writer = writable.getWriter();
    try {
      await writer.write(bytes);
    } catch (error) {
      throw this.fail(error);
    } finally {
      writer.releaseLock();
    }
  }

  async read(maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
    if (this.buffered === 0) {
      this.check();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiter = null;
          resolve();
        }, timeoutMs);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = null;
          resolve();
        };
      });
      if (this.buffered === 0) this.check();
    }
    return this.take(maxBytes);
  }

  takeLineErrors(): string[] {
    return this.lineErrors.splice(0);
  }

  discardInput(): void {
    this.chunks = [];
    this.buffered = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    await this.reader?.cancel().catch(() => undefined);
    // Chrome refuses to close a port whose streams are still locked.
    await this.loop;
    await this.port.close().catch(() => undefined);
  }

  private async readLoop(): Promise<void> {
    // A line error ends the current readable stream; the port then offers a new one.
    while (!this.closed && this.port.readable) {
      this.reader = this.port.readable.getReader();
      let ended = false;
      try {
        for (;;) {
          const { value, done } = await this.reader.read();
          if (done) {
            ended = true;
            break;
          }
          if (value?.length) this.push(value);
        }
      } catch (error) {
        const name = (error as DOMException).name;
        if (!LINE_ERRORS.has(name)) {
          if (!this.closed) this.fail(error);
          break;
        }
        if (this.lineErrors.length < 100) this.lineErrors.push(name);
      } finally {
        this.reader?.releaseLock();
        this.reader = null;
      }
      // Only a cancel (our close) or a vanished port ends the stream for good.
      if (ended) break;
    }
    if (!this.closed && !this.failure) this.fail(undefined);
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
    this.buffered += bytes.length;
    while (this.buffered > SERIAL_BUFFER_LIMIT) {
      const oldest = this.chunks[0];
      const excess = this.buffered - SERIAL_BUFFER_LIMIT;
      if (oldest.length <= excess) {
        this.chunks.shift();
        this.buffered -= oldest.length;
        this.droppedBytes += oldest.length;
      } else {
        this.chunks[0] = oldest.subarray(excess);
        this.buffered -= excess;
        this.droppedBytes += excess;
      }
    }
    this.wake();
  }

  private take(maxBytes: number): Uint8Array {
    const size = Math.min(maxBytes, this.buffered);
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.chunks[0];
      const n = Math.min(chunk.length, size - filled);
      out.set(chunk.subarray(0, n), filled);
      filled += n;
      if (n === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    this.buffered -= size;
    return out;
  }

  private wake(): void {
    this.waiter?.();
  }

  private fail(error: unknown): Error {
    this.failure ??= new SerialPortLostError(error);
    this.wake();
    return this.failure;
  }

  private check(): void {
    if (this.closed) throw new SerialClosedError();
    if (this.failure) throw this.failure;
  }
}

/**
 * Reads until `isComplete(bytes so far)` or until `timeoutMs` passes, keeping at most `limit`
 * bytes: the bounded "read the answer" every serial driver needs.
 */
export async function readUntil(
  channel: SerialChannel,
  isComplete: (received: Uint8Array) => boolean,
  timeoutMs: number,
  limit = 256,
): Promise<Uint8Array> {
  const deadline = performance.now() + timeoutMs;
  let received = new Uint8Array(0);
  while (received.length < limit) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    const chunk = await channel.read(limit - received.length, left);
    if (chunk.length === 0) break;
    const joined = new Uint8Array(received.length + chunk.length);
    joined.set(received);
    joined.set(chunk, received.length);
    received = joined;
    if (isComplete(received)) break;
  }
  return received;
}
