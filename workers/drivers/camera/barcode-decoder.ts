import type { BarcodeFormat as ZxingFormat, DataMatrixReader, MultiFormatReader } from '@zxing/library';
import { findCodeRegions } from './code-regions.ts';

/** The formats the hub can read from camera frames (names as the shop chooses them). */
export const CAMERA_FORMATS = ['ean13', 'ean8', 'upca', 'upce', 'code128', 'code39', 'itf', 'qrcode', 'datamatrix'] as const;
export type CameraFormat = (typeof CAMERA_FORMATS)[number];
/** Retail 1D codes plus QR: what a POS counter usually sees. */
export const DEFAULT_CAMERA_FORMATS: CameraFormat[] = ['ean13', 'ean8', 'upca', 'code128', 'qrcode'];
/** Frames larger than this are refused: a camera frame for scanning is VGA to HD. */
const MAX_PIXELS = 1920 * 1080;

/**
 * Decodes barcodes from camera frames with @zxing/library, loaded on first use (it is large).
 * Only the configured formats are tried and TRY_HARDER stays off: the live loop must keep up
 * with the camera (devices.md).
 */
export class BarcodeDecoder {
  private reader: MultiFormatReader | null = null;
  /** Data Matrix gets a second look at cropped regions (see code-regions.ts). */
  private dataMatrix: DataMatrixReader | null = null;
  private zxing: typeof import('@zxing/library') | null = null;
  private luminance = new Uint8ClampedArray(0);

  constructor(private readonly formats: readonly CameraFormat[] = DEFAULT_CAMERA_FORMATS) {}

  async load(): Promise<void> {
    if (this.reader) return;
    const zxing = await import('@zxing/library');
    const names: Record<CameraFormat, ZxingFormat> = {
      ean13: zxing.BarcodeFormat.EAN_13, ean8: zxing.BarcodeFormat.EAN_8, upca: zxing.BarcodeFormat.UPC_A,
      upce: zxing.BarcodeFormat.UPC_E, code128: zxing.BarcodeFormat.CODE_128, code39: zxing.BarcodeFormat.CODE_39,
      itf: zxing.BarcodeFormat.ITF, qrcode: zxing.BarcodeFormat.QR_CODE, datamatrix: zxing.BarcodeFormat.DATA_MATRIX,
    };
    const hints = new Map<unknown, unknown>([[zxing.DecodeHintType.POSSIBLE_FORMATS, this.formats.map((f) => names[f])]]);
    const reader = new zxing.MultiFormatReader();
    reader.setHints(hints as Map<never, never>);
    this.zxing = zxing;
    this.reader = reader;
    if (this.formats.includes('datamatrix')) this.dataMatrix = new zxing.DataMatrixReader();
  }

  /** The text of the code in the RGBA frame, or null when none is readable. */
  decode(rgba: Uint8ClampedArray, width: number, height: number): string | null {
    if (!this.reader || !this.zxing) throw new Error('BarcodeDecoder.load() first');
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width * height > MAX_PIXELS) {
      throw new RangeError(`frame of ${width}x${height} is not a camera frame`);
    }
    if (rgba.length !== width * height * 4) throw new RangeError(`frame data of ${rgba.length} bytes does not match ${width}x${height} RGBA`);
    const pixels = width * height;
    if (this.luminance.length !== pixels) this.luminance = new Uint8ClampedArray(pixels);
    const lum = this.luminance;
    for (let i = 0, j = 0; i < pixels; i++, j += 4) lum[i] = (rgba[j] * 299 + rgba[j + 1] * 587 + rgba[j + 2] * 114) / 1000;
    const { RGBLuminanceSource, BinaryBitmap, HybridBinarizer, NotFoundException, ChecksumException, FormatException } = this.zxing;
    const source = new RGBLuminanceSource(lum, width, height);
    const notFound = (error: unknown) => error instanceof NotFoundException || error instanceof ChecksumException || error instanceof FormatException;
    try {
      return this.reader.decodeWithState(new BinaryBitmap(new HybridBinarizer(source))).getText();
    } catch (error) {
      if (!notFound(error)) throw error;
    } finally {
      this.reader.reset();
    }
    if (!this.dataMatrix) return null;
    for (const region of findCodeRegions(lum, width, height)) {
      try {
        return this.dataMatrix.decode(new BinaryBitmap(new HybridBinarizer(source.crop(...region)))).getText();
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    }
    return null;
  }
}

export function cameraFormats(setting: unknown): CameraFormat[] {
  if (typeof setting !== 'string' || !setting.trim()) return DEFAULT_CAMERA_FORMATS;
  const chosen = setting.split(',').map((f) => f.trim().toLowerCase()).filter((f): f is CameraFormat => (CAMERA_FORMATS as readonly string[]).includes(f));
  return chosen.length ? chosen : DEFAULT_CAMERA_FORMATS;
}
