import type { DeviceSources } from '../device-manager.ts';

/** USB class codes of a CDC-ACM serial device (USB CDC 1.2 §4.2 and §4.5). */
const CDC_COMMUNICATION_CLASS = 0x02;
const CDC_DATA_CLASS = 0x0a;

type SerialSource = NonNullable<DeviceSources['serial']>;
type UsbSource = NonNullable<DeviceSources['usb']>;

/**
 * `navigator.serial` for browsers that have WebUSB but no Web Serial (Android Chrome): every
 * granted USB CDC-ACM device becomes a web-serial-polyfill `SerialPort`. The polyfill itself
 * has no connect/disconnect events, so they are derived from the USB source's. FTDI, CP210x and
 * CH340 adapters are not CDC-ACM and stay out of reach this way (devices.md).
 */
export class PolyfilledSerialSource extends EventTarget implements SerialSource {
  private readonly ports = new Map<USBDevice, SerialPort>();

  constructor(private readonly usb: UsbSource) {
    super();
    usb.addEventListener('connect', (event) => void this.onUsb('connect', (event as USBConnectionEvent).device));
    usb.addEventListener('disconnect', (event) => void this.onUsb('disconnect', (event as USBConnectionEvent).device));
  }

  async getPorts(): Promise<SerialPort[]> {
    const ports: SerialPort[] = [];
    for (const device of await this.usb.getDevices()) {
      const port = await this.portFor(device);
      if (port) ports.push(port);
    }
    return ports;
  }

  private async portFor(device: USBDevice): Promise<SerialPort | null> {
    if (!isCdcAcm(device)) return null;
    let port = this.ports.get(device);
    if (!port) {
      // Loaded only where it is needed: desktop Chrome has native Web Serial.
      const { SerialPort: PolyfillPort } = await import('web-serial-polyfill');
      port = new PolyfillPort(device) as unknown as SerialPort;
      this.ports.set(device, port);
    }
    return port;
  }

  private async onUsb(kind: 'connect' | 'disconnect', device: USBDevice): Promise<void> {
    const port = kind === 'connect' ? await this.portFor(device) : this.ports.get(device);
    if (!port) return;
    if (kind === 'disconnect') this.ports.delete(device);
    this.dispatchEvent(Object.assign(new Event(kind), { port }));
  }
}

export function isCdcAcm(device: USBDevice): boolean {
  const interfaces = device.configurations.flatMap((c) => c.interfaces);
  const classes = new Set(interfaces.map((i) => i.alternates[0]?.interfaceClass));
  return classes.has(CDC_COMMUNICATION_CLASS) && classes.has(CDC_DATA_CLASS);
}

/** Native Web Serial when the browser has it, else polyfilled ports over WebUSB, else nothing. */
export function serialSource(native: Serial | undefined, usb: USB | undefined): SerialSource | undefined {
  if (native) return native;
  return usb ? new PolyfilledSerialSource(usb) : undefined;
}
