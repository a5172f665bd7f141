import { proxyMarker } from 'comlink';
import type { ScopedLogger } from '../src/hub/logger.ts';
import { describeError } from '../src/hub/logger.ts';
import {
  parsePrinterList, PRINTERS_DISCOVER_PATH, PRINTERS_PATH, readHostAndPort, type NetworkPrinterProtocol, type PrinterList,
} from '../src/hub/network-printers.ts';
import { NetworkPrinterSource } from './network-printers.ts';

/** What the homepage shows: the local server's list and, per printer whose link is down, why. */
export interface NetworkPrintersState {
  list: PrinterList | null;
  /** `host|port` → the last reason its link is down ('' when it is up). */
  problems: Record<string, string>;
  /** The last refusal or failure of an add, remove or discovery, for the form. */
  lastError: string;
}

/**
 * The hub's side of network and office printers: reads the local server's printer list, keeps
 * the network printer source (and so the device manager) in step with it, and adds, confirms
 * and removes printers for the homepage (`api.printers.*`). Only with a local server.
 */
export class NetworkPrinterService {
  readonly [proxyMarker] = true;
  readonly source: NetworkPrinterSource;
  private list: PrinterList | null = null;
  private lastError = '';

  constructor(private readonly log: ScopedLogger, private readonly fetcher: typeof fetch, private readonly onChange: () => void) {
    this.source = new NetworkPrinterSource(log);
  }

  state(): NetworkPrintersState {
    const problems: Record<string, string> = {};
    for (const p of this.list?.printers ?? []) problems[`${p.host}|${p.port}`] = this.source.problemOf(p);
    return { list: this.list, problems, lastError: this.lastError };
  }

  /** Reads the list again (CUPS queues come and go) and connects what is new. */
  async refresh(): Promise<void> {
    await this.apply(this.call(PRINTERS_PATH, { cache: 'no-store' }));
    this.source.retryNow();
  }

  /** The homepage's field: `host:port` (port 9100 when left out). Returns what to tell the user. */
  async add(text: string, protocol: NetworkPrinterProtocol, name = ''): Promise<{ ok: boolean; message: string }> {
    const target = readHostAndPort(text);
    if (target.problem !== undefined) return this.failed(target.problem);
    return this.post(PRINTERS_PATH, { host: target.host, port: target.port, protocol, name }, `${target.host}:${target.port} added`);
  }

  /** A printer discovery found: the user confirms the hub drives it. */
  confirm(host: string, port: number, protocol: NetworkPrinterProtocol): Promise<{ ok: boolean; message: string }> {
    return this.post(PRINTERS_PATH, { host, port, protocol, confirm: true }, `${host}:${port} added`);
  }

  async remove(host: string, port: number): Promise<{ ok: boolean; message: string }> {
    const query = new URLSearchParams({ host, port: String(port) });
    return this.result(this.call(`${PRINTERS_PATH}?${query}`, { method: 'DELETE' }), `${host}:${port} removed`, true);
  }

  /** One DNS-SD browse by the local server; found printers are offered, none is driven unasked. */
  async discover(): Promise<{ ok: boolean; message: string }> {
    const answer = await this.result(this.call(PRINTERS_DISCOVER_PATH, { method: 'POST' }), '', false);
    if (answer.ok) return { ok: true, message: `${this.list?.found.length ?? 0} printer(s) found` };
    return answer;
  }

  stop(): void {
    this.source.stop();
  }

  private post(path: string, body: unknown, done: string): Promise<{ ok: boolean; message: string }> {
    return this.result(this.call(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }), done, true);
  }

  /** Runs a change and reads the list again; a refusal's text is the local server's own. */
  private async result(response: Promise<Response>, done: string, refreshAfter: boolean): Promise<{ ok: boolean; message: string }> {
    let answer: Response;
    try {
      answer = await response;
    } catch (error) {
      return this.failed(`the local server did not answer: ${describeError(error)}`);
    }
    const text = (await answer.text().catch(() => '')).slice(0, 300_000);
    if (!answer.ok) {
      let message = `HTTP ${answer.status}`;
      try {
        message = String((JSON.parse(text) as { error?: unknown }).error ?? message).slice(0, 400);
      } catch { /* not JSON: the status says enough */ }
      return this.failed(message);
    }
    if (this.lastError) {
      this.lastError = '';
      this.onChange();
    }
    if (refreshAfter) await this.refresh();
    else await this.apply(Promise.resolve(new Response(text)));
    if (done) this.log.info(`network printers: ${done}`);
    return { ok: true, message: done };
  }

  /** Takes the list in; the homepage hears of it only when it changed (CUPS is asked on every Rescan). */
  private async apply(response: Promise<Response>): Promise<void> {
    let list: PrinterList | null = null;
    try {
      const answer = await response;
      list = answer.ok ? parsePrinterList(await answer.text()) : null;
    } catch (error) {
      this.log.debug(`printer list not read: ${describeError(error)}`);
    }
    if (!list || JSON.stringify(list) === JSON.stringify(this.list)) return;
    this.list = list;
    this.source.setPrinters(list.printers);
    this.source.setOfficeQueues(list.cups.queues);
    this.onChange();
  }

  private failed(message: string): { ok: boolean; message: string } {
    this.lastError = message;
    this.onChange();
    return { ok: false, message };
  }

  private call(path: string, init: RequestInit): Promise<Response> {
    return this.fetcher(path, init);
  }
}
