import { lumaPlane } from './dither.ts';

/**
 * Bounded image decoding in the worker: the header is read first, so a truncated file, a file that
 * is no image, or an image too large to hold is refused before the browser's decoder sees it.
 */

/** A receipt is 512 px wide and a few thousand tall; these bounds keep one decode under ~130 MB of RGBA. */
export const IMAGE_LIMITS = { maxWidth: 8192, maxHeight: 16384, maxPixels: 32 * 1024 * 1024 } as const;

export class ImageError extends Error {
  override name = 'ImageError';
}

export interface ImageHeader {
  type: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
  /** A JPEG's frame header: its SOF marker, and the offset in the file of its 2-byte height. */
  jpegFrame?: { marker: number; heightAt: number };
}

export interface DecodedImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

const JPEG_SOI = [0xff, 0xd8, 0xff];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// ITU T.81 table B.1: SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
const JPEG_SOS = 0xda;
const JPEG_EOI = 0xd9;

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** Reads type and size from the header and checks the file is complete; throws ImageError otherwise. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length === 0) throw new ImageError('the image is empty');
  let header: ImageHeader;
  if (startsWith(bytes, JPEG_SOI)) header = readJpegHeader(bytes);
  else if (startsWith(bytes, PNG_SIGNATURE)) header = readPngHeader(bytes);
  else throw new ImageError('the data is not a JPEG or PNG image');
  const { width, height } = header;
  if (width === 0 || height === 0) throw new ImageError(`the image has no pixels (${width}x${height})`);
  if (width > IMAGE_LIMITS.maxWidth) throw new ImageError(`the image is ${width} px wide, more than the ${IMAGE_LIMITS.maxWidth} px the hub accepts`);
  if (height > IMAGE_LIMITS.maxHeight) throw new ImageError(`the image is ${height} px tall, more than the ${IMAGE_LIMITS.maxHeight} px the hub accepts`);
  if (width * height > IMAGE_LIMITS.maxPixels) throw new ImageError(`the image has ${width * height} pixels, more than the ${IMAGE_LIMITS.maxPixels} the hub accepts`);
  return header;
}

function readJpegHeader(bytes: Uint8Array): ImageHeader {
  let size: { width: number; height: number; jpegFrame: { marker: number; heightAt: number } } | null = null;
  let offset = 2;
  for (;;) {
    // Markers may be preceded by fill bytes 0xFF (T.81 B.1.1.2).
    while (offset < bytes.length && bytes[offset] === 0xff && bytes[offset + 1] === 0xff) offset++;
    if (offset + 4 > bytes.length) throw new ImageError('the JPEG is truncated (it ends inside its header)');
    if (bytes[offset] !== 0xff) throw new ImageError(`the JPEG is malformed (no marker at byte ${offset})`);
    const marker = bytes[offset + 1];
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    if (length < 2 || offset + 2 + length > bytes.length) throw new ImageError('the JPEG is truncated (a header segment is cut short)');
    if (isStartOfFrame(marker)) {
      if (length < 7) throw new ImageError('the JPEG frame header is malformed');
      size = { height: (bytes[offset + 5] << 8) | bytes[offset + 6], width: (bytes[offset + 7] << 8) | bytes[offset + 8], jpegFrame: { marker, heightAt: offset + 5 } };
    }
    if (marker === JPEG_SOS) break;
    offset += 2 + length;
  }
  if (!size) throw new ImageError('the JPEG has no frame header');
  // Inside entropy-coded data 0xFF is always followed by 0x00 or a restart marker, so FF D9 can only be the end of image.
  if (!hasJpegEnd(bytes, offset)) throw new ImageError('the JPEG is truncated (no end-of-image marker)');
  return { type: 'image/jpeg', ...size };
}

function hasJpegEnd(bytes: Uint8Array, from: number): boolean {
  for (let i = bytes.length - 2; i >= from; i--) if (bytes[i] === 0xff && bytes[i + 1] === JPEG_EOI) return true;
  return false;
}

