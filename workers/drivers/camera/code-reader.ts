import type { CameraFormat } from './camera-formats.ts';
import type { Scan } from './symbology.ts';

/** A barcode engine: reads one code from an image, at right angles too when `rotate` is set. */
export interface CodeReader {
  read(image: ImageData, rotate: boolean): Promise<Scan | null>;
}

export type LoadReader = (formats: readonly CameraFormat[]) => Promise<CodeReader>;
