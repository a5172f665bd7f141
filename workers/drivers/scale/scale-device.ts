import type { ActionOutcome, ActionRequest, Device, DeviceDescription, DeviceEvent } from '../../../src/hub/devices.ts';
import type { ScopedLogger } from '../../../src/hub/logger.ts';
import { SerialClosedError, SerialPortLostError } from '../../transports/serial.ts';
import { HidClosedError, HidDeviceLostError } from '../../transports/hid.ts';
import { odooSerie } from '../odoo-serie.ts';
import { CONNECTED, ScaleAnswerError, scaleOutcome, type ScaleReading, type ScaleStatus } from './reading.ts';

/** How often continuous reading asks for the weight (odoo-iot.md §7: every 0.2 s). */
export const POLL_INTERVAL_MS = 200;
/** An Adam answers nothing for an unchanged weight: keep the last one this long (the box's TIME_WEIGHT_KEPT). */
const WEIGHT_KEPT_MS = 10_000;
/** A weight is worth sending only while it is fresh. */
const WEIGHT_EVENT_TTL_MS = 10_000;

/** One scale protocol over one transport. */
export interface ScaleLink {
  measure(): Promise<ScaleReading>;
  /** Zero, tare and clear tare, where the scale has them (set_zero, set_tare, clear_tare). */
  readonly commands: readonly string[];
  command(name: string): Promise<void>;
  /** The scale beeps or answers only on demand: no continuous reading. */
  readonly manualOnly: boolean;
  /** Why the last answer may have been garbled (framing errors at the wrong baud rate). */
  noiseHint(): string;
  close(): Promise<void>;
}

interface Measured {
  weight: number;
  status: ScaleStatus;
}

/** A scale as Odoo's POS drives it: read once, read continuously, status. */
export class ScaleDevice implements Device {
  private readonly listeners = new Set<(event: DeviceEvent) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private last: Measured = { weight: 0, status: CONNECTED };
  private lastWeightAt = 0;
  private sent: { weight: number; status: string } | null = null;
  private polling: ReturnType<typeof setTimeout> | null = null;
  private reading = false;
  private closed = false;

  constructor(
    readonly description: DeviceDescription,
    private readonly link: ScaleLink,
    private readonly settings: () => Record<string, unknown>,
    private readonly log: ScopedLogger,
  ) {}

  async run(request: ActionRequest, _signal?: AbortSignal): Promise<ActionOutcome> {
    switch (request.action) {
      case '':
      case 'read_once': {
        const measured = await this.measure();
        this.sent = { weight: measured.weight, status: key(measured.status) };
        return this.outcome(measured);
      }
      case 'start_reading':
        if (this.link.manualOnly) {
          return { status: 'error', result: `${this.description.name} measures on demand only (it beeps on every request): use read_once` };
        }
        this.startReading();
        return this.outcome(this.last);
      case 'stop_reading':
        this.stopReading();
        return this.outcome(this.last);
      case 'get_status':
        return this.outcome(this.last);
      default:
        if (this.link.commands.includes(request.action)) {
          await this.exclusive(() => this.link.command(request.action));
          return { status: 'success', result: true };
        }
        return { status: 'error', result: `${this.description.name} has no action "${request.action}"` };
    }
  }

  onEvent(listener: (event: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The weight for the hub's homepage, without touching what continuous reading compares with:
   * measured now when idle, the polled value while reading, the last one for manual-only scales
   * (an Adam beeps on every request).
   */
  async current(): Promise<{ weight: number; status: ScaleStatus }> {
    if (this.reading || this.link.manualOnly || this.closed) return { ...this.last };
    return { ...(await this.measure()) };
  }

  get isReading(): boolean {
    return this.reading;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopReading();
    await this.queue.catch(() => undefined);
    await this.link.close();
  }

  /** A weight the probe already read (an Adam prints a weight only once). */
  seed(kg: number): void {
    this.last = { weight: kg, status: CONNECTED };
    this.lastWeightAt = performance.now();
  }

  private startReading(): void {
    if (this.reading || this.closed) return;
    this.reading = true;
    // Whoever starts reading gets the current state first.
    this.sent = null;
    const tick = async () => {
      const started = performance.now();
      const measured = await this.measure();
      if (!this.reading) return;
      const status = key(measured.status);
      // Odoo's box: an event when the value changes or on error; a repeated identical error is not news.
      if (!this.sent || this.sent.weight !== measured.weight || this.sent.status !== status) {
        this.sent = { weight: measured.weight, status };
        this.emit(measured);
      }
      if (measured.status.status === 'disconnected') this.reading = false;
      if (this.reading) this.polling = setTimeout(tick, Math.max(0, POLL_INTERVAL_MS - (performance.now() - started)));
    };
    void tick();
  }

  private stopReading(): void {
    this.reading = false;
    if (this.polling) clearTimeout(this.polling);
    this.polling = null;
  }

  private measure(): Promise<Measured> {
    return this.exclusive(async () => {
      if (this.last.status.status === 'disconnected') return this.last;
      this.last = await this.measureNow();
      return this.last;
    });
  }

  private async measureNow(): Promise<Measured> {
    let reading: ScaleReading;
    try {
      reading = await this.link.measure();
    } catch (error) {
      if (error instanceof SerialPortLostError || error instanceof HidDeviceLostError || error instanceof SerialClosedError || error instanceof HidClosedError) {
        this.log.warning(`${this.description.name}: ${error.message}`);
        return { weight: 0, status: { status: 'disconnected', message_title: 'Scale disconnected', message_body: error.message } };
      }
      if (error instanceof ScaleAnswerError) {
        const body = `${error.message}.${this.link.noiseHint()}`;
        this.log.warning(`${this.description.name}: ${body}`);
        return { weight: 0, status: { status: 'error', message_title: 'Unreadable answer from the scale', message_body: body } };
      }
      throw error;
    }
    if (reading.kind === 'weight') {
      this.lastWeightAt = performance.now();
      return { weight: reading.kg, status: CONNECTED };
    }
    if (reading.kind === 'invalid') {
      return {
        weight: 0,
        status: { status: 'error', message_title: reading.reasons.join(', '), message_body: `The scale has no valid weight: ${reading.reasons.join(', ').toLowerCase()}.` },
      };
    }
    const kept = performance.now() - this.lastWeightAt < WEIGHT_KEPT_MS && this.last.status.status === 'connected';
    return { weight: kept ? this.last.weight : 0, status: CONNECTED };
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private outcome(measured: Measured): ActionOutcome {
    return scaleOutcome(odooSerie(this.settings()), measured.weight, measured.status);
  }

  private emit(measured: Measured): void {
    const event: DeviceEvent = { deviceIdentifier: this.description.identifier, outcome: this.outcome(measured), ttlMs: WEIGHT_EVENT_TTL_MS };
    for (const listener of this.listeners) listener(event);
  }
}

function key(status: ScaleStatus): string {
  return `${status.status}|${status.message_title}`;
}
