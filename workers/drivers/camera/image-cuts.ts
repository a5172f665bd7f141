/**
 * The images the decoder's extra passes read, made from a frame's luminance: the frame a
 * quarter turn round, a box of it, a region cut out along its own axes, a sharpened copy. All grey RGBA, as
 * zxing-wasm takes images.
 */
import type { OrientedRegion } from './oriented-regions.ts';
import type { Region } from './code-regions.ts';

/** Space kept around a candidate when it is turned upright: the code's quiet zone lies outside the cells that found it. */
const REGION_PAD_ALONG = 0.25;
const REGION_PAD_PX = 24;
/** The shortest a code is for the height of its bars (an EAN-13 is about 1.3 times as long). */
const MIN_LENGTH_PER_BREADTH = 1.2;
/** A candidate shorter than this is read at twice its size (small modules get more pixels), unless that makes it larger than the second bound. */
const UPSCALE_BELOW_PX = 360;
const MAX_ZOOMED_PIXELS = 512 * 512;
/** Cuts are bounded like frames (a candidate can be as large as the frame). */
const MAX_CROP_PIXELS = 1024 * 1024;
/** Unsharp mask: the local mean's radius (pixels) and how much of the difference is added. */
const SHARPEN_RADIUS = 3;
const SHARPEN_AMOUNT = 3;

/**
 * The frame a quarter turn round: bottles and cans show their codes vertical. Turning it here,
 * once, costs less than the reader's own rotation, which also tries the half and three-quarter
 * turns that its readers already handle.
 */
export function quarterTurn(lum: Uint8Array, width: number, height: number): ImageData {
  const out = new ImageData(height, width);
  const d = new Uint32Array(out.data.buffer);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const v = lum[row + x];
      // Little-endian RGBA: one write per pixel, opaque grey.
      d[x * height + (height - 1 - y)] = 0xff000000 | (v << 16) | (v << 8) | v;
    }
  }
  return out;
}

/** A box of the frame as it is. */
export function cutBox(lum: Uint8Array, width: number, [left, top, w, h]: Region): ImageData {
  const out = new ImageData(w, h);
  const d = new Uint32Array(out.data.buffer);
  for (let y = 0; y < h; y++) {
    const row = (top + y) * width + left;
    for (let x = 0; x < w; x++) {
      const v = lum[row + x];
      d[y * w + x] = 0xff000000 | (v << 16) | (v << 8) | v;
    }
  }
  return out;
}

/**
 * The region cut out along its own axes (bilinear), so that its scan direction is horizontal:
 * grey RGBA as zxing-wasm takes it, with room for the quiet zone.
 */
export function cutUpright(lum: Uint8Array, width: number, height: number, region: OrientedRegion): ImageData | null {
  // A barcode is about as long as its bars are tall, or longer: a region that found only part of
  // the bars (a blurred code's strongest stretch) is cut at least that long.
  const length = Math.max(region.length, region.breadth * MIN_LENGTH_PER_BREADTH);
  const [w1, h1] = [length * (1 + 2 * REGION_PAD_ALONG) + 2 * REGION_PAD_PX, region.breadth + 2 * REGION_PAD_PX];
  const zoom = length < UPSCALE_BELOW_PX && 4 * w1 * h1 <= MAX_ZOOMED_PIXELS ? 2 : 1;
  const [w, h] = [Math.round(w1 * zoom), Math.round(h1 * zoom)];
  if (w * h > MAX_CROP_PIXELS) return null;
  const out = new ImageData(w, h);
  const d = out.data;
  const [cos, sin] = [Math.cos(region.angle) / zoom, Math.sin(region.angle) / zoom];
  for (let y = 0; y < h; y++) {
    const v = y - h / 2;
    for (let x = 0; x < w; x++) {
      const u = x - w / 2;
      const sx = region.cx + u * cos - v * sin;
      const sy = region.cy + u * sin + v * cos;
      let value = 255;
      if (sx >= 0 && sy >= 0 && sx < width - 1 && sy < height - 1) {
        const [x0, y0] = [sx | 0, sy | 0];
        const [fx, fy] = [sx - x0, sy - y0];
        const i = y0 * width + x0;
        value = (lum[i] * (1 - fx) + lum[i + 1] * fx) * (1 - fy) + (lum[i + width] * (1 - fx) + lum[i + width + 1] * fx) * fy;
      }
      const o = (y * w + x) * 4;
      d[o] = d[o + 1] = d[o + 2] = value;
      d[o + 3] = 255;
    }
  }
  return out;
}

/** Unsharp masking: a blurred frame's bars get their edges back (crop minus its local mean). */
export function sharpened(image: ImageData): ImageData {
  const { width: w, height: h, data } = image;
  const grey = new Float32Array(w * h);
  for (let i = 0; i < grey.length; i++) grey[i] = data[i * 4];
  const mean = boxBlur(boxBlur(grey, w, h, SHARPEN_RADIUS, 1, w), h, w, SHARPEN_RADIUS, w, 1);
  const out = new ImageData(w, h);
  for (let i = 0; i < grey.length; i++) {
    const v = grey[i] + SHARPEN_AMOUNT * (grey[i] - mean[i]);
    out.data[i * 4] = out.data[i * 4 + 1] = out.data[i * 4 + 2] = v;
    out.data[i * 4 + 3] = 255;
  }
  return out;
}

/** Running mean of `radius` each side along lines of `length` samples `step` apart, `lines` lines `stride` apart. */
function boxBlur(src: Float32Array, lines: number, length: number, radius: number, stride: number, step: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let line = 0; line < lines; line++) {
    const base = line * stride;
    let sum = 0;
    let count = 0;
    for (let k = 0; k < Math.min(radius, length); k++) { sum += src[base + k * step]; count++; }
    for (let k = 0; k < length; k++) {
      if (k + radius < length) { sum += src[base + (k + radius) * step]; count++; }
      if (k - radius - 1 >= 0) { sum -= src[base + (k - radius - 1) * step]; count--; }
      out[base + k * step] = sum / count;
    }
  }
  return out;
}
