import type { ActionOutcome, ActionRequest, Device, DeviceDescription, DeviceEvent } from '../../../src/hub/devices.ts';
import type { ScopedLogger } from '../../../src/hub/logger.ts';
import { odooSerie } from '../odoo-serie.ts';
import { scanOutcome } from '../scanner/scan-outcome.ts';
import { BarcodeDecoder } from './barcode-decoder.ts';
import { cameraFormats } from './camera-formats.ts';
import type { Scan } from './symbology.ts';

/** A code held in view is one scan: the same text again counts only after this long out of view. */
export const SCAN_DEBOUNCE_MS = 1500;
/** A scan is worth sending only while the cashier waits for it (as for other scanners). */
const SCAN_EVENT_TTL_MS = 30_000;
/** The snapshot's JPEG quality (the box's fswebcam default is 95). */
const JPEG_QUALITY = 0.9;
/** A frame must be camera-sized: larger ones are refused before any pixel is read. */
const MAX_FRAME_PIXELS = 1920 * 1080;
/**
 * A frame's time in the worker at 30 frames a second: 33 ms, less what the steps' running over
 * their estimates, taking the next frame in and the event turn cost (with 30 ms, the bench's
 * 1280x720 frames took 38 ms each on a loaded 2-core machine). Once the passes' recent cost says the next one would not
 * end within it, it waits for the next frame (which starts with it), so a frame that takes too
 * long is dropped, never queued behind.
 */
export const FRAME_BUDGET_MS = 25;

/**
 * The hub window's camera as Odoo's `camera` device: the window hands frames over (transferred
 * ImageBitmaps), the worker decodes the newest one whenever it is free (frames that arrive while
 * it decodes replace each other, so a slow decode never builds a backlog), emits each new code
 * as a scanner event (its symbology kept for the hub's scan log), and answers the default action
 * with a JPEG of the newest frame.
 */
export class CameraDevice implements Device {
  private readonly listeners = new Set<(event: DeviceEvent) => void>();
  private readonly decoder: BarcodeDecoder;
  private readonly lastSeen = new Map<string, number>();
  private latest: ImageBitmap | null = null;
  private undecoded = false;
  private decoding: Promise<void> | null = null;
  private canvas: OffscreenCanvas | null = null;
  private closed = false;
  /** Frames received and decoded, for the homepage and the benchmark. */
  framesReceived = 0;
  framesDecoded = 0;
  /** Frames whose budget ran out before every pass had looked (the next frame gets those passes). */
  framesCut = 0;
  lastProblem = '';

  constructor(
    readonly description: DeviceDescription,
    private readonly settings: () => Record<string, unknown>,
    private readonly log: ScopedLogger,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.decoder = new BarcodeDecoder(cameraFormats(settings().formats));
  }

  /** One frame from the window; ownership of `bitmap` passes to the device. */
  frame(bitmap: ImageBitmap): void {
    if (this.closed) return void bitmap.close();
    if (bitmap.width * bitmap.height > MAX_FRAME_PIXELS || bitmap.width === 0 || bitmap.height === 0) {
      this.problem(`ignored a ${bitmap.width}x${bitmap.height} frame: a camera frame for scanning is at most 1920x1080`);
      return void bitmap.close();
    }
    this.framesReceived++;
    this.latest?.close();
    this.latest = bitmap;
    this.undecoded = true;
    this.decoding ??= this.decodeLoop().finally(() => (this.decoding = null));
  }

  /** Resolves when every frame handed over so far has been looked at (tests, benchmark). */
  async idle(): Promise<void> {
    while (this.decoding) await this.decoding;
  }

  async run(request: ActionRequest): Promise<ActionOutcome> {
    if (request.action !== '' && request.action !== 'capture') return { status: 'error', result: `${this.description.name} has no action "${request.action}"` };
    if (!this.latest) return { status: 'error', result: `${this.description.name} has sent no picture yet: is the camera on in the hub window?` };
    const canvas = this.draw(this.latest);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
    return { status: 'success', result: { image: await base64(blob) } };
  }

  onEvent(listener: (event: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
    this.latest?.close();
    this.latest = null;
    this.listeners.clear();
  }

  private async decodeLoop(): Promise<void> {
    await this.decoder.load();
    while (this.undecoded && this.latest && !this.closed) {
      this.undecoded = false;
      // The budget counts from the frame's first pixel read (the test clock only times scans).
      const deadline = performance.now() + FRAME_BUDGET_MS;
      const canvas = this.draw(this.latest);
      const pixels = canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, canvas.width, canvas.height);
      let scan: Scan | null;
      try {
        const report = await this.decoder.decodeFrame(pixels.data, canvas.width, canvas.height, { deadline });
        if (report.cut) this.framesCut++;
        scan = report.scan;
      } catch (error) {
        this.problem(`a frame could not be decoded: ${(error as Error).message}`);
        continue;
      }
      this.framesDecoded++;
      if (scan !== null) this.seen(scan);
      // Let the next frame's message in before decoding again.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  private seen({ text, symbology }: Scan): void {
    const now = this.now();
    const last = this.lastSeen.get(text);
    this.lastSeen.set(text, now);
    for (const [code, at] of this.lastSeen) if (now - at > SCAN_DEBOUNCE_MS) this.lastSeen.delete(code);
    if (last !== undefined && now - last <= SCAN_DEBOUNCE_MS) return;
    this.lastProblem = '';
    this.emit({ deviceIdentifier: this.description.identifier, outcome: scanOutcome(odooSerie(this.settings()), text), ttlMs: SCAN_EVENT_TTL_MS, symbology });
  }

  private draw(bitmap: ImageBitmap): OffscreenCanvas {
    if (!this.canvas || this.canvas.width !== bitmap.width || this.canvas.height !== bitmap.height) this.canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    this.canvas.getContext('2d', { willReadFrequently: true })!.drawImage(bitmap, 0, 0);
    return this.canvas;
  }

  private problem(message: string): void {
    if (message === this.lastProblem) return;
    this.lastProblem = message;
    this.log.warning(`${this.description.name}: ${message}`);
    this.emit({ deviceIdentifier: this.description.identifier, outcome: { status: 'warning', message } });
  }

  private emit(event: DeviceEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

async function base64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
