import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PrinterMechanism, type PrintedPage, type VirtualPrinterProtocol } from '../../workers/virtual/printer-mechanism.ts';

export interface VirtualNetworkPrinterOptions {
  protocol?: VirtualPrinterProtocol;
  widthDots?: number;
  /** 0: any free port. Always on loopback: the virtual printer is never on the shop's network. */
  port?: number;
  /** How fast it takes data, as a real printer's buffer drains while it prints (TCP back-pressure does the rest). Unset: at once. */
  bytesPerSecond?: number;
}

/**
 * A receipt printer on a raw TCP port (9100-style), for the demo, the tests and the benchmark:
 * the same mechanism as the virtual USB printer (printer-mechanism.ts) behind a loopback TCP
 * server, answering DLE EOT on the connection that asked and, once enabled, sending Epson ASB
 * packets when its sensors change. It can run out of paper, stop taking
 * data (TCP back-pressure, as a jammed printer's full buffer), and be switched off (`unplug`:
 * every connection cut, the port closed) and on again on the same port.
 */
export class VirtualNetworkPrinter {
  readonly mechanism: PrinterMechanism;
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private asking: net.Socket | null = null;
  private boundPort: number;
  private stalledNow = false;
  private readonly bytesPerSecond: number | null;
  private readonly byteWaiters = new Set<() => void>();

  constructor(options: VirtualNetworkPrinterOptions = {}) {
    // Answers and ASB packets go back on the connection that last sent something, as a printer serving one client.
    this.mechanism = new PrinterMechanism(options.protocol ?? 'escpos', options.widthDots ?? 576, (answer) => this.asking?.write(Uint8Array.of(answer)), (packet) => this.asking?.write(packet));
    this.boundPort = options.port ?? 0;
    this.bytesPerSecond = options.bytesPerSecond ?? null;
  }

  get port(): number {
    return this.boundPort;
  }

  get pages(): PrintedPage[] {
    return this.mechanism.pages;
  }

  get listening(): boolean {
    return this.server !== null;
  }

  /** Open connections (a printer serves one client at a time; the tests check the hub keeps one). */
  get connections(): number {
    return this.sockets.size;
  }

  /** Stops reading: the printer's buffer is full, TCP windows close, writes stall. */
  set stalled(on: boolean) {
    this.stalledNow = on;
    for (const socket of this.sockets) {
      if (on) socket.pause();
      else socket.resume();
    }
  }

  get stalled(): boolean {
    return this.stalledNow;
  }

  /** Switched on: listens on 127.0.0.1 (the same port again after an unplug). */
  async plug(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Switched off or its cable pulled: every connection is cut at once and nothing listens. */
  async unplug(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves when the next bytes arrive, on any connection (the benchmark's clock). */
  nextBytes(): Promise<void> {
    return new Promise((resolve) => this.byteWaiters.add(resolve));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    if (this.stalledNow) socket.pause();
    socket.on('data', (chunk: Buffer) => {
      for (const resolve of this.byteWaiters) resolve();
      this.byteWaiters.clear();
      this.asking = socket;
      this.mechanism.take(chunk);
      if (!this.bytesPerSecond || chunk.length < 64) return;
      socket.pause();
      setTimeout(() => {
        if (!this.stalledNow) socket.resume();
      }, (chunk.length / this.bytesPerSecond) * 1000);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (this.asking === socket) this.asking = null;
      // A command cut off with its connection is never completed by the next one.
      this.mechanism.dropPartial();
    });
  }
}
