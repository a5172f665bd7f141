import type { Bitmap } from './bitmap.ts';
import { ditherToBitmap } from './dither.ts';

export interface TextLine {
  text: string;
  /** Font size in dots (203 dpi: 24 dots is a normal receipt line). */
  size?: number;
  bold?: boolean;
  center?: boolean;
}

const MARGIN = 8;
const DEFAULT_SIZE = 24;

/**
 * Renders text lines to printer dots with the system font: any script prints the same way on
 * ESC/POS and Star printers, without code pages. Long lines wrap at the paper width.
 */
export function renderTextLines(lines: readonly TextLine[], widthDots: number): Bitmap {
  const measure = new OffscreenCanvas(1, 1).getContext('2d')!;
  const laidOut: Array<{ text: string; size: number; font: string; center: boolean }> = [];
  for (const line of lines) {
    const size = line.size ?? DEFAULT_SIZE;
    const font = `${line.bold ? 'bold ' : ''}${size}px sans-serif`;
    measure.font = font;
    for (const piece of wrap(line.text, (t) => measure.measureText(t).width, widthDots - 2 * MARGIN)) {
      laidOut.push({ text: piece, size, font, center: line.center ?? false });
    }
  }
  const height = MARGIN * 2 + laidOut.reduce((sum, l) => sum + Math.ceil(l.size * 1.3), 0);
  const canvas = new OffscreenCanvas(widthDots, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, widthDots, height);
  context.fillStyle = '#000';
  context.textBaseline = 'top';
  let y = MARGIN;
  for (const line of laidOut) {
    context.font = line.font;
    context.textAlign = line.center ? 'center' : 'left';
    context.fillText(line.text, line.center ? widthDots / 2 : MARGIN, y);
    y += Math.ceil(line.size * 1.3);
  }
  return ditherToBitmap(context.getImageData(0, 0, widthDots, height).data, widthDots, height);
}

function wrap(text: string, width: (t: string) => number, max: number): string[] {
  if (text === '') return [''];
  const out: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const candidate = current ? `${current} ${word}` : word;
    if (width(candidate) <= max || !current) current = candidate;
    else {
      out.push(current);
      current = word;
    }
  }
  out.push(current);
  return out;
}
