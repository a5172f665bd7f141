/**
 * Camera frames with a barcode in them, made in the browser from codes rendered by bwip-js (a
 * well-kept barcode renderer: no hand-drawn bars). Each scene puts one label on a busy background
 * and applies one change from the upright, full-size, sharp case: a rotation, a smaller scale, or
 * a camera degradation (blur, sensor noise, perspective tilt, low contrast), in a 640x480 or a
 * 1280x720 frame. The same seed gives the same frame, so a failure can be looked at again.
 */
import bwipjs from 'bwip-js/browser';

export interface SceneCode {
  /** bwip-js encoder name. */
  bcid: string;
  /** What bwip-js is given (GS1 codes in bracketed AI form). */
  input: string;
  /** The text the decoder must return (GS1: FNC1 separators as GS, 0x1D). */
  text: string;
  /** The symbology the hub must name. */
  symbology: string;
  /** bwip-js options besides the text. */
  options?: Record<string, unknown>;
}

const GS = '\u001d';

/** One code of each symbology a shop meets (issue 13). */
export const SCENE_CODES: readonly SceneCode[] = [
  { bcid: 'ean13', input: '4006381333931', text: '4006381333931', symbology: 'EAN-13' },
  { bcid: 'ean8', input: '96385074', text: '96385074', symbology: 'EAN-8' },
  { bcid: 'upca', input: '036000291452', text: '036000291452', symbology: 'UPC-A' },
  { bcid: 'upce', input: '04252614', text: '04252614', symbology: 'UPC-E' },
  { bcid: 'code128', input: '0042123456789012', text: '0042123456789012', symbology: 'Code 128' },
  { bcid: 'gs1-128', input: '(01)09506000134352(10)LOT42(21)S7', text: `010950600013435210LOT42${GS}21S7`, symbology: 'GS1-128' },
  { bcid: 'code39', input: 'HUB-39', text: 'HUB-39', symbology: 'Code 39' },
  { bcid: 'itf14', input: '15400141288763', text: '15400141288763', symbology: 'ITF-14' },
  { bcid: 'qrcode', input: 'https://example.com/p/42', text: 'https://example.com/p/42', symbology: 'QR' },
  { bcid: 'gs1qrcode', input: '(01)09506000134352(10)ABC123(17)271231', text: `010950600013435210ABC123${GS}17271231`, symbology: 'GS1 QR' },
  { bcid: 'gs1datamatrix', input: '(01)09506000134352(17)271231(10)LOT7(21)SER99', text: `01095060001343521727123110LOT7${GS}21SER99`, symbology: 'GS1 Data Matrix' },
  { bcid: 'pdf417', input: 'HUB TICKET 7-5', text: 'HUB TICKET 7-5', symbology: 'PDF417', options: { columns: 3 } },
];

export type SceneKind = 'upright' | 'rotated' | 'small' | 'degraded';
export type FrameSize = '640x480' | '1280x720';

export interface SceneChange {
  kind: SceneKind;
  /** Short name for messages and the bench: `rot90`, `scale25`, `blur2`... */
  name: string;
  rotation?: number;
  /** Module width relative to the full-size label (6 px a module at 100 %). */
  scale?: number;
  blur?: number;
  noise?: number;
  tilt?: number;
  lowContrast?: boolean;
}

/** The changes of issue 13's test list, one at a time. */
export const SCENE_CHANGES: readonly SceneChange[] = [
  { kind: 'upright', name: 'upright' },
  { kind: 'rotated', name: 'rot90', rotation: 90 },
  { kind: 'rotated', name: 'rot180', rotation: 180 },
  { kind: 'rotated', name: 'rot270', rotation: 270 },
  { kind: 'rotated', name: 'rot+15', rotation: 15 },
  { kind: 'rotated', name: 'rot-15', rotation: -15 },
  { kind: 'small', name: 'scale50', scale: 0.5 },
  { kind: 'small', name: 'scale25', scale: 0.25 },
  { kind: 'degraded', name: 'blur1', blur: 1 },
  { kind: 'degraded', name: 'blur2', blur: 2 },
  { kind: 'degraded', name: 'noise25', noise: 25 },
  { kind: 'degraded', name: 'noise60', noise: 60 },
  { kind: 'degraded', name: 'tilt20', tilt: 20 },
  { kind: 'degraded', name: 'contrast40/60', lowContrast: true },
];