function readPngHeader(bytes: Uint8Array): ImageHeader {
  // PNG spec 5.3/11.2.2: IHDR comes first; IEND ends the file (its 12 bytes: length 0, "IEND", CRC).
  if (bytes.length < 33) throw new ImageError('the PNG is truncated (it ends inside its header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw new ImageError('the PNG is malformed (IHDR is not its first chunk)');
  const tail = String.fromCharCode(...bytes.subarray(bytes.length - 8, bytes.length - 4));
  if (tail !== 'IEND') throw new ImageError('the PNG is truncated (no IEND chunk at its end)');
  return { type: 'image/png', width: view.getUint32(16), height: view.getUint32(20) };
}

/** 8-bit grey levels, `stride` bytes per row (the decoder's own rows: no copy to repack them). */
export interface GreyImage {
  width: number;
  height: number;
  stride: number;
  grey: Uint8Array;
  /** Done with `grey`: its memory may serve the next decode. */
  release(): void;
}

/**
 * Decoded planes are copied into a kept buffer: a fresh multi-megabyte buffer per receipt costs
 * more in page faults than the copy itself (2 ms of a 2.4 Mpx receipt's 2.3 ms here). Jobs on
 * several printers at once each take their own; buffers above the cap are not kept.
 */
const KEPT_BUFFER_MAX_BYTES = 16 * 1024 * 1024;
const keptBuffers: Uint8Array[] = [];

function takeBuffer(size: number): Uint8Array {
  // The smallest that fits: the small buffer of a receipt's top (decodeGreyTop) must not take the
  // large one its whole decode needs next.
  let index = -1;
  for (let i = 0; i < keptBuffers.length; i++) if (keptBuffers[i].length >= size && (index < 0 || keptBuffers[i].length < keptBuffers[index].length)) index = i;
  return index >= 0 ? keptBuffers.splice(index, 1)[0].subarray(0, size) : new Uint8Array(size);
}

function keepBuffer(buffer: Uint8Array): void {
  const whole = new Uint8Array(buffer.buffer);
  if (whole.length <= KEPT_BUFFER_MAX_BYTES && keptBuffers.length < 2 && !keptBuffers.some((b) => b.buffer === whole.buffer)) keptBuffers.push(whole);
}

/** VideoFrame formats whose first plane is the 8-bit luma (Y) plane. */
const LUMA_FIRST_FORMATS: ReadonlySet<VideoPixelFormat> = new Set(['I420', 'I420A', 'I422', 'I444', 'NV12']);

/**
 * Decodes to grey levels as the box's Pillow `convert('L')` gives them, scaled down to
 * `maxWidth` when wider. A JPEG whose chroma is neutral everywhere (Cb = Cr = 128: every
 * black-and-white receipt the POS renders) goes through WebCodecs' `ImageDecoder`, which hands
 * the decoded Y plane as is: there R = G = B = Y, so Pillow's `L` is exactly Y, without the RGB
 * conversion, the canvas and its readback (the slow half of the canvas path). A colour pixel's L
 * is only within ±1 of its Y, and ±1 reshuffles Floyd-Steinberg's dots in mid-tones (a quarter
 * of them on a colour gradient), so colour JPEGs, PNGs, scaled images and browsers without
 * ImageDecoder take the canvas path, which gives Pillow's RGB and thus its dots.
 */
export async function decodeGrey(bytes: Uint8Array, maxWidth = Infinity): Promise<GreyImage> {
  const header = readImageHeader(bytes);
  if (header.type === 'image/jpeg' && header.width <= maxWidth && typeof ImageDecoder === 'function') {
    const grey = await decodeJpegLuma(bytes, header);
    if (grey) return grey;
  }
  const image = await decodeImage(bytes, maxWidth);
  return { width: image.width, height: image.height, stride: image.width, grey: lumaPlane(image.rgba, image.width, image.height), release: () => undefined };
}

/** The tallest JPEG MCU is 4 × 8 rows (T.81 A.1.1: sampling factors up to 4). */
const MAX_MCU_ROWS = 32;
// Baseline and extended sequential DCT with Huffman coding: one scan after the other from the
// top, so the first rows come from the first bytes of entropy-coded data.
const SEQUENTIAL_HUFFMAN_SOF = new Set([0xc0, 0xc1]);

/**
 * The grey levels of a receipt's first `rows` rows, before the whole image is decoded: the first
 * slice can go to the printer while the rest decodes (a 4790-row receipt decodes in 7-10 ms, its
 * top in 1.5-2). The top is decoded from a copy of the file whose frame header says the image is
 * shorter: a sequential JPEG's decoder reads MCU rows from the top and stops at that height, so
 * those rows are decoded from the very same data as in the whole image (one DCT block does not
 * depend on the blocks below it) and their Y values are the same, byte for byte (the fixture
 * tests compare the streams). The copy holds `MAX_MCU_ROWS` more rows than asked, and whole MCU
 * rows, so that the chroma the neutrality check sees covers every chroma sample upsampling can
 * bring into the asked rows: when that chroma is neutral, R = G = B = Y there and Pillow's L is Y
 * whatever the rest of the image holds (a colour logo further down goes through the canvas path
 * for the rest, and the rows agree). Null when this does not apply (a short image, no
 * ImageDecoder, a progressive or scaled JPEG, colour in the top rows): decode the whole then.
 */
export async function decodeGreyTop(bytes: Uint8Array, rows: number, maxWidth = Infinity): Promise<(GreyImage & { imageHeight: number }) | null> {
  const header = readImageHeader(bytes);
  const topHeight = Math.ceil((rows + MAX_MCU_ROWS) / MAX_MCU_ROWS) * MAX_MCU_ROWS;
  const frame = header.jpegFrame;
  if (!frame || !SEQUENTIAL_HUFFMAN_SOF.has(frame.marker) || header.width > maxWidth || topHeight >= header.height || typeof ImageDecoder !== 'function') return null;
  const top = bytes.slice();
  top[frame.heightAt] = topHeight >> 8;
  top[frame.heightAt + 1] = topHeight & 0xff;
  const grey = await decodeJpegLuma(top, { ...header, height: topHeight });
  if (!grey) return null;
  return { ...grey, height: rows, imageHeight: header.height };
}

async function decodeJpegLuma(bytes: Uint8Array, header: ImageHeader): Promise<GreyImage | null> {
  let decoder: ImageDecoder | null = null;
  let frame: VideoFrame | null = null;
  try {
    decoder = new ImageDecoder({ data: bytes as Uint8Array<ArrayBuffer>, type: header.type, colorSpaceConversion: 'none', preferAnimation: false });
    frame = (await decoder.decode()).image;
    if (!frame.format || !LUMA_FIRST_FORMATS.has(frame.format) || frame.codedWidth < header.width || frame.codedHeight < header.height) return null;
    const planes = takeBuffer(frame.allocationSize());
    let layout: PlaneLayout[];
    try {
      layout = await frame.copyTo(planes);
    } catch (error) {
      keepBuffer(planes);
      throw error;
    }
    // copyTo without a layout packs the planes one after the other: the chroma lies between the
    // luma and the end (or the alpha plane of I420A).
    const chromaEnd = frame.format === 'I420A' ? layout[3].offset : planes.length;
    if (!isNeutralChroma(planes.subarray(layout[1].offset, chromaEnd))) {
      keepBuffer(planes);
      return null;
    }
    const luma = layout[0];
    return { width: header.width, height: header.height, stride: luma.stride, grey: planes.subarray(luma.offset), release: () => keepBuffer(planes) };
  } catch (error) {
    throw new ImageError(`the JPEG could not be decoded (${(error as Error).message})`);
  } finally {
    frame?.close();
    decoder?.close();
  }
}

/** JPEG chroma 128 is no colour (T.871 §7: Cb and Cr are offset by 128). */
const NEUTRAL_CHROMA = 0x80;
const NEUTRAL_CHROMA_WORD = 0x80808080;

function isNeutralChroma(chroma: Uint8Array): boolean {
  const head = Math.min(chroma.length, (4 - (chroma.byteOffset & 3)) & 3);
  for (let i = 0; i < head; i++) if (chroma[i] !== NEUTRAL_CHROMA) return false;
  const words = new Uint32Array(chroma.buffer, chroma.byteOffset + head, (chroma.length - head) >> 2);
  for (let i = 0; i < words.length; i++) if (words[i] !== NEUTRAL_CHROMA_WORD) return false;
  for (let i = head + words.length * 4; i < chroma.length; i++) if (chroma[i] !== NEUTRAL_CHROMA) return false;
  return true;
}

/**
 * Decodes with the browser's own decoder (createImageBitmap + OffscreenCanvas, both in workers),
 * scaled down to `maxWidth` when wider, flattened on white (transparent parts are paper).
 * Colour profiles are ignored, as Pillow ignores them, so the grey levels are the file's.
 */
export async function decodeImage(bytes: Uint8Array, maxWidth = Infinity): Promise<DecodedImage> {
  const header = readImageHeader(bytes);
  const scale = header.width > maxWidth ? maxWidth / header.width : 1;
  const width = scale === 1 ? header.width : Math.floor(maxWidth);
  const height = scale === 1 ? header.height : Math.max(1, Math.round(header.height * scale));
  let bitmap: ImageBitmap;
  try {
    const options: ImageBitmapOptions = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' };
    if (scale !== 1) Object.assign(options, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: header.type }), options);
  } catch (error) {
    throw new ImageError(`the ${header.type === 'image/jpeg' ? 'JPEG' : 'PNG'} could not be decoded (${(error as Error).message})`);
  }
  try {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new ImageError('this browser gives the worker no 2D canvas to decode into');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0);
    return { width, height, rgba: context.getImageData(0, 0, width, height).data };
  } finally {
    bitmap.close();
  }
}
