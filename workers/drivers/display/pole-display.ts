import type { ActionOutcome, ActionRequest, Device, DeviceDescription, DeviceEvent } from '../../../src/hub/devices.ts';
import type { ScopedLogger } from '../../../src/hub/logger.ts';
import type { DriverFactory } from '../../device-manager.ts';
import { openSerial, SerialClosedError, SerialPortLostError, type FullSerialChannel } from '../../transports/serial.ts';
import { serialIdentifier, serialOptionsWith, serialProtocolChoice } from '../serial-identity.ts';
import { encodeClear, encodeTwoLines, linesFromPosData } from './dmd-encoder.ts';

/** Pole displays mostly ship at 9600 8N1 (devices.md); the device settings may say otherwise. */
export const POLE_DISPLAY_SERIAL_OPTIONS: SerialOptions = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/**
 * A 2x20 serial pole display (Epson DM-D command set) as a `display` device. Of the display
 * actions (odoo-iot.md §7) it takes those that make sense for two lines of text: `set {data}`
 * shows the order's line and total, `close` blanks it, `display_refresh` sends the text again
 * (after a power cycle of the display); URL and rotation actions are refused with a reason.
 */
export class PoleDisplayDevice implements Device {
  private lines: [string, string] = ['', ''];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly description: DeviceDescription,
    private readonly channel: FullSerialChannel,
    private readonly log: ScopedLogger,
  ) {}

  /** What the display shows now, for the homepage. */
  get text(): [string, string] {
    return [...this.lines];
  }

  async run(request: ActionRequest): Promise<ActionOutcome> {
    switch (request.action) {
      case 'set': {
        if (request.data.data === undefined || request.data.data === null || request.data.data === '') return { status: 'error', result: 'set needs the order data' };
        return this.show(linesFromPosData(request.data.data));
      }
      case 'close':
        return this.show(['', ''], encodeClear());
      case 'display_refresh':
      case '':
        return this.show(this.lines);
      case 'open':
      case 'update_url':
      case 'open_kiosk':
      case 'rotate_screen':
        return { status: 'error', result: `${this.description.name} is a two-line pole display: it shows order lines (set), not web pages` };
      default:
        return { status: 'error', result: `${this.description.name} has no action "${request.action}"` };
    }
  }

  onEvent(_listener: (event: DeviceEvent) => void): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.channel.close();
  }

  private show(lines: [string, string], bytes = encodeTwoLines(...lines)): Promise<ActionOutcome> {
    const write = async (): Promise<ActionOutcome> => {
      try {
        await this.channel.write(bytes);
      } catch (error) {
        if (error instanceof SerialPortLostError || error instanceof SerialClosedError) {
          this.log.warning(`${this.description.name}: ${error.message}`);
          return { status: 'disconnected', result: error.message, message: error.message };
        }
        throw error;
      }
      this.lines = lines;
      return { status: 'success', result: true };
    };
    const run = this.queue.then(write, write);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Pole displays never answer, so a port is one only when the device settings say `pole_display`. */
export const poleDisplayFactory: DriverFactory = {
  name: 'pole display',
  transport: 'serial',
  async open(handle, context): Promise<Device | null> {
    const port = handle as SerialPort;
    const identifier = serialIdentifier(port, context);
    const settings = context.settingsFor(identifier);
    if (serialProtocolChoice(settings) !== 'pole_display') return null;
    const channel = await openSerial(port, serialOptionsWith(POLE_DISPLAY_SERIAL_OPTIONS, settings));
    const device = new PoleDisplayDevice(
      { identifier, name: String(settings.name || 'Customer pole display'), type: 'display', manufacturer: '', connection: 'serial', subtype: '' },
      channel, context.log,
    );
    await device.run({ action: 'close', data: {}, sessionId: '', actionUniqueId: null });
    return device;
  },
};