export const FRAME_SIZES: readonly FrameSize[] = ['640x480', '1280x720'];

/** Pixels per module at 100 %: 25 % is then 1.5 px, the smallest module issue 13's goal covers. */
export const FULL_MODULE_PX = 6;
/** Quiet zone around the code, in modules (EAN asks for 7 to 11, QR for 4). */
const QUIET_MODULES = 10;
/** Free space kept between the label and the frame's edge. */
const FRAME_MARGIN = 16;

export interface Scene {
  code: SceneCode;
  change: SceneChange;
  frame: FrameSize;
  /** The module width the code has in the frame, in pixels. */
  modulePx: number;
  seed: number;
}

/**
 * The scenes of `codes` × `changes` × `frames`. A label too large for the frame at full size is
 * shown at half size (a cashier holds it farther away); explicit scale changes keep their size,
 * and a scene that still does not fit is left out (it is no picture a camera takes).
 */
export function scenes(codes = SCENE_CODES, changes = SCENE_CHANGES, frames = FRAME_SIZES): Scene[] {
  const out: Scene[] = [];
  let seed = 1;
  for (const code of codes) {
    const size = labelSize(code);
    for (const frame of frames) {
      const [fw, fh] = frameDimensions(frame);
      for (const change of changes) {
        seed++;
        const fits = (modulePx: number) => {
          const [w, h] = rotatedBox(size.width * modulePx, size.height * modulePx, change.rotation ?? 0);
          return w <= fw - 2 * FRAME_MARGIN && h <= fh - 2 * FRAME_MARGIN;
        };
        const candidates = change.scale ? [FULL_MODULE_PX * change.scale] : [FULL_MODULE_PX, FULL_MODULE_PX / 2];
        const modulePx = candidates.find(fits);
        if (modulePx !== undefined) out.push({ code, change, frame, modulePx, seed });
      }
    }
  }
  return out;
}

/**
 * Whether issue 13's goal covers the scene: modules of 1.5 px and more (every scene has them)
 * and "moderate" blur, taken as a Gaussian of at most half a module (sigma 2 px on 3 px modules
 * smears a narrow bar over more than a module and is beyond it). A scene beyond the goal may be
 * missed, never misread.
 */
export function withinGoal(scene: Scene): boolean {
  return scene.modulePx >= 1.5 && (scene.change.blur ?? 0) <= scene.modulePx / 2;
}

export function sceneName(scene: Scene): string {
  return `${scene.code.symbology} ${scene.change.name} ${scene.frame} (${scene.modulePx} px/module, seed ${scene.seed})`;
}

export function frameDimensions(frame: FrameSize): [number, number] {
  return frame === '640x480' ? [640, 480] : [1280, 720];
}

const rendered = new Map<string, OffscreenCanvas>();

/** The code at one pixel a module, with its quiet zone, on a white label. */
function label(code: SceneCode): OffscreenCanvas {
  const key = `${code.bcid} ${code.input}`;
  const cached = rendered.get(key);
  if (cached) return cached;
  const bars = new OffscreenCanvas(1, 1);
  bwipjs.toCanvas(bars as unknown as HTMLCanvasElement, { bcid: code.bcid, text: code.input, scale: 1, ...code.options });
  const canvas = new OffscreenCanvas(bars.width + 2 * QUIET_MODULES, bars.height + 2 * QUIET_MODULES);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bars, QUIET_MODULES, QUIET_MODULES);
  rendered.set(key, canvas);
  return canvas;
}

function labelSize(code: SceneCode): { width: number; height: number } {
  const canvas = label(code);
  return { width: canvas.width, height: canvas.height };
}

function rotatedBox(w: number, h: number, degrees: number): [number, number] {
  const a = (degrees * Math.PI) / 180;
  const [c, s] = [Math.abs(Math.cos(a)), Math.abs(Math.sin(a))];
  return [Math.ceil(w * c + h * s), Math.ceil(w * s + h * c)];
}

