/**
 * Reassembly of chunked channel messages (odoo-iot.md §6; iot_drivers/webrtc_client.py): a
 * message at or above the channel's max message size arrives as the text `chunked_start`, the
 * slices, then `chunked_end`. One assembler per channel; the total size is bounded.
 */
import { MAX_CHANNEL_MESSAGE_BYTES } from '../odoo/iot/messages.ts';

export const CHUNKED_START = 'chunked_start';
export const CHUNKED_END = 'chunked_end';

export class ChunkError extends Error {
  name = 'ChunkError';
}

export class ChunkAssembler {
  private parts: string[] | null = null;
  private size = 0;

  constructor(private readonly limit = MAX_CHANNEL_MESSAGE_BYTES) {}

  /** Returns a whole message, or null while a chunked one is still arriving. */
  push(text: string): string | null {
    if (this.parts === null) {
      if (text === CHUNKED_START) {
        this.parts = [];
        this.size = 0;
        return null;
      }
      if (text === CHUNKED_END) throw new ChunkError('chunked_end without chunked_start');
      return text;
    }
    if (text === CHUNKED_END) {
      const whole = this.parts.join('');
      this.parts = null;
      return whole;
    }
    if (text === CHUNKED_START) {
      this.parts = [];
      this.size = 0;
      throw new ChunkError('chunked_start inside a chunked message: the unfinished message was dropped');
    }
    this.size += text.length;
    if (this.size > this.limit) {
      this.parts = null;
      throw new ChunkError(`chunked message over ${this.limit} characters: dropped`);
    }
    this.parts.push(text);
    return null;
  }
}
