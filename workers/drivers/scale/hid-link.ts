import { HidDeviceLostError, type HidChannel } from '../../transports/hid.ts';
import type { ScaleLink } from './scale-device.ts';
import { ScaleAnswerError, type ScaleReading } from './reading.ts';
import { parseHidScaleReport } from './hid-pos-scale.ts';

/** A HID POS scale reports unasked; wait this long for a first report. */
const FIRST_REPORT_TIMEOUT_MS = 1000;

/** USB HID POS scale: the weight is the newest input report. */
export class HidScaleLink implements ScaleLink {
  readonly commands = [] as const;
  readonly manualOnly = false;
  private latest: ScaleReading | ScaleAnswerError | null = null;
  private waiting: (() => void) | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly channel: HidChannel) {
    this.unsubscribe = channel.onInputReport((_reportId, data) => {
      try {
        this.latest = parseHidScaleReport(data);
      } catch (error) {
        this.latest = error instanceof ScaleAnswerError ? error : new ScaleAnswerError(String(error));
      }
      this.waiting?.();
    });
  }

  async measure(): Promise<ScaleReading> {
    if (!this.channel.device.opened) throw new HidDeviceLostError();
    if (!this.latest) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FIRST_REPORT_TIMEOUT_MS);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = null;
    }
    const latest = this.latest;
    if (!latest) throw new ScaleAnswerError('the scale sent no weight report');
    if (latest instanceof ScaleAnswerError) throw latest;
    return latest;
  }

  async command(): Promise<void> {
    throw new Error('HID POS scales take no commands here');
  }

  noiseHint(): string {
    return '';
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.channel.close();
  }
}
