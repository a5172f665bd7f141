/**
 * Where a 2D code may be in a camera frame. Data Matrix detectors lose codes in a busy frame:
 * zxing-cpp's missed a sharp 44x44 code turned a quarter in a cluttered 1280x720 frame that it
 * read at once cropped to 980x720, and @zxing/library's grows a white rectangle from the image
 * centre, so it finds a code only near the middle of what it is given. Cropping the frame to
 * each textured region first makes both read codes anywhere in view.
 * A region is a group of cells that have strong local contrast and module edges both ways
 * (1D barcodes change only along one axis, noise and label borders are weak or single edges).
 */
const CELL = 8;
/** Luminance range inside a cell that counts as printed modules, not sensor noise. */
const MIN_CONTRAST = 64;
/** Light/dark changes per cell along each axis that say "modules", not a single edge. */
const MIN_TRANSITIONS = 3;
const MIN_CELLS = 9;
const MARGIN = 2 * CELL;
const MAX_REGIONS = 3;

export type Region = [left: number, top: number, width: number, height: number];

export function findCodeRegions(lum: Uint8Array | Uint8ClampedArray, width: number, height: number): Region[] {
  const cols = Math.floor(width / CELL);
  const rows = Math.floor(height / CELL);
  const seeds = new Uint8Array(cols * rows);
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) seeds[cy * cols + cx] = isTextured(lum, width, cx * CELL, cy * CELL) ? 1 : 0;
  }
  // Grown by one cell: cells inside a large module or along the solid finder edges have no
  // texture of their own, and would split one code into pieces.
  const textured = new Uint8Array(cols * rows);
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      for (let dy = -1; dy <= 1 && !textured[cy * cols + cx]; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [x, y] = [cx + dx, cy + dy];
          if (x >= 0 && y >= 0 && x < cols && y < rows && seeds[y * cols + x]) textured[cy * cols + cx] = 1;
        }
      }
    }
  }
  const regions: Array<{ cells: number; box: Region }> = [];
  const stack: number[] = [];
  for (let start = 0; start < textured.length; start++) {
    if (textured[start] !== 1) continue;
    textured[start] = 2;
    stack.push(start);
    let cells = 0;
    let [x0, y0, x1, y1] = [cols, rows, 0, 0];
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % cols;
      const y = (i - x) / cols;
      cells++;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]]) {
        const n = ny * cols + nx;
        if (nx >= 0 && ny >= 0 && nx < cols && ny < rows && textured[n] === 1) {
          textured[n] = 2;
          stack.push(n);
        }
      }
    }
    const [w, h] = [x1 - x0 + 1, y1 - y0 + 1];
    if (cells < MIN_CELLS || w > 2 * h || h > 2 * w) continue;
    const left = Math.max(0, x0 * CELL - MARGIN);
    const top = Math.max(0, y0 * CELL - MARGIN);
    regions.push({ cells, box: [left, top, Math.min(width, (x1 + 1) * CELL + MARGIN) - left, Math.min(height, (y1 + 1) * CELL + MARGIN) - top] });
  }
  return regions.sort((a, b) => b.cells - a.cells).slice(0, MAX_REGIONS).map((r) => r.box);
}

function isTextured(lum: Uint8Array | Uint8ClampedArray, width: number, x0: number, y0: number): boolean {
  let min = 255;
  let max = 0;
  for (let y = y0; y < y0 + CELL; y++) {
    for (let x = x0; x < x0 + CELL; x++) {
      const v = lum[y * width + x];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (max - min < MIN_CONTRAST) return false;
  const mid = (max + min) >> 1;
  let across = 0;
  let down = 0;
  for (let y = y0; y < y0 + CELL; y++) {
    for (let x = x0; x < x0 + CELL; x++) {
      const dark = lum[y * width + x] < mid;
      if (x > x0 && dark !== lum[y * width + x - 1] < mid) across++;
      if (y > y0 && dark !== lum[(y - 1) * width + x] < mid) down++;
    }
  }
  return across >= MIN_TRANSITIONS && down >= MIN_TRANSITIONS;
}
