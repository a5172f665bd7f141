import * as Comlink from 'comlink';
import type { LocalDevices, LocalDevicesHost } from '../../workers/local-devices.ts';
import { CameraCapture } from './camera-capture.ts';
import { DisplayWindow } from './display-window.ts';
import { KeyboardScanner } from './keyboard-scanner.ts';

/** What this needs of the worker's hub (hub-api.ts `HubApi`, which imports this file): its local devices. */
export interface WorkerLocalDevices {
  readonly local: Comlink.Remote<LocalDevices>;
}

/**
 * The hub window's half of the hub's own devices: what only a window can do (key events, the
 * camera, opening a window) for the worker's keyboard scanner, camera and display devices.
 */
export class WindowDevices implements LocalDevicesHost {
  readonly display = new DisplayWindow();
  readonly camera: CameraCapture;
  private readonly keyboard: KeyboardScanner;

  constructor(private readonly api: WorkerLocalDevices, target: EventTarget = window) {
    this.camera = new CameraCapture((frame) => api.local.cameraFrame(Comlink.transfer(frame, [frame])));
    this.keyboard = new KeyboardScanner(target, (text) => void api.local.keyboardScan(text));
  }

  /** Hands itself to the worker, which asks it to bring back the devices that were on. */
  async attach(): Promise<void> {
    await this.api.local.attachWindow(Comlink.proxy(this));
  }

  showDisplay(url: string): Promise<void> {
    return this.display.showDisplay(url);
  }

  refreshDisplay(): Promise<void> {
    return this.display.refreshDisplay();
  }

  closeDisplay(): Promise<void> {
    return this.display.closeDisplay();
  }

  startCamera(): Promise<void> {
    return this.camera.start();
  }

  /** From the homepage's button: start the camera (the permission prompt needs the click), then the device. */
  async addCamera(): Promise<void> {
    await this.camera.start();
    await this.api.local.setEnabled('camera', true);
  }

  async removeCamera(): Promise<void> {
    await this.api.local.setEnabled('camera', false);
    await this.camera.stop();
  }

  async stop(): Promise<void> {
    this.keyboard.stop();
    await this.camera.stop();
    await this.display.closeDisplay();
  }
}
