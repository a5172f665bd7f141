import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { OFFICE_PRINT_PATH, PRINTER_LINK_PATH, PRINTERS_DISCOVER_PATH, PRINTERS_PATH, readPrinterHost, readPrinterPort, type FoundPrinter, type PrinterList } from '../../src/hub/network-printers.ts';
import { BodyTooLargeError, readBody } from '../body-limit.ts';
import { sendJson } from '../hub-routes.ts';
import { Cups } from './cups.ts';
import { browsePrinters, type BrowseOptions } from './dns-sd.ts';
import { PrinterBridge, type BridgeRefusal } from './printer-bridge.ts';
import { PrinterTargets, TargetError } from './printer-targets.ts';

/** A printer entry as the hub adds it: a few short fields. */
const MAX_ENTRY_BODY = 4_096;

export interface PrinterRoutesOptions {
  ports: readonly number[];
  dataDir: string | null;
  /** The scheduler for office printing (lp's `-h`), when not the terminal's default. */
  cupsServer?: string;
  /** Where DNS-SD queries go; the tests name a responder on loopback. */
  discovery?: BrowseOptions;
  maxBodyBytes: number;
  log: (line: string) => void;
  onOfficeJobAccepted?: (jobId: string) => void;
}

/**
 * The local server's printer routes: the printer list (added, found, CUPS queues), adding and
 * removing printers, one DNS-SD browse on request (never on its own: the hub sends nothing to
 * the network that its user did not ask for), the raw-TCP printer link, and office printing.
 * State-changing requests and the link's websocket already passed the Origin check.
 */
export class PrinterRoutes {
  readonly targets: PrinterTargets;
  private readonly bridge: PrinterBridge;
  private readonly cups: Cups;
  private found: FoundPrinter[] = [];

  constructor(private readonly options: PrinterRoutesOptions) {
    this.targets = new PrinterTargets(options.ports, options.dataDir);
    this.bridge = new PrinterBridge(this.targets, options.log);
    this.cups = new Cups({ server: options.cupsServer, onAccepted: options.onOfficeJobAccepted });
  }

  /** Handles the request when `path` is one of the printer routes; false for any other path. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, path: string, query: URLSearchParams): boolean {
    if (path === PRINTERS_PATH) {
      const work = req.method === 'GET' ? this.list()
        : req.method === 'POST' ? this.add(req)
        : req.method === 'DELETE' ? this.remove(query)
        : Promise.resolve<[number, unknown]>([405, { error: 'GET the printers, POST one to add it, DELETE ?host=&port= to remove it' }]);
      void work.then(([status, body]) => sendJson(res, status, body), (error) => sendJson(res, 500, { error: String((error as Error)?.message ?? error) }));
      return true;
    }
    if (path === PRINTERS_DISCOVER_PATH) {
      if (req.method !== 'POST') sendJson(res, 405, { error: 'POST to look for printers on the network' });
      else void this.discover().then(([status, body]) => sendJson(res, status, body));
      return true;
    }
    if (path === OFFICE_PRINT_PATH) {
      if (req.method !== 'POST') sendJson(res, 405, { error: 'POST a PDF with ?queue=<CUPS queue>' });
      else void this.officePrint(req, query).then(([status, body, close]) => sendJson(res, status, body, close ? { Connection: 'close' } : {}));
      return true;
    }
    return false;
  }

  /** The printer link's websocket; null when `path` is not it (the caller answers 404). */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, path: string, query: URLSearchParams): Promise<BridgeRefusal | null> | null {
    if (path !== PRINTER_LINK_PATH) return null;
    return this.bridge.upgrade(req, socket, head, query);
  }

  /** The demo's virtual printer: a target without asking, on its own loopback port. */
  addVirtual(port: number, name: string): Promise<unknown> {
    return this.targets.add({ host: '127.0.0.1', port, protocol: 'escpos', name }, 'virtual');
  }

  close(): void {
    this.bridge.close();
  }

  private async list(): Promise<[number, PrinterList]> {
    const printers = await this.targets.list();
    const taken = new Set(printers.map((p) => `${p.host}|${p.port}`));
    return [200, {
      ports: [...this.options.ports], printers,
      found: this.found.filter((f) => !taken.has(`${f.host}|${f.port}`)),
      cups: await this.cups.queues(),
    }];
  }

  private async add(req: http.IncomingMessage): Promise<[number, unknown]> {
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(String(await readBody(req, MAX_ENTRY_BODY))) as Record<string, unknown>;
      if (!input || typeof input !== 'object') throw new Error('not an object');
    } catch (error) {
      if (error instanceof BodyTooLargeError) return [413, { error: `a printer entry is at most ${MAX_ENTRY_BODY} bytes` }];
      return [400, { error: 'expected {"host": "192.168.1.50", "port": 9100, "protocol": "escpos", "name": "Kitchen"}' }];
    }
    try {
      const host = readPrinterHost(input.host);
      const found = host.host ? this.found.find((f) => f.host === host.host && f.port === readPrinterPort(input.port)) : undefined;
      const entry = found && input.confirm === true
        ? await this.targets.add({ ...found, protocol: input.protocol ?? found.protocol ?? 'escpos', name: input.name ?? found.name }, 'discovered')
        : await this.targets.add(input, 'added');
      this.options.log(`printer ${entry.host}:${entry.port} (${entry.protocol}) added for the hub`);
      return [200, { printer: entry }];
    } catch (error) {
      if (error instanceof TargetError) return [400, { error: error.message }];
      throw error;
    }
  }

  private async remove(query: URLSearchParams): Promise<[number, unknown]> {
    const host = readPrinterHost(query.get('host'));
    const port = readPrinterPort(query.get('port'));
    if (host.problem !== undefined || port === null) return [400, { error: 'DELETE ?host=<host>&port=<port>' }];
    return (await this.targets.remove(host.host, port)) ? [200, { removed: true }] : [404, { error: `${host.host}:${port} is not a printer of this hub` }];
  }

  private async discover(): Promise<[number, unknown]> {
    try {
      this.found = await browsePrinters(this.options.discovery);
    } catch (error) {
      return [502, { error: `could not look for printers: ${(error as Error).message}` }];
    }
    return this.list();
  }

  private async officePrint(req: http.IncomingMessage, query: URLSearchParams): Promise<[number, unknown, boolean?]> {
    // lp itself says when CUPS has no such queue: no lpstat round before each job.
    const queue = query.get('queue') ?? '';
    let pdf: Buffer;
    try {
      pdf = await readBody(req, this.options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return [413, { status: 'error', message: 'ERROR_FAILED', result: `the document is larger than ${this.options.maxBodyBytes} bytes (start the hub with --max-body-mb to raise it)` }, true];
      return [400, { status: 'error', message: 'ERROR_FAILED', result: 'the document did not arrive whole' }, true];
    }
    const outcome = await this.cups.print(queue, pdf, query.get('title') ?? 'Odoo print job');
    if (outcome.status === 'error') this.options.log(`office printer ${queue}: ${outcome.message}: ${outcome.result}`);
    return [200, outcome];
  }
}
