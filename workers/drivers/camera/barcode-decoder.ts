import { DEFAULT_CAMERA_FORMATS, type CameraFormat } from './camera-formats.ts';
import { findOrientedRegions, type OrientedRegion } from './oriented-regions.ts';
import { findCodeRegions } from './code-regions.ts';
import { cutBox, cutUpright, quarterTurn, sharpened } from './image-cuts.ts';
import type { Scan } from './symbology.ts';
import type { CodeReader, LoadReader } from './code-reader.ts';

export type { CodeReader, LoadReader };

/** Frames larger than this are refused: a camera frame for scanning is VGA to HD. */
const MAX_PIXELS = 1920 * 1080;
/** How far the confirming cut is turned from the first (radians): one degree. */
const CONFIRM_TURN = Math.PI / 180;

export type DecodePass = 'upright' | 'right-angles' | 'any-angle' | 'matrix-regions';
/** After the upright pass, the passes a frame gets while time remains, in turn across frames. */
const EXTRA_PASSES: readonly DecodePass[] = ['right-angles', 'any-angle', 'matrix-regions'];
/** The steps whose cost the budget is kept with: reads of the frame, of it turned (the turning too), finding regions, reads of a region's cut, finding 2D codes' boxes, reads of a box. */
type Step = 'upright' | 'turned' | 'regions' | 'crop' | 'matrix-regions' | 'box';
/** A pass that did not start: what it would cost did not fit the frame's budget. */
const SKIPPED: unique symbol = Symbol('skipped');
/** A pass that started and ran out of budget before it was through. */
const STOPPED: unique symbol = Symbol('stopped');
/** Frames in a row that may go without a rotation pass (a busy machine): the next one gets one. */
const MAX_STARVED_FRAMES = 2;
/** How fast the cost estimate follows the measured one (exponential smoothing). */
const COST_SMOOTHING = 0.3;

export interface DecodeOptions {
  /** performance.now() after which no further pass starts; the remaining passes go to the next frame. */
  deadline?: number;
}


/** zxing-cpp (WebAssembly), the hub's engine: loaded with the decoder, when a camera starts. */
const loadZxingCpp: LoadReader = async (formats) => (await import('./zxing-cpp-reader.ts')).loadZxingCppReader(formats);

export interface DecodeReport {
  scan: Scan | null;
  /** The passes this frame got. */
  passes: DecodePass[];
  /** True when the budget left passes (or a pass's regions) out; the next frame starts with the pass that did not run. */
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
  /** The frame `luminance` was computed for. */
  private luminanceOf: ImageData | null = null;
  private nextExtra = 0;
  /** Frames in a row whose rotation passes did not fit their budget. */
  private starved = 0;
  /** What each step cost lately, in ms a megapixel: a step that would overrun the budget waits for the next frame. */
  private readonly cost = new Map<Step, number>();

  constructor(
    private readonly formats: readonly CameraFormat[] = DEFAULT_CAMERA_FORMATS,
    private readonly loadReader: LoadReader = loadZxingCpp,
  ) {}

  async load(): Promise<void> {
    this.reader ??= await this.loadReader(this.formats);
  }

  /** The code in the RGBA frame, or null when none is readable (every pass in order, no deadline). */
  async decode(rgba: Uint8ClampedArray<ArrayBuffer>, width: number, height: number): Promise<Scan | null> {
    this.nextExtra = 0;
    return (await this.decodeFrame(rgba, width, height)).scan;
  }

