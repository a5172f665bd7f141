/**
 * Epson Automatic Status Back (ESC/POS `GS a n`): once enabled, the printer sends a 4-byte status
 * packet by itself whenever its status changes (and once at once), so paper out or an open cover
 * is known without waiting for the next DLE EOT poll. Layout (Epson ESC/POS reference, GS a; as
 * ESC-POS-.NET's BasePrinter reads it): byte 1 has bits 0, 1 and 7 clear and bit 4 set (a DLE EOT
 * answer has bit 1 set, so the two never mix up), bit 2 drawer pin 3, bit 3 offline, bit 5 cover
 * open; byte 3 bits 0-1 roll paper near end, bits 2-3 roll paper end. Bytes 2 to 4 have bits 4
 * and 7 clear.
 */
import type { RealTimeStatus } from './commands.ts';

/** `GS a 0x0F`: drawer, online/offline, error and roll paper sensor changes (bits 0-3 of n). */
export const ASB_ENABLE = Uint8Array.of(0x1d, 0x61, 0x0f);
export const ASB_PACKET_BYTES = 4;

export function isAsbHeader(byte: number): boolean {
  return (byte & 0x93) === 0x10;
}

/** Bytes 2 to 4 of a packet: bits 4 and 7 clear. */
export function isAsbBody(byte: number): boolean {
  return (byte & 0x90) === 0;
}

export function parseAsb(packet: ArrayLike<number>): RealTimeStatus {
  return {
    online: (packet[0] & 0x08) === 0,
    drawerOpen: (packet[0] & 0x04) !== 0,
    coverOpen: (packet[0] & 0x20) !== 0,
    paperOut: (packet[2] & 0x0c) === 0x0c,
    paperLow: (packet[2] & 0x03) === 0x03,
  };
}

/**
 * Splits what a printer sends into ASB packets and everything else (DLE EOT answers), byte by
 * byte across reads. A header followed by a byte that cannot be a packet's is not a packet: the
 * bytes go on as they came.
 */
export class AsbSplitter {
  private packet: number[] = [];

  constructor(private readonly onStatus: (status: RealTimeStatus) => void) {}

  /** The bytes that are not ASB packets, in order. */
  push(bytes: Uint8Array): number[] {
    const rest: number[] = [];
    for (const byte of bytes) {
      if (this.packet.length === 0) {
        if (isAsbHeader(byte)) this.packet.push(byte);
        else rest.push(byte);
        continue;
      }
      if (!isAsbBody(byte)) {
        rest.push(...this.packet.splice(0));
        if (isAsbHeader(byte)) this.packet.push(byte);
        else rest.push(byte);
        continue;
      }
      this.packet.push(byte);
      if (this.packet.length === ASB_PACKET_BYTES) this.onStatus(parseAsb(this.packet.splice(0)));
    }
    return rest;
  }
}
