/**
 * One WebHID device as the drivers use it: opened once, input reports to listeners, output and
 * feature reports with typed errors instead of bare DOMExceptions.
 */

/** The device went away, or the OS no longer lets the page talk to it. */
export class HidDeviceLostError extends Error {
  override name = 'HidDeviceLostError';
  constructor(cause?: unknown) {
    super(`the HID device was disconnected${cause instanceof Error ? ` (${cause.name}: ${cause.message})` : ''}`, { cause });
  }
}

/** The device could not be opened (held by another program, or refused by the OS). */
export class HidOpenError extends Error {
  override name = 'HidOpenError';
  constructor(cause: unknown) {
    super(`the HID device could not be opened: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export class HidClosedError extends Error {
  override name = 'HidClosedError';
  constructor() {
    super('the HID channel is closed');
  }
}

export type InputReportListener = (reportId: number, data: DataView, receivedAt: number) => void;

export interface HidChannel {
  readonly device: HIDDevice;
  onInputReport(listener: InputReportListener): () => void;
  sendReport(reportId: number, data: Uint8Array): Promise<void>;
  sendFeatureReport(reportId: number, data: Uint8Array): Promise<void>;
  receiveFeatureReport(reportId: number): Promise<DataView>;
  close(): Promise<void>;
}

export async function openHid(device: HIDDevice): Promise<HidChannel> {
  if (!device.opened) {
    try {
      await device.open();
    } catch (error) {
      if ((error as DOMException).name === 'NotFoundError') throw new HidDeviceLostError(error);
      throw new HidOpenError(error);
    }
  }
  return new DeviceChannel(device);
}

/** Whether one of the device's top-level collections is on `usagePage` (optionally with `usage`). */
export function hasUsage(device: HIDDevice, usagePage: number, usage?: number): boolean {
  return device.collections.some((c) => c.usagePage === usagePage && (usage === undefined || c.usage === usage));
}

class DeviceChannel implements HidChannel {
  private readonly listeners = new Set<InputReportListener>();
  private closed = false;
  private readonly onReport = (event: HIDInputReportEvent) => {
    const receivedAt = performance.now();
    for (const listener of this.listeners) listener(event.reportId, event.data, receivedAt);
  };

  constructor(readonly device: HIDDevice) {
    device.addEventListener('inputreport', this.onReport);
  }

  onInputReport(listener: InputReportListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  sendReport(reportId: number, data: Uint8Array): Promise<void> {
    return this.guard(() => this.device.sendReport(reportId, data as Uint8Array<ArrayBuffer>));
  }

  sendFeatureReport(reportId: number, data: Uint8Array): Promise<void> {
    return this.guard(() => this.device.sendFeatureReport(reportId, data as Uint8Array<ArrayBuffer>));
  }

  receiveFeatureReport(reportId: number): Promise<DataView> {
    return this.guard(() => this.device.receiveFeatureReport(reportId));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.device.removeEventListener('inputreport', this.onReport);
    await this.device.close().catch(() => undefined);
  }

  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) throw new HidClosedError();
    if (!this.device.opened) throw new HidDeviceLostError();
    try {
      return await operation();
    } catch (error) {
      if (!this.device.opened || (error as DOMException).name === 'NotFoundError') throw new HidDeviceLostError(error);
      throw error;
    }
  }
}
