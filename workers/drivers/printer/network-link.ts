import { NetworkTransportError, type NetworkPrinterChannel } from '../../transports/network.ts';
import { PrinterLinkError, type PrinterLink } from './printer-link.ts';
import { AsbSplitter } from './asb.ts';
import type { RealTimeStatus } from './commands.ts';

/**
 * Status queries in a row a printer that answered before may leave unanswered before its link
 * is taken for dead: a TCP connection to a printer that lost power stays "open" for minutes
 * (keepalive probes take that long), its silence is the first sign. At the 3 s idle poll, ~9 s.
 */
export const SILENT_READS_BEFORE_OFFLINE = 3;

/**
 * A network printer's link for the printer driver. The channel belongs to the network printer
 * source (it reconnects it); a closed device only lets go of it, so a device reopened with new
 * settings keeps the same TCP connection (many printers take one connection at a time).
 */
export function networkLink(channel: NetworkPrinterChannel): PrinterLink {
  let loseWith!: (error: PrinterLinkError) => void;
  const gone = new Promise<never>((_, reject) => (loseWith = reject));
  gone.catch(() => undefined);
  let answered = false;
  let silentReads = 0;
  const statusListeners = new Set<(status: RealTimeStatus) => void>();
  // ASB packets a printer pushes are taken out as they arrive, so they never pass for a DLE EOT answer.
  const splitter = new AsbSplitter((status) => {
    for (const listener of statusListeners) listener(status);
  });
  channel.setAnswerFilter((bytes) => splitter.push(bytes));
  const guarded = async <T>(operation: Promise<T>): Promise<T> => Promise.race([operation.catch((error) => Promise.reject(mapped(error))), gone]);
  return {
    canAnswer: true,
    write: (bytes, onProgress) => guarded(channel.write(bytes, onProgress)),
    async read(maxBytes, timeoutMs) {
      const bytes = await guarded(channel.read(maxBytes, timeoutMs));
      if (bytes.length > 0) {
        answered = true;
        silentReads = 0;
      } else if (answered && ++silentReads >= SILENT_READS_BEFORE_OFFLINE) {
        channel.markLost(new NetworkTransportError('timeout', `the printer at ${channel.target.host}:${channel.target.port} stopped answering (${silentReads} status queries in a row): taken as offline`));
      }
      return bytes;
    },
    dropLateReply: (timeoutMs) => guarded(channel.dropLateReply(timeoutMs)),
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    lost: () => loseWith(new PrinterLinkError('disconnected', 'the printer is disconnected')),
    async close() {
      statusListeners.clear();
      loseWith(new PrinterLinkError('disconnected', 'the printer channel is closed'));
    },
  };
}

function mapped(error: unknown): PrinterLinkError {
  if (error instanceof PrinterLinkError) return error;
  if (!(error instanceof NetworkTransportError)) return new PrinterLinkError('failed', (error as Error)?.message ?? String(error), { cause: error });
  const code = error.code === 'timeout' ? 'timeout' : error.code === 'failed' ? 'failed' : 'disconnected';
  return new PrinterLinkError(code, error.message, { cause: error });
}
