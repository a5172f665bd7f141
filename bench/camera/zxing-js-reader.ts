/**
 * The benchmark's other candidate: @zxing/library (the design card's decoder, a TypeScript port
 * of ZXing) behind the hub decoder's own passes (upright, a quarter turn, regions turned upright
 * and sharpened), with TRY_HARDER, GS1 FNC1 handling, and its Data Matrix detector helped by
 * crops (it only finds codes near the centre of what it is given). Side by side with zxing-cpp
 * in `npm run bench -- camera`.
 */
import {
  BarcodeFormat, BinaryBitmap, ChecksumException, DecodeHintType, FormatException, HybridBinarizer,
  MultiFormatReader, NotFoundException, RGBLuminanceSource, DataMatrixReader, type Result,
} from '@zxing/library';
import type { CodeReader } from '../../workers/drivers/camera/barcode-decoder.ts';
import type { CameraFormat } from '../../workers/drivers/camera/camera-formats.ts';
import { scanOf, type Scan } from '../../workers/drivers/camera/symbology.ts';
import { findCodeRegions } from '../../workers/drivers/camera/code-regions.ts';

const FORMATS: Record<CameraFormat, BarcodeFormat> = {
  ean13: BarcodeFormat.EAN_13, ean8: BarcodeFormat.EAN_8, upca: BarcodeFormat.UPC_A, upce: BarcodeFormat.UPC_E,
  code128: BarcodeFormat.CODE_128, code39: BarcodeFormat.CODE_39, itf: BarcodeFormat.ITF, qrcode: BarcodeFormat.QR_CODE,
  datamatrix: BarcodeFormat.DATA_MATRIX, pdf417: BarcodeFormat.PDF_417,
};
/** zxing-cpp's format names, which the hub's symbology names are keyed on. */
const NAMES: Partial<Record<BarcodeFormat, string>> = {
  [BarcodeFormat.EAN_13]: 'EAN13', [BarcodeFormat.EAN_8]: 'EAN8', [BarcodeFormat.UPC_A]: 'UPCA', [BarcodeFormat.UPC_E]: 'UPCE',
  [BarcodeFormat.CODE_128]: 'Code128', [BarcodeFormat.CODE_39]: 'Code39', [BarcodeFormat.ITF]: 'ITF', [BarcodeFormat.QR_CODE]: 'QRCode',
  [BarcodeFormat.DATA_MATRIX]: 'DataMatrix', [BarcodeFormat.PDF_417]: 'PDF417',
};
const GS = '\u001d';
const GS1_128_PREFIX = ']C1';

export async function loadZxingJsReader(formats: readonly CameraFormat[]): Promise<CodeReader> {
  const reader = new MultiFormatReader();
  reader.setHints(new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, formats.map((f) => FORMATS[f])],
    [DecodeHintType.TRY_HARDER, true],
    // FNC1 as GS, and ']C1' ahead of a GS1-128's data (taken off below).
    [DecodeHintType.ASSUME_GS1, true],
  ]) as Map<never, never>);
  const dataMatrix = formats.includes('datamatrix') ? new DataMatrixReader() : null;
  const notFound = (error: unknown) => error instanceof NotFoundException || error instanceof ChecksumException || error instanceof FormatException;

  const attempt = (decode: () => Result): Scan | null => {
    try {
      return scanOfResult(decode(), formats);
    } catch (error) {
      if (!notFound(error)) throw error;
      return null;
    } finally {
      reader.reset();
    }
  };
  const readLuminance = (lum: Uint8ClampedArray, width: number, height: number): Scan | null => {
    const source = new RGBLuminanceSource(lum, width, height);
    const scan = attempt(() => reader.decodeWithState(new BinaryBitmap(new HybridBinarizer(source))));
    if (scan || !dataMatrix) return scan;
    for (const region of findCodeRegions(lum, width, height)) {
      const found = attempt(() => dataMatrix.decode(new BinaryBitmap(new HybridBinarizer(source.crop(...region)))));
      if (found) return found;
    }
    return null;
  };

  return {
    async read(image, rotate) {
      const { width, height, data } = image;
      const lum = new Uint8ClampedArray(width * height);
      for (let i = 0, j = 0; i < lum.length; i++, j += 4) lum[i] = (data[j] * 306 + data[j + 1] * 601 + data[j + 2] * 117) >> 10;
      const scan = readLuminance(lum, width, height);
      if (scan || !rotate) return scan;
      // Its luminance source cannot rotate: the quarter turn is made here.
      const turned = new Uint8ClampedArray(lum.length);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) turned[x * height + (height - 1 - y)] = lum[y * width + x];
      return readLuminance(turned, height, width);
    },
  };
}

function scanOfResult(result: Result, formats: readonly CameraFormat[]): Scan | null {
  let text = result.getText();
  let contentType = 'Text';
  // GS1 as this port marks it: ']C1' before a GS1-128, a leading FNC1 (GS) in a Data Matrix.
  if (text.startsWith(GS1_128_PREFIX)) [text, contentType] = [text.slice(GS1_128_PREFIX.length), 'GS1'];
  else if (text.startsWith(GS)) [text, contentType] = [text.slice(1), 'GS1'];
  const format = NAMES[result.getBarcodeFormat()];
  return format ? scanOf({ format, text, contentType, extra: '' }, formats) : null;
}
