import type { ReadInputBarcodeFormat } from 'zxing-wasm/reader';
import type { CameraFormat } from './camera-formats.ts';
import type { CodeReader } from './code-reader.ts';
import { scanOf } from './symbology.ts';

/** zxing-cpp's names for the formats a shop chooses. */
const ZXING_FORMATS: Record<CameraFormat, ReadInputBarcodeFormat> = {
  ean13: 'EAN13', ean8: 'EAN8', upca: 'UPCA', upce: 'UPCE', code128: 'Code128', code39: 'Code39',
  itf: 'ITF', qrcode: 'QRCode', datamatrix: 'DataMatrix', pdf417: 'PDF417',
};

/**
 * zxing-cpp compiled to WebAssembly (zxing-wasm): the WebAssembly comes from the hub's own origin
 * (the package would fetch it from a CDN otherwise) and its service worker's precache.
 */
export async function loadZxingCppReader(formats: readonly CameraFormat[]): Promise<CodeReader> {
  const [zxing, { ZXING_WASM_URL }] = await Promise.all([import('zxing-wasm/reader'), import('./zxing-wasm-url.ts')]);
  await zxing.prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? ZXING_WASM_URL : prefix + path) },
    fireImmediately: true,
  });
  const zxingFormats = formats.map((f) => ZXING_FORMATS[f]);
  return {
    async read(image, rotate) {
      const results = await zxing.readBarcodes(image, {
        formats: zxingFormats,
        tryHarder: true,
        tryRotate: rotate,
        // Inverted (light on dark) codes are not what a shop's labels are; the pass would cost a third more.
        tryInvert: false,
        tryDownscale: true,
        // GS1 content as data, FNC1 separators as GS (0x1D), not "(01)..." for people.
        textMode: 'Plain',
        maxNumberOfSymbols: 1,
      });
      for (const result of results) {
        if (!result.isValid) continue;
        const scan = scanOf(result, formats);
        if (scan) return scan;
      }
      return null;
    },
  };
}
