import type { SerialChannel } from '../../transports/serial.ts';
import { UsbTransportError, type UsbPrinterChannel } from '../../transports/usb.ts';
import type { RealTimeStatus } from './commands.ts';

/** How a printer is reached, whatever the transport: the driver's only view of it. */
export interface PrinterLink {
  /** `onProgress` hears how many bytes the printer took so far, chunk by chunk. */
  write(bytes: Uint8Array, onProgress?: (sent: number, total: number) => void): Promise<void>;
  /** Up to `maxBytes`, empty after `timeoutMs` (or at once when the printer cannot answer). */
  read(maxBytes: number, timeoutMs: number): Promise<Uint8Array>;
  /**
   * A read that timed out may still be answered later, and that late answer would be taken as the
   * answer to the next query. Waits up to `timeoutMs` for such an answer and drops it: true when
   * none is owed (or it came and was dropped), false when it is still owed.
   */
  dropLateReply(timeoutMs: number): Promise<boolean>;
  /** The printer went away: pending and later operations fail at once. */
  lost(): void;
  close(): Promise<void>;
  readonly canAnswer: boolean;
  /** Status the printer pushes by itself (Epson ASB on a network printer); links without it have none. */
  onStatus?(listener: (status: RealTimeStatus) => void): () => void;
}

export type LinkErrorCode = 'disconnected' | 'timeout' | 'failed';

export class PrinterLinkError extends Error {
  override name = 'PrinterLinkError';
  constructor(readonly code: LinkErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export function usbLink(channel: UsbPrinterChannel): PrinterLink {
  const mapped = (error: unknown): PrinterLinkError => {
    if (!(error instanceof UsbTransportError)) return new PrinterLinkError('failed', (error as Error).message, { cause: error });
    const code = error.code === 'disconnected' || error.code === 'closed' ? 'disconnected' : error.code === 'timeout' ? 'timeout' : 'failed';
    return new PrinterLinkError(code, error.message, { cause: error });
  };
  return {
    canAnswer: channel.printer.inEndpoint !== null,
    write: (bytes, onProgress) => channel.write(bytes, onProgress).catch((error) => Promise.reject(mapped(error))),
    read: (maxBytes, timeoutMs) => channel.read(maxBytes, timeoutMs).catch((error) => Promise.reject(mapped(error))),
    dropLateReply: (timeoutMs) => channel.dropLateReply(timeoutMs).catch((error) => Promise.reject(mapped(error))),
    lost: () => channel.markDisconnected(),
    close: () => channel.close(),
  };
}

/** Serial writes go in 1 KiB pieces so a stalled printer (no CTS, no paper) is noticed per piece. */
const SERIAL_CHUNK = 1024;
const SERIAL_CHUNK_SLACK_MS = 5000;

/** A serial (or Bluetooth serial) printer: serial.ts's channel with bounded, timed writes and disconnect. */
export function serialLink(channel: SerialChannel, baudRate: number): PrinterLink {
  let loseWith!: (error: PrinterLinkError) => void;
  const gone = new Promise<never>((_, reject) => (loseWith = reject));
  gone.catch(() => undefined);
  // 10 bits per byte on the line (start, 8 data, stop).
  const chunkTimeoutMs = SERIAL_CHUNK_SLACK_MS + Math.ceil((SERIAL_CHUNK * 10 * 1000) / baudRate);
  const guarded = async <T>(operation: Promise<T>, timeoutMs: number | null, what: string): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      if (timeoutMs !== null) timer = setTimeout(() => reject(new PrinterLinkError('timeout', `the printer did not take the data within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([operation.catch((error) => Promise.reject(serialError(error, what))), timeout, gone]);
    } finally {
      clearTimeout(timer);
    }
  };
  // A read that ended empty: the printer may still answer it.
  let replyOwed = false;
  const read = async (maxBytes: number, timeoutMs: number) => {
    const bytes = await guarded(channel.read(maxBytes, timeoutMs), null, 'read');
    replyOwed = bytes.length === 0;
    return bytes;
  };
  return {
    canAnswer: true,
    async write(bytes, onProgress) {
      for (let offset = 0; offset < bytes.length; offset += SERIAL_CHUNK) {
        await guarded(channel.write(bytes.subarray(offset, offset + SERIAL_CHUNK)), chunkTimeoutMs, 'write');
        onProgress?.(Math.min(bytes.length, offset + SERIAL_CHUNK), bytes.length);
      }
    },
    read,
    async dropLateReply(timeoutMs) {
      if (!replyOwed) return true;
      return (await read(SERIAL_CHUNK, timeoutMs)).length > 0;
    },
    lost: () => loseWith(new PrinterLinkError('disconnected', 'the printer was disconnected')),
    close: () => {
      loseWith(new PrinterLinkError('disconnected', 'the printer channel is closed'));
      return channel.close();
    },
  };
}

function serialError(error: unknown, what: string): PrinterLinkError {
  if (error instanceof PrinterLinkError) return error;
  const name = (error as Error)?.name;
  if (name === 'SerialPortLostError' || name === 'SerialClosedError') return new PrinterLinkError('disconnected', (error as Error).message, { cause: error });
  return new PrinterLinkError('failed', `serial ${what} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}
