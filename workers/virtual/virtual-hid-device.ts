/**
 * A device behind the W3C `HIDDevice` interface: input reports are `inputreport` events with a
 * `reportId` and a `DataView` of the report without its id, as Chrome delivers them.
 */
/** Shaped like `HIDDevice` (it is not declared `implements`: the DOM typings' `this`-typed handler property cannot be subclassed). */
export class VirtualHidDevice extends EventTarget {
  oninputreport: ((ev: HIDInputReportEvent) => unknown) | null = null;
  opened = false;
  connected = true;
  /** Output and feature reports the host sent, for tests. */
  readonly sent: Array<{ reportId: number; data: Uint8Array }> = [];

  constructor(
    readonly vendorId: number,
    readonly productId: number,
    readonly productName: string,
    readonly collections: HIDCollectionInfo[],
  ) {
    super();
  }

  async open(): Promise<void> {
    if (!this.connected) throw new DOMException('Failed to open the device.', 'NotFoundError');
    this.opened = true;
  }

  async close(): Promise<void> {
    this.opened = false;
  }

  async forget(): Promise<void> {
    this.opened = false;
  }

  async sendReport(reportId: number, data: BufferSource): Promise<void> {
    this.requireOpen();
    this.sent.push({ reportId, data: new Uint8Array(data instanceof ArrayBuffer ? data : data.buffer) });
  }

  async sendFeatureReport(reportId: number, data: BufferSource): Promise<void> {
    await this.sendReport(reportId, data);
  }

  async receiveFeatureReport(reportId: number): Promise<DataView> {
    this.requireOpen();
    throw new DOMException(`Failed to receive feature report ${reportId}.`, 'NotAllowedError');
  }

  /** The device sends one input report (only an opened device delivers reports). */
  report(reportId: number, data: Uint8Array): void {
    if (!this.opened) return;
    const event = Object.assign(new Event('inputreport'), { device: this, reportId, data: new DataView(data.slice().buffer) });
    this.dispatchEvent(event);
  }

  unplug(): void {
    this.connected = false;
    this.opened = false;
  }

  private requireOpen(): void {
    if (!this.opened) throw new DOMException('The device must be opened first.', 'InvalidStateError');
  }
}

/** `navigator.hid` for virtual devices. */
export class VirtualHidSource extends EventTarget {
  private readonly devices = new Set<VirtualHidDevice>();

  /** This source typed as `navigator.hid` (EventTarget's listener type is wider than HID's overloads). */
  get asHid(): Pick<HID, 'getDevices' | 'addEventListener' | 'removeEventListener'> {
    return this as unknown as Pick<HID, 'getDevices' | 'addEventListener' | 'removeEventListener'>;
  }

  async getDevices(): Promise<HIDDevice[]> {
    return [...this.devices] as unknown as HIDDevice[];
  }

  async requestDevice(): Promise<HIDDevice[]> {
    return this.getDevices();
  }

  plug(device: VirtualHidDevice): void {
    this.devices.add(device);
    device.connected = true;
    this.dispatchEvent(Object.assign(new Event('connect'), { device }));
  }

  unplug(device: VirtualHidDevice): void {
    device.unplug();
    this.devices.delete(device);
    this.dispatchEvent(Object.assign(new Event('disconnect'), { device }));
  }
}
