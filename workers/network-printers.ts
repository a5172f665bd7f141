import type { ScopedLogger } from '../src/hub/logger.ts';
import { backoffDelay } from '../src/hub/backoff.ts';
import type { CupsQueue, NetworkPrinterEntry } from '../src/hub/network-printers.ts';
import { NetworkPrinterChannel, type NetworkTarget } from './transports/network.ts';

/** A switched-off printer is tried again soon, then every 10 s at most (a printer back after lunch prints within seconds). */
const RECONNECT = { minMs: 500, maxMs: 10_000 } as const;

/** One listed network printer whose link is up: what the device manager hands the driver factories. */
export class NetworkPrinterHandle {
  constructor(readonly entry: NetworkPrinterEntry, readonly channel: NetworkPrinterChannel) {}
}

/** A CUPS queue of the terminal, as the local server lists it: there while it is listed. */
export class OfficePrinterHandle {
  constructor(readonly queue: CupsQueue) {}
}

/** What the device manager follows for network and office printers, as it follows `navigator.usb`. */
export interface NetworkDeviceSource {
  getDevices(): Promise<Array<NetworkPrinterHandle | OfficePrinterHandle>>;
  addEventListener(type: 'connect' | 'disconnect', listener: (event: Event) => void): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: (event: Event) => void): void;
}

interface Watch {
  entry: NetworkPrinterEntry;
  handle: NetworkPrinterHandle | null;
  timer: ReturnType<typeof setTimeout> | undefined;
  attempt: number;
  stopped: boolean;
  /** A connection attempt is under way: no second one (a printer takes one connection at a time). */
  connecting: boolean;
  /** The last failure, said once until it changes (a printer that is off for hours writes one line). */
  lastProblem: string;
}

export type ChannelOpener = (target: NetworkTarget) => Promise<NetworkPrinterChannel>;

/**
 * The network printers the local server lists, each kept connected through the printer link:
 * `connect` when its link is up, `disconnect` when it drops (printer off, cable pulled, server
 * gone), then tried again with backoff. The device manager sees them come and go as it sees a
 * USB printer plugged and unplugged, so the queue holds and resumes their jobs the same way.
 */
export class NetworkPrinterSource extends EventTarget implements NetworkDeviceSource {
  private readonly watches = new Map<string, Watch>();
  private readonly offices = new Map<string, OfficePrinterHandle>();
  private closed = false;

  constructor(private readonly log: ScopedLogger, private readonly open: ChannelOpener = (target) => NetworkPrinterChannel.open(target)) {
    super();
  }

  async getDevices(): Promise<Array<NetworkPrinterHandle | OfficePrinterHandle>> {
    return [...[...this.watches.values()].flatMap((w) => (w.handle ? [w.handle] : [])), ...this.offices.values()];
  }

  /** The terminal's CUPS queues now: new ones come, gone or changed ones go. */
  setOfficeQueues(queues: readonly CupsQueue[]): void {
    const wanted = new Map(queues.map((q) => [q.name, q]));
    for (const [name, handle] of this.offices) {
      if (wanted.get(name)?.uri === handle.queue.uri) continue;
      this.offices.delete(name);
      this.dispatchEvent(Object.assign(new Event('disconnect'), { device: handle }));
    }
    for (const [name, queue] of wanted) {
      if (this.offices.has(name) || this.closed) continue;
      const handle = new OfficePrinterHandle(queue);
      this.offices.set(name, handle);
      this.dispatchEvent(Object.assign(new Event('connect'), { device: handle }));
    }
  }

  /** The printers to drive now: new ones are connected, removed ones let go. */
  setPrinters(entries: readonly NetworkPrinterEntry[]): void {
    const wanted = new Map(entries.map((e) => [keyOf(e), e]));
    for (const [key, watch] of this.watches) {
      const entry = wanted.get(key);
      if (entry && JSON.stringify(entry) === JSON.stringify(watch.entry)) continue;
      this.unwatch(key, watch);
    }
    for (const [key, entry] of wanted) if (!this.watches.has(key)) this.watch(key, entry);
  }

  /** Every printer whose link is down is tried at once (the homepage's Rescan). */
  retryNow(): void {
    for (const watch of this.watches.values()) {
      if (watch.handle || watch.stopped || watch.connecting) continue;
      clearTimeout(watch.timer);
      watch.attempt = 0;
      void this.connect(watch);
    }
  }

  /** What the homepage shows for a printer whose link is down. */
  problemOf(entry: Pick<NetworkPrinterEntry, 'host' | 'port'>): string {
    const watch = this.watches.get(keyOf(entry));
    return watch && !watch.handle ? watch.lastProblem || 'connecting…' : '';
  }

  stop(): void {
    this.closed = true;
    for (const [key, watch] of this.watches) this.unwatch(key, watch);
    this.setOfficeQueues([]);
  }

  private watch(key: string, entry: NetworkPrinterEntry): void {
    const watch: Watch = { entry, handle: null, timer: undefined, attempt: 0, stopped: false, connecting: false, lastProblem: '' };
    this.watches.set(key, watch);
    void this.connect(watch);
  }

  private unwatch(key: string, watch: Watch): void {
    this.watches.delete(key);
    watch.stopped = true;
    clearTimeout(watch.timer);
    const handle = watch.handle;
    watch.handle = null;
    if (handle) {
      handle.channel.close();
      this.dispatchEvent(Object.assign(new Event('disconnect'), { device: handle }));
    }
  }

  private async connect(watch: Watch): Promise<void> {
    if (watch.stopped || this.closed || watch.connecting) return;
    let channel: NetworkPrinterChannel;
    watch.connecting = true;
    try {
      channel = await this.open({ host: watch.entry.host, port: watch.entry.port });
    } catch (error) {
      watch.connecting = false;
      const problem = (error as Error).message;
      if (problem !== watch.lastProblem) this.log.warning(`network printer ${watch.entry.name}: ${problem}`);
      watch.lastProblem = problem;
      this.retryLater(watch);
      return;
    }
    watch.connecting = false;
    if (watch.stopped || this.closed) return channel.close();
    watch.attempt = 0;
    watch.lastProblem = '';
    const handle = new NetworkPrinterHandle(watch.entry, channel);
    watch.handle = handle;
    channel.onLost((error) => {
      if (watch.handle !== handle) return;
      watch.handle = null;
      watch.lastProblem = error.message;
      this.log.warning(`network printer ${watch.entry.name}: ${error.message}`);
      this.dispatchEvent(Object.assign(new Event('disconnect'), { device: handle }));
      this.retryLater(watch);
    });
    this.dispatchEvent(Object.assign(new Event('connect'), { device: handle }));
  }

  private retryLater(watch: Watch): void {
    if (watch.stopped || this.closed) return;
    clearTimeout(watch.timer);
    watch.timer = setTimeout(() => void this.connect(watch), backoffDelay(watch.attempt++, RECONNECT) + RECONNECT.minMs / 2);
  }
}

function keyOf(entry: Pick<NetworkPrinterEntry, 'host' | 'port'>): string {
  return `${entry.host}|${entry.port}`;
}
