import type { ActionOutcome, ActionRequest, Device, DeviceDescription, DeviceEvent } from '../../../src/hub/devices.ts';
import type { ScopedLogger } from '../../../src/hub/logger.ts';
import { odooSerie } from '../odoo-serie.ts';
import { runScannerSettingAction, scanOutcome, type ScannerSettings } from './scan-outcome.ts';

/** A scan is worth sending only while the cashier waits for it. */
const SCAN_EVENT_TTL_MS = 30_000;

/**
 * A barcode scanner as Odoo sees it: each completed scan is an event. The transport part
 * (HID reports, serial bytes, key events, camera frames) calls `scanned()` or `problem()`.
 */
export class ScannerDevice implements Device {
  private readonly listeners = new Set<(event: DeviceEvent) => void>();
  readonly scannerSettings: ScannerSettings;
  lastProblem = '';

  constructor(
    readonly description: DeviceDescription,
    private readonly settings: () => Record<string, unknown>,
    private readonly log: ScopedLogger,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {
    const s = settings();
    this.scannerSettings = { layout: String(s.layout ?? 'us'), variant: String(s.variant ?? ''), isScanner: s.isScanner !== false };
  }

  async run(request: ActionRequest, _signal?: AbortSignal): Promise<ActionOutcome> {
    const setting = runScannerSettingAction(request, this.scannerSettings);
    if (setting) return setting;
    if (request.action === '' || request.action === 'status') {
      return this.lastProblem ? { status: 'warning', result: this.lastProblem, message: this.lastProblem } : { status: 'success', result: true };
    }
    return { status: 'error', result: `${this.description.name} has no action "${request.action}"` };
  }

  onEvent(listener: (event: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  scanned(text: string): void {
    this.lastProblem = '';
    this.emit({ deviceIdentifier: this.description.identifier, outcome: scanOutcome(odooSerie(this.settings()), text), ttlMs: SCAN_EVENT_TTL_MS });
  }

  /** Input that is not a scan (noise, malformed reports): a warning, never a barcode. */
  problem(message: string): void {
    this.lastProblem = message;
    this.log.warning(`${this.description.name}: ${message}`);
    this.emit({ deviceIdentifier: this.description.identifier, outcome: { status: 'warning', message } });
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.onClose();
  }

  private emit(event: DeviceEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