  async decodeFrame(rgba: Uint8ClampedArray<ArrayBuffer>, width: number, height: number, options: DecodeOptions = {}): Promise<DecodeReport> {
    if (!this.reader) throw new Error('BarcodeDecoder.load() first');
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width * height > MAX_PIXELS) {
      throw new RangeError(`frame of ${width}x${height} is not a camera frame`);
    }
    if (rgba.length !== width * height * 4) throw new RangeError(`frame data of ${rgba.length} bytes does not match ${width}x${height} RGBA`);
    const frame = new ImageData(rgba, width, height);
    const started = performance.now();
    const pixels = width * height;
    this.luminanceOf = null;
    const passes: DecodePass[] = ['upright'];
    // Every frame gets the upright pass (no deadline: it is never skipped).
    let scan = (await this.within('upright', pixels, Infinity, () => this.reader!.read(frame, false))) as Scan | null;
    let deadline = options.deadline ?? Infinity;
    // When the upright pass alone fills the budget (a busy machine), every third frame still gets
    // one rotation pass: its first step starts whatever it costs, the rest of it gets a frame's
    // budget of its own.
    const forced = this.starved >= MAX_STARVED_FRAMES && performance.now() + this.expected('turned', pixels) > deadline;
    if (forced) deadline = performance.now() + (deadline - started);
    let cut = false;
    for (let i = 0; scan === null && i < (forced ? 1 : EXTRA_PASSES.length); i++) {
      const pass = EXTRA_PASSES[this.nextExtra];
      const outcome = pass === 'right-angles'
        ? await this.within('turned', pixels, forced ? Infinity : deadline, () => this.reader!.read(quarterTurn(this.luminanceFor(frame), width, height), false))
        : pass === 'any-angle' ? await this.anyAngle(frame, deadline, forced) : await this.matrixRegions(frame, deadline, forced);
      if (outcome === SKIPPED && passes.length === 1) {
        cut = true;
        break;
      }
      // A pass that began is done for this turn, even if the budget stopped it among its regions.
      this.nextExtra = (this.nextExtra + 1) % EXTRA_PASSES.length;
      passes.push(pass);
      if (outcome === SKIPPED || outcome === STOPPED) {
        cut = true;
        break;
      }
      scan = outcome;
    }
    this.starved = passes.length === 1 && cut ? this.starved + 1 : 0;
    if (forced && scan === null && passes.length > 1) cut = true;
    if (scan) this.nextExtra = 0;
    return { scan, passes, cut };
  }

  private expected(step: Step, pixels: number): number {
    return ((this.cost.get(step) ?? 0) * pixels) / 1e6;
  }

  /**
   * `work` on `pixels` pixels, unless what such a step cost lately says it would end after
   * `deadline`; what it took then updates that estimate.
   */
  private async within<T>(step: Step, pixels: number, deadline: number, work: () => Promise<T> | T): Promise<T | typeof SKIPPED> {
    const started = performance.now();
    if (started + this.expected(step, pixels) > deadline) return SKIPPED;
    const result = await work();
    const perMegapixel = ((performance.now() - started) * 1e6) / pixels;
    const last = this.cost.get(step);
    this.cost.set(step, last === undefined ? perMegapixel : last + COST_SMOOTHING * (perMegapixel - last));
    return result;
  }

  /** SKIPPED when the budget had no room to start, STOPPED when it ran out among the regions. */
  private async anyAngle(frame: ImageData, deadline: number, mustStart: boolean): Promise<Scan | null | typeof SKIPPED | typeof STOPPED> {
    const pixels = frame.width * frame.height;
    const regions = await this.within('regions', pixels, mustStart ? Infinity : deadline, () => findOrientedRegions(this.luminanceFor(frame), frame.width, frame.height));
    if (regions === SKIPPED) return SKIPPED;
    const lum = this.luminanceFor(frame);
    let reads = 0;
    for (const region of regions) {
      const crop = cutUpright(lum, frame.width, frame.height, region);
      if (!crop) continue;
      // The sharpened copy gives a blurred frame's bars their edges back.
      for (const sharpen of [false, true]) {
        const until = mustStart && reads++ === 0 ? Infinity : deadline;
        const scan = await this.within('crop', crop.width * crop.height, until, () => this.reader!.read(sharpen ? sharpened(crop) : crop, true));
        if (scan === SKIPPED) return STOPPED;
        if (scan !== null && (await this.confirmed(scan, lum, frame, region, sharpen))) return scan;
      }
    }
    return null;
  }

  /** The boxes where 2D codes may be, each read on its own (a detector loses codes in a busy frame). */
  private async matrixRegions(frame: ImageData, deadline: number, mustStart: boolean): Promise<Scan | null | typeof SKIPPED | typeof STOPPED> {
    const pixels = frame.width * frame.height;
    const lum = this.luminanceFor(frame);
    const boxes = await this.within('matrix-regions', pixels, mustStart ? Infinity : deadline, () => findCodeRegions(lum, frame.width, frame.height));
    if (boxes === SKIPPED) return SKIPPED;
    for (const [i, box] of boxes.entries()) {
      const scan = await this.within('box', box[2] * box[3], mustStart && i === 0 ? Infinity : deadline, () => this.reader!.read(cutBox(lum, frame.width, box), false));
      if (scan === SKIPPED) return STOPPED;
      if (scan !== null) return scan;
    }
    return null;
  }

  /**
   * Whether the same cut, made again half a pixel and a degree away, reads the same text.
   * Resampling and sharpening small modules can now and then make bars that decode, checksum
   * and all, to another code (a 1.5 px Code 128 did in the benchmark); two samplings that agree
   * do not come from such an accident.
   */
  private async confirmed(scan: Scan, lum: Uint8Array, frame: ImageData, region: OrientedRegion, sharpen: boolean): Promise<boolean> {
    const moved = { ...region, cx: region.cx + 0.5, cy: region.cy + 0.5, angle: region.angle + CONFIRM_TURN };
    const crop = cutUpright(lum, frame.width, frame.height, moved);
    if (!crop) return false;
    return (await this.reader!.read(sharpen ? sharpened(crop) : crop, true))?.text === scan.text;
  }

  private luminanceFor(frame: ImageData): Uint8Array {
    if (this.luminanceOf === frame) return this.luminance;
    const pixels = frame.width * frame.height;
    if (this.luminance.length !== pixels) this.luminance = new Uint8Array(pixels);
    const d = frame.data;
    const lum = this.luminance;
    for (let i = 0, j = 0; i < pixels; i++, j += 4) lum[i] = (d[j] * 306 + d[j + 1] * 601 + d[j + 2] * 117) >> 10;
    this.luminanceOf = frame;
    return lum;
  }
}