/** The frame a camera would give for `scene`, as RGBA. */
export function sceneFrame(scene: Scene): ImageData {
  const [fw, fh] = frameDimensions(scene.frame);
  const random = seeded(scene.seed);
  const frame = new OffscreenCanvas(fw, fh);
  const ctx = frame.getContext('2d', { willReadFrequently: true })!;
  busyBackground(ctx, fw, fh, random);

  const change = scene.change;
  let art = scaledLabel(label(scene.code), scene.modulePx, change.lowContrast === true);
  if (change.tilt) art = tilted(art, change.tilt);
  const [bw, bh] = rotatedBox(art.width, art.height, change.rotation ?? 0);
  const cx = FRAME_MARGIN + bw / 2 + random() * Math.max(0, fw - 2 * FRAME_MARGIN - bw);
  const cy = FRAME_MARGIN + bh / 2 + random() * Math.max(0, fh - 2 * FRAME_MARGIN - bh);
  ctx.save();
  ctx.translate(cx, cy);
  ctx.rotate(((change.rotation ?? 0) * Math.PI) / 180);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(art, -art.width / 2, -art.height / 2);
  ctx.restore();

  let image: ImageData;
  if (change.blur) {
    const blurred = new OffscreenCanvas(fw, fh);
    const bctx = blurred.getContext('2d', { willReadFrequently: true })!;
    // CSS blur(): the length is the Gaussian's standard deviation.
    bctx.filter = `blur(${change.blur}px)`;
    bctx.drawImage(frame, 0, 0);
    image = bctx.getImageData(0, 0, fw, fh);
  } else {
    image = ctx.getImageData(0, 0, fw, fh);
  }
  // Every camera has some sensor noise; the noise changes add a lot more.
  addNoise(image.data, change.noise ?? 4, random);
  return image;
}

/** A frame of the busy background alone: whatever a decoder reads in it is a misread. */
export function backgroundFrame(frame: FrameSize, seed: number): ImageData {
  const [fw, fh] = frameDimensions(frame);
  const random = seeded(seed);
  const ctx = new OffscreenCanvas(fw, fh).getContext('2d', { willReadFrequently: true })!;
  busyBackground(ctx, fw, fh, random);
  const image = ctx.getImageData(0, 0, fw, fh);
  addNoise(image.data, 4, random);
  return image;
}

/** The label at `modulePx` pixels a module; low contrast prints grey 40 % bars on grey 60 %. */
function scaledLabel(source: OffscreenCanvas, modulePx: number, lowContrast: boolean): OffscreenCanvas {
  const whole = Math.ceil(modulePx);
  // Rendered at whole pixels a module first, then smoothed down as a camera's optics would.
  const sharp = new OffscreenCanvas(source.width * whole, source.height * whole);
  const sctx = sharp.getContext('2d')!;
  sctx.imageSmoothingEnabled = false;
  sctx.drawImage(source, 0, 0, sharp.width, sharp.height);
  const out = new OffscreenCanvas(Math.round(source.width * modulePx), Math.round(source.height * modulePx));
  const octx = out.getContext('2d', { willReadFrequently: true })!;
  octx.imageSmoothingEnabled = true;
  octx.imageSmoothingQuality = 'high';
  octx.drawImage(sharp, 0, 0, out.width, out.height);
  if (lowContrast) {
    const image = octx.getImageData(0, 0, out.width, out.height);
    const d = image.data;
    const [dark, light] = [0.6 * 255, 0.4 * 255].map((ink) => 255 - ink);
    for (let i = 0; i < d.length; i += 4) {
      const v = dark + ((light - dark) * d[i]) / 255;
      d[i] = d[i + 1] = d[i + 2] = v;
    }
    octx.putImageData(image, 0, 0);
  }
  return out;
}

/**
 * The label turned `degrees` about its vertical axis, as a pinhole camera two label widths away
 * sees it (a label across about half of a 60 degree view): the near side grows, the far side
 * shrinks (a homography, sampled bilinearly).
 */
