import type http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { readPrinterHost, readPrinterPort, type PrinterLinkMessage } from '../../src/hub/network-printers.ts';
import type { PrinterTargets } from './printer-targets.ts';

/** The hub writes 16 KiB chunks (as to a USB printer); a frame far above that is not the hub's. */
const MAX_FRAME_BYTES = 256 * 1024;
/** A printer on the shop's network answers a connect within a second; 5 s is the box's own timeout (printer.Network). */
export const PRINTER_CONNECT_TIMEOUT_MS = 5_000;
/** TCP keepalive on the printer connection: a switched-off printer on an idle link is noticed by the OS. */
const KEEPALIVE_DELAY_MS = 5_000;
/** A printer that floods answers is paused while this much waits for the hub. */
const MAX_BUFFERED_TO_HUB = 1024 * 1024;

export interface BridgeRefusal {
  status: number;
  message: string;
}

/**
 * The local server's printer link: one websocket from the hub page (its Origin checked before
 * this is reached) becomes one TCP connection to one listed printer. Bytes go through as binary
 * frames both ways; each frame the hub sends is acknowledged once it was handed to the printer's
 * connection, so the hub's writes wait for the printer as they wait for a USB transfer.
 * Any other target is refused before a connection is opened: the server is never a proxy.
 */
export class PrinterBridge {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  private readonly open = new Set<{ ws: WebSocket; socket: net.Socket }>();

  constructor(private readonly targets: PrinterTargets, private readonly log: (line: string) => void) {}

  /** Checks the target (query `host` and `port` of the canonical target), then upgrades and connects. */
  async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): Promise<BridgeRefusal | null> {
    const host = readPrinterHost(query.get('host'));
    if (host.problem !== undefined) return { status: 400, message: host.problem };
    const port = readPrinterPort(query.get('port'));
    if (port === null) return { status: 400, message: `"${String(query.get('port')).slice(0, 20)}" is not a port number` };
    const refusal = await this.targets.refusal(host.host, port);
    if (refusal) return { status: 403, message: refusal };
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws, host.host, port));
    return null;
  }

  close(): void {
    for (const { ws, socket } of this.open) {
      socket.destroy();
      ws.terminate();
    }
    this.open.clear();
    this.wss.close();
  }

  private connect(ws: WebSocket, host: string, port: number): void {
    const socket = net.connect({ host, port, noDelay: true, keepAlive: true, keepAliveInitialDelay: KEEPALIVE_DELAY_MS });
    const pair = { ws, socket };
    this.open.add(pair);
    let connected = false;
    const send = (message: PrinterLinkMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const end = (reason: string) => {
      if (!this.open.delete(pair)) return;
      send({ type: 'closed', reason });
      ws.close(1000);
      socket.destroy();
    };
    const timer = setTimeout(() => end(`${host}:${port} did not accept a connection within ${PRINTER_CONNECT_TIMEOUT_MS / 1000} s (switched off, or not on this network?)`), PRINTER_CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      connected = true;
      send({ type: 'open' });
    });
    socket.on('data', (chunk: Buffer) => {
      ws.send(chunk);
      if (ws.bufferedAmount > MAX_BUFFERED_TO_HUB) {
        socket.pause();
        const resume = setInterval(() => {
          if (ws.bufferedAmount > MAX_BUFFERED_TO_HUB / 2 && ws.readyState === ws.OPEN) return;
          clearInterval(resume);
          socket.resume();
        }, 50);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const reason = connected ? lostConnection(host, port, error) : connectFailure(host, port, error);
      this.log(`printer link: ${reason}`);
      end(reason);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      end(`${host}:${port} closed the connection`);
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary || !connected) return end(isBinary ? 'data sent before the printer connection was open' : 'the hub sends only bytes on a printer link');
      const bytes = data as Buffer;
      socket.write(bytes, (error) => {
        if (!error) send({ type: 'ack', bytes: bytes.length });
      });
    });
    ws.on('close', () => {
      clearTimeout(timer);
      this.open.delete(pair);
      socket.destroy();
    });
    ws.on('error', () => socket.destroy());
  }
}

function lostConnection(host: string, port: number, error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return `${host}:${port} dropped the connection (switched off, or restarted?)`;
  if (error.code === 'ETIMEDOUT') return `${host}:${port} stopped answering (no TCP keepalive answer: switched off, or its cable pulled?)`;
  return `the connection to ${host}:${port} failed: ${error.code ?? error.message}`;
}

function connectFailure(host: string, port: number, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `${host}:${port} refused the connection (is the printer on, and is ${port} its raw printing port?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the name ${host} is not known on this network (try the printer's IP address)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} cannot be reached from this terminal (another network?)`;
    default:
      return `could not connect to ${host}:${port}: ${error.code ?? error.message}`;
  }
}
