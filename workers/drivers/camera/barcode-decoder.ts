import { DEFAULT_CAMERA_FORMATS, type CameraFormat } from './camera-formats.ts';
import { findOrientedRegions, type OrientedRegion } from './oriented-regions.ts';
import type { Scan } from './symbology.ts';

/** Frames larger than this are refused: a camera frame for scanning is VGA to HD. */
const MAX_PIXELS = 1920 * 1080;
/** Space kept around a candidate when it is turned upright: the code's quiet zone lies outside the cells that found it. */
const REGION_PAD_ALONG = 0.25;
const REGION_PAD_PX = 24;
/** A candidate shorter than this is read at twice its size: small modules get more pixels. */
const UPSCALE_BELOW_PX = 360;
/** Unsharp mask of the turned crops: the local mean's radius (crop pixels) and how much of the difference is added. */
const SHARPEN_RADIUS = 3;
const SHARPEN_AMOUNT = 3;
/** Turned crops are bounded like frames (a candidate can be as large as the frame). */
const MAX_CROP_PIXELS = 1024 * 1024;

export type DecodePass = 'upright' | 'right-angles' | 'any-angle';
/** After the upright pass, the passes a frame gets while time remains, in turn across frames. */
const EXTRA_PASSES: readonly DecodePass[] = ['right-angles', 'any-angle'];

export interface DecodeOptions {
  /** performance.now() after which no further pass starts; the remaining passes go to the next frame. */
  deadline?: number;
}

/** A barcode engine: reads one code from an image, at right angles too when `rotate` is set. */
export interface CodeReader {
  read(image: ImageData, rotate: boolean): Promise<Scan | null>;
}

export type LoadReader = (formats: readonly CameraFormat[]) => Promise<CodeReader>;

/** zxing-cpp (WebAssembly), the hub's engine: loaded with the decoder, when a camera starts. */
const loadZxingCpp: LoadReader = async (formats) => (await import('./zxing-cpp-reader.ts')).loadZxingCppReader(formats);

export interface DecodeReport {
  scan: Scan | null;
  /** The passes this frame got. */
  passes: DecodePass[];
  /** True when the deadline left passes out (they run first on the next frame). */
  cut: boolean;
}

/**
 * Reads barcodes from camera frames, by default with zxing-cpp compiled to WebAssembly
 * (zxing-wasm), loaded only when a camera starts (docs/camera.md says why this engine, with the
 * benchmark's figures; the benchmark runs @zxing/library through the same passes). A frame
 * gets the upright pass (the whole frame, as zxing-cpp scans it: rows for 1D codes, finder
 * patterns for 2D ones); only when that finds nothing do the rotation passes run: the whole
 * frame at right angles (vertical bottles and cans), then each region whose edges all run one
 * way, turned upright (codes at any other angle). Results that are not a valid read are never
 * returned: a misread is worse than a miss.
 */
export class BarcodeDecoder {
  private reader: CodeReader | null = null;
  private luminance = new Uint8Array(0);
  private nextExtra = 0;

  constructor(
    private readonly formats: readonly CameraFormat[] = DEFAULT_CAMERA_FORMATS,
    private readonly loadReader: LoadReader = loadZxingCpp,
  ) {}

  async load(): Promise<void> {
    this.reader ??= await this.loadReader(this.formats);
  }

  /** The code in the RGBA frame, or null when none is readable (every pass, no deadline). */
  async decode(rgba: Uint8ClampedArray<ArrayBuffer>, width: number, height: number): Promise<Scan | null> {
    return (await this.decodeFrame(rgba, width, height)).scan;
  }

  async decodeFrame(rgba: Uint8ClampedArray<ArrayBuffer>, width: number, height: number, options: DecodeOptions = {}): Promise<DecodeReport> {
    if (!this.reader) throw new Error('BarcodeDecoder.load() first');
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width * height > MAX_PIXELS) {
      throw new RangeError(`frame of ${width}x${height} is not a camera frame`);
    }
    if (rgba.length !== width * height * 4) throw new RangeError(`frame data of ${rgba.length} bytes does not match ${width}x${height} RGBA`);
    const frame = new ImageData(rgba, width, height);
    const passes: DecodePass[] = ['upright'];
    let scan = await this.reader.read(frame, false);
    const deadline = options.deadline ?? Infinity;
    for (let i = 0; !scan && i < EXTRA_PASSES.length; i++) {
      if (performance.now() >= deadline) return { scan, passes, cut: true };
      const pass = EXTRA_PASSES[this.nextExtra];
      this.nextExtra = (this.nextExtra + 1) % EXTRA_PASSES.length;
      passes.push(pass);
      scan = pass === 'right-angles' ? await this.reader.read(this.turned(frame), false) : await this.anyAngle(frame, deadline);
    }
    if (scan) this.nextExtra = 0;
    return { scan, passes, cut: false };
  }

  private async anyAngle(frame: ImageData, deadline: number): Promise<Scan | null> {
    const lum = this.luminanceOf(frame);
    for (const region of findOrientedRegions(lum, frame.width, frame.height)) {
      if (performance.now() >= deadline) return null;
      const crop = upright(lum, frame.width, frame.height, region);
      if (!crop) continue;
      const scan = (await this.reader!.read(crop, true)) ?? (await this.reader!.read(sharpened(crop), true));
      if (scan) return scan;
    }
    return null;
  }

  /**
   * The frame a quarter turn round (grey): bottles and cans show their codes vertical. Turning it
   * here, once, costs less than the reader's own rotation, which also tries the half and
   * three-quarter turns that its readers already handle.
   */
  private turned(frame: ImageData): ImageData {
    const { width, height } = frame;
    const lum = this.luminanceOf(frame);
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

  private luminanceOf(frame: ImageData): Uint8Array {
    const pixels = frame.width * frame.height;
    if (this.luminance.length !== pixels) this.luminance = new Uint8Array(pixels);
    const d = frame.data;
    const lum = this.luminance;
    for (let i = 0, j = 0; i < pixels; i++, j += 4) lum[i] = (d[j] * 306 + d[j + 1] * 601 + d[j + 2] * 117) >> 10;
    return lum;
  }
}

/**
 * The region cut out along its own axes (bilinear), so that its scan direction is horizontal:
 * grey RGBA as zxing-wasm takes it, with room for the quiet zone.
 */
function upright(lum: Uint8Array, width: number, height: number, region: OrientedRegion): ImageData | null {
  const zoom = region.length < UPSCALE_BELOW_PX ? 2 : 1;
  const w = Math.round((region.length * (1 + 2 * REGION_PAD_ALONG) + 2 * REGION_PAD_PX) * zoom);
  const h = Math.round((region.breadth + 2 * REGION_PAD_PX) * zoom);
  if (w <= 0 || h <= 0 || w * h > MAX_CROP_PIXELS) return null;
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
function sharpened(image: ImageData): ImageData {
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
