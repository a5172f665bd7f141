/**
 * The link's WebRTC side (odoo-iot.md §6): the hub window holds the peer connections and their
 * `iot` channels; this part answers the offers that come by the bus through it, counts its open
 * channels, sends results on them, and turns what the POS sends on them into events.
 */
import { describeError, type Logger } from '../logger.ts';
import { postIotJson } from '../../odoo/iot/http.ts';
import { parseChannelMessage, type IotAction, type WebrtcOffer } from '../../odoo/iot/messages.ts';
import { channelAck, WEBRTC_ANSWER_PATH, type ResultMessage } from '../../odoo/iot/results.ts';
import { sleep, type Clock } from './clock.ts';
import type { ActionArrival } from '../breakdown.ts';

/** Offers that arrive while the window is still attaching wait for it this long. */
export const HOST_WAIT_MS = 2_000;

/** What only the window can do: WebRTC and reloading the page. Registered by the window over comlink. */
export interface WindowHost {
  /** Answers an offer (non-trickle) and returns the complete answer. */
  answerOffer(offer: { type: 'offer'; sdp: string }): Promise<{ type: string; sdp: string }>;
  /** Sends text on one channel, or on every open channel when `channelId` is null; returns when it left (wall-clock ms), if it did. */
  send(channelId: string | null, text: string): number | null | void;
  reload(): void;
}

export interface RtcChannelEvents {
  /** An action the POS sent on a channel. */
  action(action: IotAction): Promise<void>;
  /** `restart_odoo` on a channel (already acknowledged there). */
  restart(): void;
  changed(): void;
}

export interface RtcChannelsDeps {
  logger: Logger;
  clock: Clock;
  identifier(): string;
  /** The paired database's name, for the answer's `X-Odoo-Database`. */
  dbName(): string | undefined;
  fetch?: typeof fetch;
  events: RtcChannelEvents;
}

/** The same JSON as to Odoo: results.ts already bounds what an action echoes, so nothing is slimmed here. */
export function channelText(message: ResultMessage): string {
  return JSON.stringify(message);
}

export class RtcChannels {
  private readonly log;
  private host: WindowHost | null = null;
  private hostAttached!: () => void;
  private readonly hostReady = new Promise<void>((resolve) => (this.hostAttached = resolve));
  private open = 0;
  private offers: Promise<void> = Promise.resolve();

  constructor(private readonly deps: RtcChannelsDeps) {
    this.log = deps.logger.scope('odoo');
  }

  /** Open channels, as the window counts them. */
  get count(): number {
    return this.open;
  }

  attachWindow(host: WindowHost): void {
    this.host = host;
    this.hostAttached();
  }

  channelsChanged(count: number): void {
    this.open = count;
    this.deps.events.changed();
  }

  /** Answers an offer through the window and posts the answer to Odoo. */
  answerOffer(offer: WebrtcOffer['offer']): void {
    // Answers carry no session id, so concurrent offers are answered one at a time, in order.
    this.offers = this.offers.then(async () => {
      await Promise.race([this.hostReady, sleep(this.deps.clock, HOST_WAIT_MS)]);
      if (!this.host) return void this.log.warning('WebRTC offer ignored: no hub window to answer it');
      try {
        const answer = await this.host.answerOffer(offer);
        const body = { iot_box_identifier: this.deps.identifier(), answer: { type: answer.type, sdp: answer.sdp } };
        await postIotJson(WEBRTC_ANSWER_PATH, body, { fetch: this.deps.fetch, dbName: this.deps.dbName() });
      } catch (error) {
        this.log.warning(`WebRTC offer not answered: ${describeError(error)}`);
      }
    });
  }

  /**
   * Sends a result on every open channel: live, even while the Odoo server is unreachable.
   * Resolves with when it left (wall-clock ms, for the job's breakdown), or null when it did not.
   */
  async broadcast(message: ResultMessage): Promise<number | null> {
    if (!this.host || this.open === 0) return null;
    try {
      const at = await this.host.send(null, channelText(message));
      return typeof at === 'number' ? at : null;
    } catch (error) {
      this.log.warning(`WebRTC send failed: ${describeError(error)}`);
      return null;
    }
  }

  /** A text message from a channel, already reassembled by the window (`arrival`: when its chunks came). */
  async channelMessage(channelId: string, text: string, arrival?: ActionArrival): Promise<void> {
    let message;
    try {
      message = parseChannelMessage(text);
    } catch (error) {
      this.log.warning(`bad WebRTC message ignored: ${describeError(error)}`);
      return;
    }
    if (message.kind === 'iot_action') return this.deps.events.action(arrival ? { ...message.action, arrival } : message.action);
    this.host?.send(channelId, JSON.stringify(channelAck(this.deps.identifier(), message.sessionId)));
    if (message.kind === 'restart_odoo') this.deps.events.restart();
  }

  /** Reloads the hub window; false when there is none to reload. */
  reloadWindow(): boolean {
    if (!this.host) return false;
    this.host.reload();
    return true;
  }
}