function tilted(source: OffscreenCanvas, degrees: number): OffscreenCanvas {
  const a = (degrees * Math.PI) / 180;
  const [w, h] = [source.width, source.height];
  const f = 2 * w;
  const src = source.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, w, h).data;
  // Where the label's corners land decides the output size.
  const project = (x: number, y: number) => {
    const z = f + x * Math.sin(a);
    return [(f * x * Math.cos(a)) / z, (f * y) / z];
  };
  const corners = [project(-w / 2, -h / 2), project(w / 2, -h / 2), project(-w / 2, h / 2), project(w / 2, h / 2)];
  const [u0, u1] = [Math.min(...corners.map((c) => c[0])), Math.max(...corners.map((c) => c[0]))];
  const [v0, v1] = [Math.min(...corners.map((c) => c[1])), Math.max(...corners.map((c) => c[1]))];
  const out = new OffscreenCanvas(Math.ceil(u1 - u0), Math.ceil(v1 - v0));
  const octx = out.getContext('2d', { willReadFrequently: true })!;
  const image = octx.createImageData(out.width, out.height);
  const d = image.data;
  for (let py = 0; py < out.height; py++) {
    for (let px = 0; px < out.width; px++) {
      const [u, v] = [px + u0 + 0.5, py + v0 + 0.5];
      const x = (u * f) / (f * Math.cos(a) - u * Math.sin(a));
      const y = (v * (f + x * Math.sin(a))) / f;
      const [sx, sy] = [x + w / 2 - 0.5, y + h / 2 - 0.5];
      if (sx < 0 || sy < 0 || sx > w - 1 || sy > h - 1) continue;
      const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
      const [fx, fy] = [sx - x0, sy - y0];
      const [x1, y1] = [Math.min(x0 + 1, w - 1), Math.min(y0 + 1, h - 1)];
      const at = (xx: number, yy: number) => src[(yy * w + xx) * 4];
      const value = (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
      const o = (py * out.width + px) * 4;
      d[o] = d[o + 1] = d[o + 2] = value;
      d[o + 3] = 255;
    }
  }
  octx.putImageData(image, 0, 0);
  return out;
}

/** A counter top: gradients, boxes, lines, stripes and print, in many colours. */
function busyBackground(ctx: OffscreenCanvasRenderingContext2D, w: number, h: number, random: () => number): void {
  const gradient = ctx.createLinearGradient(0, 0, w, h);
  gradient.addColorStop(0, '#6b6458');
  gradient.addColorStop(1, '#c9c2b0');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, w, h);
  const colour = () => `hsl(${Math.floor(random() * 360)} ${Math.floor(random() * 80)}% ${Math.floor(15 + random() * 70)}%)`;
  for (let i = 0; i < 40; i++) {
    ctx.fillStyle = colour();
    ctx.fillRect(random() * w, random() * h, 20 + random() * w * 0.3, 10 + random() * h * 0.3);
  }
  for (let i = 0; i < 30; i++) {
    ctx.strokeStyle = colour();
    ctx.lineWidth = 1 + random() * 6;
    ctx.beginPath();
    ctx.moveTo(random() * w, random() * h);
    ctx.lineTo(random() * w, random() * h);
    ctx.stroke();
  }
  // Stripes: what a knitted bag or a shelf edge puts behind a code, and what fools 1D readers.
  for (let s = 0; s < 3; s++) {
    const [x, y, step] = [random() * w, random() * h, 2 + Math.floor(random() * 8)];
    ctx.fillStyle = colour();
    for (let k = 0; k < 20; k++) ctx.fillRect(x + k * step * 2, y, step, 40 + random() * 60);
  }
  for (let i = 0; i < 12; i++) {
    ctx.fillStyle = colour();
    ctx.font = `${10 + Math.floor(random() * 30)}px sans-serif`;
    ctx.fillText('PROMO 2x1 BIO 4,99 EUR', random() * w, random() * h);
  }
}

function addNoise(d: Uint8ClampedArray, sigma: number, random: () => number): void {
  for (let i = 0; i < d.length; i += 4) {
    // Box-Muller: Gaussian noise of standard deviation sigma, the same on the three channels.
    const n = sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    d[i] += n;
    d[i + 1] += n;
    d[i + 2] += n;
  }
}

function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
