import { proxyMarker } from 'comlink';
import type { Device } from '../src/hub/devices.ts';
import type { ScopedLogger } from '../src/hub/logger.ts';
import type { CameraDevice } from './drivers/camera/camera-device.ts';
import type { DisplayWindowHost } from './drivers/display/window-display.ts';
import { KEYBOARD_SCANNER_IDENTIFIER, KeyboardScannerDevice } from './drivers/scanner/keyboard-scanner-device.ts';
import type { DeviceSettings } from './device-settings.ts';

export const CAMERA_IDENTIFIER = 'hub_camera';
export const DISPLAY_WINDOW_IDENTIFIER = 'hub_display';
export type LocalDeviceKind = 'camera' | 'display' | 'keyboard';

const IDENTIFIERS: Record<LocalDeviceKind, string> = { camera: CAMERA_IDENTIFIER, display: DISPLAY_WINDOW_IDENTIFIER, keyboard: KEYBOARD_SCANNER_IDENTIFIER };
/** Listening for a keyboard-mode scanner costs nothing and is what a POS counter expects. */
const ENABLED_BY_DEFAULT: Record<LocalDeviceKind, boolean> = { camera: false, display: false, keyboard: true };

/** What the hub window does for its own devices: start the camera, show the display window. */
export interface LocalDevicesHost extends DisplayWindowHost {
  /** Starts capturing frames (the camera permission was granted before). */
  startCamera(): Promise<void>;
}

export interface LocalDevicesDeps {
  adopt(device: Device): () => Promise<void>;
  settingsFor(identifier: string): DeviceSettings;
  saveSettings(identifier: string, settings: DeviceSettings): Promise<void>;
  /** The paired Odoo database's URL, or '' when unpaired. */
  serverUrl(): string;
  log: ScopedLogger;
}

/**
 * The devices the hub provides itself, with no granted handle: the window's keyboard-mode
 * scanner, its camera and its customer display window. The window reaches this as `api.local`.
 */
export class LocalDevices {
  readonly [proxyMarker] = true;
  private host: LocalDevicesHost | null = null;
  private readonly removals = new Map<LocalDeviceKind, () => Promise<void>>();
  private readonly adding = new Set<LocalDeviceKind>();
  private keyboard: KeyboardScannerDevice | null = null;
  private camera: CameraDevice | null = null;

  constructor(private readonly deps: LocalDevicesDeps) {}

  /** The hub window is ready: bring back the devices that were on. */
  async attachWindow(host: LocalDevicesHost): Promise<void> {
    this.host = host;
    for (const kind of ['keyboard', 'display', 'camera'] as const) {
      if (!this.enabled(kind)) continue;
      if (kind === 'camera') await host.startCamera().catch((error) => this.deps.log.warning(`the camera did not start again: ${(error as Error).message}`));
      else await this.add(kind);
    }
  }

  enabled(kind: LocalDeviceKind): boolean {
    const on = this.deps.settingsFor(IDENTIFIERS[kind]).enabled;
    return typeof on === 'boolean' ? on : ENABLED_BY_DEFAULT[kind];
  }

  /** Turns one of the hub's own devices on or off, and remembers it. */
  async setEnabled(kind: LocalDeviceKind, on: boolean): Promise<void> {
    const identifier = IDENTIFIERS[kind];
    await this.deps.saveSettings(identifier, { ...this.deps.settingsFor(identifier), enabled: on });
    if (on) await this.add(kind);
    else await this.remove(kind);
  }

  /** Settings of an adopted device changed: open it again with them. Returns false for other identifiers. */
  async reopen(identifier: string): Promise<boolean> {
    const kind = (Object.keys(IDENTIFIERS) as LocalDeviceKind[]).find((k) => IDENTIFIERS[k] === identifier);
    if (!kind || !this.removals.has(kind)) return false;
    await this.remove(kind);
    await this.add(kind);
    return true;
  }

  /** A camera frame from the window (transferred, so it is ours to close). */
  cameraFrame(bitmap: ImageBitmap): void {
    if (this.camera) this.camera.frame(bitmap);
    else bitmap.close();
  }

  /** A keyboard burst the window's detector took for a scan. */
  keyboardScan(text: string): boolean {
    return this.keyboard?.typed(text) ?? false;
  }

  /** The camera device, for tests and the benchmark in the same worker. */
  get cameraDevice(): CameraDevice | null {
    return this.camera;
  }

  async stop(): Promise<void> {
    for (const kind of [...this.removals.keys()]) await this.remove(kind);
  }

  private async add(kind: LocalDeviceKind): Promise<void> {
    if (this.removals.has(kind) || this.adding.has(kind)) return;
    this.adding.add(kind);
    try {
      const device = await this.create(kind);
      if (device) this.removals.set(kind, this.deps.adopt(device));
    } finally {
      this.adding.delete(kind);
    }
  }

  /** The camera and the display window load their code only when someone turns them on. */
  private async create(kind: LocalDeviceKind): Promise<Device | null> {
    const identifier = IDENTIFIERS[kind];
    const settings = () => this.deps.settingsFor(identifier);
    const log = this.deps.log;
    if (kind === 'keyboard') return (this.keyboard = new KeyboardScannerDevice(settings, log));
    if (kind === 'camera') {
      const { CameraDevice } = await import('./drivers/camera/camera-device.ts');
      return (this.camera = new CameraDevice(
        { identifier, name: String(settings().name || 'Hub camera'), type: 'camera', manufacturer: '', connection: 'direct', subtype: '' }, settings, log,
      ));
    }
    const host = this.host;
    if (!host) {
      log.warning('the customer display window needs the hub window');
      return null;
    }
    const { WindowDisplayDevice } = await import('./drivers/display/window-display.ts');
    return new WindowDisplayDevice(
      { identifier, name: String(settings().name || 'Hub customer display window'), type: 'display', manufacturer: '', connection: 'hdmi', subtype: '' },
      host, () => this.deps.serverUrl(), log,
    );
  }

  private async remove(kind: LocalDeviceKind): Promise<void> {
    const removal = this.removals.get(kind);
    this.removals.delete(kind);
    if (kind === 'keyboard') this.keyboard = null;
    if (kind === 'camera') this.camera = null;
    await removal?.();
  }
}
