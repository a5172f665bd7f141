/**
 * A camera that films printed barcodes: draws an image (a fixture) at a random spot of a
 * 640x480 frame over a noisy, unevenly lit background, the way a webcam sees a label.
 */
export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;

export class VirtualCamera {
  private readonly canvas = new OffscreenCanvas(FRAME_WIDTH, FRAME_HEIGHT);
  private readonly context = this.canvas.getContext('2d', { willReadFrequently: true })!;
  private seed: number;

  constructor(seed = 1) {
    this.seed = seed;
  }

  /** One frame with `code` in view (or none), noise of amplitude `noise` (0-255). */
  frame(code: ImageBitmap | null, noise = 12): ImageData {
    const ctx = this.context;
    const gradient = ctx.createLinearGradient(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
    gradient.addColorStop(0, '#8a8a80');
    gradient.addColorStop(1, '#c8c6bc');
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
    if (code) {
      const scale = Math.min(1, (FRAME_WIDTH - 60) / code.width, (FRAME_HEIGHT - 60) / code.height);
      const w = Math.round(code.width * scale);
      const h = Math.round(code.height * scale);
      const x = Math.floor(this.random() * (FRAME_WIDTH - w - 40)) + 20;
      const y = Math.floor(this.random() * (FRAME_HEIGHT - h - 40)) + 20;
      // The label's white margin is the code's quiet zone.
      ctx.fillStyle = '#fff';
      ctx.fillRect(x - 20, y - 20, w + 40, h + 40);
      ctx.imageSmoothingEnabled = scale < 1;
      ctx.drawImage(code, x, y, w, h);
    }
    const image = ctx.getImageData(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
    const d = image.data;
    for (let i = 0; i < d.length; i += 4) {
      const n = (this.random() - 0.5) * 2 * noise;
      d[i] += n;
      d[i + 1] += n;
      d[i + 2] += n;
    }
    return image;
  }

  async bitmap(code: ImageBitmap | null, noise?: number): Promise<ImageBitmap> {
    return createImageBitmap(this.frame(code, noise));
  }

  /** Deterministic noise: a failing frame can be reproduced. */
  private random(): number {
    this.seed = (this.seed * 1664525 + 1013904223) >>> 0;
    return this.seed / 2 ** 32;
  }
}
