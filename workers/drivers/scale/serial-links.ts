import { openSerial, readUntil, type FullSerialChannel } from '../../transports/serial.ts';
import { lineNoiseHint } from '../serial-identity.ts';
import type { ScaleLink } from './scale-device.ts';
import type { ScaleReading } from './reading.ts';
import {
  TOLEDO_ANSWER_LIMIT, TOLEDO_COMMANDS, TOLEDO_MEASURE, TOLEDO_PROBE, TOLEDO_PROBE_ANSWER, TOLEDO_PROBE_END,
  isCompleteToledoAnswer, parseToledoAnswer,
} from './toledo-8217.ts';
import { ADAM_ANSWER_LIMIT, ADAM_MEASURE, isCompleteAdamAnswer, parseAdamAnswer } from './adam.ts';

/** The box waits 0.2 s (commandDelay) then reads with a 1 s timeout; an answer ends at its CR, so waiting less is safe. */
const TOLEDO_PROBE_TIMEOUT_MS = 500;
const TOLEDO_ANSWER_TIMEOUT_MS = 500;
/** The Adam's timeout in the box (0.2 s), plus room for 4800 baud. */
const ADAM_ANSWER_TIMEOUT_MS = 300;

abstract class SerialScaleLink implements ScaleLink {
  abstract readonly commands: readonly string[];
  abstract readonly manualOnly: boolean;
  constructor(protected readonly channel: FullSerialChannel, protected readonly options: SerialOptions) {}
  abstract measure(): Promise<ScaleReading>;
  abstract command(name: string): Promise<void>;

  noiseHint(): string {
    return lineNoiseHint(this.channel.takeLineErrors(), this.options);
  }

  close(): Promise<void> {
    return this.channel.close();
  }
}

export class ToledoLink extends SerialScaleLink {
  readonly commands = Object.keys(TOLEDO_COMMANDS);
  readonly manualOnly = false;

  async measure(): Promise<ScaleReading> {
    this.channel.discardInput();
    this.channel.takeLineErrors();
    await this.channel.write(TOLEDO_MEASURE);
    const answer = await readUntil(this.channel, isCompleteToledoAnswer, TOLEDO_ANSWER_TIMEOUT_MS, TOLEDO_ANSWER_LIMIT + 1);
    return parseToledoAnswer(answer);
  }

  async command(name: string): Promise<void> {
    await this.channel.write(TOLEDO_COMMANDS[name as keyof typeof TOLEDO_COMMANDS]);
  }
}

export class AdamLink extends SerialScaleLink {
  readonly commands = [] as const;
  readonly manualOnly = true;

  async measure(): Promise<ScaleReading> {
    this.channel.discardInput();
    this.channel.takeLineErrors();
    await this.channel.write(ADAM_MEASURE);
    const answer = await readUntil(this.channel, isCompleteAdamAnswer, ADAM_ANSWER_TIMEOUT_MS, ADAM_ANSWER_LIMIT + 1);
    return parseAdamAnswer(answer);
  }

  async command(): Promise<void> {
    throw new Error('Adam Equipment scales take no commands but P');
  }
}

/** The box's Toledo probe: `Ehello` must come back as STX E CR hello; then `F`. */
export async function probeToledo(port: SerialPort, options: SerialOptions): Promise<ToledoLink | null> {
  const channel = await openSerial(port, options);
  try {
    channel.discardInput();
    await channel.write(TOLEDO_PROBE);
    const answer = await readUntil(channel, (b) => b.length >= TOLEDO_PROBE_ANSWER.length, TOLEDO_PROBE_TIMEOUT_MS, TOLEDO_PROBE_ANSWER.length);
    if (answer.length === TOLEDO_PROBE_ANSWER.length && answer.every((b, i) => b === TOLEDO_PROBE_ANSWER[i])) {
      await channel.write(TOLEDO_PROBE_END);
      channel.discardInput();
      return new ToledoLink(channel, options);
    }
  } catch (error) {
    await channel.close();
    throw error;
  }
  await channel.close();
  return null;
}

/**
 * An Adam answers only with a weight on the plate (the box cannot tell it apart from an empty
 * port either, and claims any port for it last): auto-detection accepts it only when it
 * answers; otherwise the user picks the protocol in the device settings.
 */
export async function probeAdam(port: SerialPort, options: SerialOptions): Promise<{ link: AdamLink; kg: number } | null> {
  const channel = await openSerial(port, options);
  const link = new AdamLink(channel, options);
  try {
    const reading = await link.measure();
    if (reading.kind === 'weight') return { link, kg: reading.kg };
  } catch {
    // Not an Adam answer: another device, or none.
  }
  await channel.close();
  return null;
}
