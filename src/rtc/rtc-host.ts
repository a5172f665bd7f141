/**
 * The window's half of the IoT link: RTCPeerConnection exists only in windows, so the window
 * answers the POS's WebRTC offers and carries the `iot` data channels; the hub worker decides
 * what to do with each message and what to send back (odoo-iot.md §6).
 */
import { ChunkAssembler } from './chunks.ts';
import { wallClock, type ActionArrival } from '../hub/breakdown.ts';

/** odoo-iot.md §6: the POS opens a data channel with this label. */
export const IOT_CHANNEL_LABEL = 'iot';
/** The POS waits 5 s for the channel; an answer must leave well before, complete or not. */
export const ICE_GATHERING_TIMEOUT_MS = 2_000;

/** What the worker offers the window (a comlink remote of `HubService.link`). */
export interface LinkForWindow {
  channelMessage(channelId: string, text: string, arrival?: ActionArrival): Promise<void>;
  channelsChanged(count: number): void;
}

interface OpenChannel {
  channel: RTCDataChannel;
  assembler: ChunkAssembler;
  /** When the message being reassembled started to arrive. */
  firstChunkAt: number | null;
}

export class RtcHost {
  private readonly peers = new Set<RTCPeerConnection>();
  private readonly channels = new Map<string, OpenChannel>();
  private sequence = 0;

  constructor(private readonly link: LinkForWindow, private readonly onProblem: (text: string) => void = console.warn) {}

  /** Non-trickle answer: the SDP returned carries every candidate (there is no way to send more later). */
  async answerOffer(offer: { type: 'offer'; sdp: string }): Promise<{ type: string; sdp: string }> {
    const peer = new RTCPeerConnection();
    this.peers.add(peer);
    peer.ondatachannel = (event) => this.adopt(event.channel);
    peer.onconnectionstatechange = () => {
      if (peer.connectionState === 'failed' || peer.connectionState === 'closed') {
        this.peers.delete(peer);
        peer.close();
      }
    };
    try {
      await peer.setRemoteDescription(offer);
      await peer.setLocalDescription(await peer.createAnswer());
      await iceGatheringComplete(peer, ICE_GATHERING_TIMEOUT_MS);
    } catch (error) {
      this.peers.delete(peer);
      peer.close();
      throw error;
    }
    const local = peer.localDescription!;
    return { type: local.type, sdp: local.sdp };
  }

  /** Sends on one channel, or on every open one; returns when the last channel took it (wall-clock ms), or null. */
  send(channelId: string | null, text: string): number | null {
    let sentAt: number | null = null;
    const targets = channelId === null ? [...this.channels.values()] : [this.channels.get(channelId)].filter((c): c is OpenChannel => !!c);
    for (const { channel } of targets) {
      if (channel.readyState !== 'open') continue;
      try {
        channel.send(text);
        sentAt = wallClock();
      } catch (error) {
        this.onProblem(`WebRTC send failed: ${(error as Error).message}`);
      }
    }
    return sentAt;
  }

  reload(): void {
    location.reload();
  }

  get openChannels(): number {
    return this.channels.size;
  }

  close(): void {
    for (const peer of this.peers) peer.close();
    this.peers.clear();
    this.channels.clear();
  }

  private adopt(channel: RTCDataChannel): void {
    if (channel.label !== IOT_CHANNEL_LABEL) return;
    const id = `rtc-${++this.sequence}`;
    const entry: OpenChannel = { channel, assembler: new ChunkAssembler(), firstChunkAt: null };
    const opened = () => {
      this.channels.set(id, entry);
      this.link.channelsChanged(this.channels.size);
    };
    if (channel.readyState === 'open') opened();
    else channel.addEventListener('open', opened, { once: true });
    channel.addEventListener('close', () => {
      if (this.channels.delete(id)) this.link.channelsChanged(this.channels.size);
    });
    channel.addEventListener('message', (event) => {
      const at = wallClock();
      if (typeof event.data !== 'string') return this.onProblem('binary WebRTC message ignored: the POS sends text');
      entry.firstChunkAt ??= at;
      let whole: string | null;
      try {
        whole = entry.assembler.push(event.data);
      } catch (error) {
        entry.firstChunkAt = null;
        return this.onProblem((error as Error).message);
      }
      if (whole === null) return;
      const arrival = { receivedAt: entry.firstChunkAt, completeAt: wallClock() };
      entry.firstChunkAt = null;
      void this.link.channelMessage(id, whole, arrival).catch((error: Error) => this.onProblem(`hub worker: ${error.message}`));
    });
  }
}

function iceGatheringComplete(peer: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (peer.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      peer.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (peer.iceGatheringState === 'complete') done();
    };
    // Without a complete gathering, the candidates found so far are sent: better than no answer.
    const timer = setTimeout(done, timeoutMs);
    peer.addEventListener('icegatheringstatechange', check);
  });
}
