/**
 * Where a barcode that is neither upright nor at a right angle may be in a frame, and at what
 * angle. A 1D code (and a PDF417's rows) is a patch of strong edges that all run one way: the
 * structure tensor of the luminance gradient says how strong and how one-sided the edges of each
 * cell are, and neighbouring cells whose edges run the same way are one candidate. Noise and
 * print are strong but point every way; a box side or a drawn line is one or two edges where
 * bars give several. A candidate starts from cells that are bars for sure and grows over the
 * weaker ones around them (a blurred code's), a few cells at most from the last strong one, as
 * long as their edges run the same way.
 * The decoder turns each candidate upright before reading it, so the rows it scans cross every bar.
 */
/** Cell side in pixels of the half-size image the tensor is computed on (16 px of the frame). */
const CELL = 8;
/** Mean squared gradient a cell needs (grey levels², half-size image): a printed edge, not a shadow. */
const MIN_ENERGY = 150;
/** A blurred or faint code's cells have less: they join a region that strong cells started, at this share of MIN_ENERGY. */
const WEAK_SHARE = 0.25;
/** How many weak cells in a row a region grows over from its last strong one. */
const MAX_WEAK_HOPS = 3;
/** 0 (edges every way) .. 1 (all edges one way): bars score high, noise and text low. */
const MIN_COHERENCE = 0.55;
/** Half-size pixels walked each side of a cell's centre across its edges (32 frame pixels in all). */
const CROSSING_REACH = 8;
/** Changes a cell of bars shows on that walk (a line has two edges, a box side one). */
const MIN_CROSSINGS = 3;
/** Neighbouring cells are one code when their bar directions differ by less than this. */
const MAX_ANGLE_STEP = (20 * Math.PI) / 180;
/** A code covers a few cells at least: 4 cells of 16 px hold a 1.5 px-module EAN's guard bars. */
const MIN_CELLS = 4;
export const MAX_ORIENTED_REGIONS = 4;

export interface OrientedRegion {
  /** Centre in frame pixels. */
  cx: number;
  cy: number;
  /** The scan direction (across the bars), radians, in (-π/2, π/2]. */
  angle: number;
  /** Extent along the scan direction and across it, frame pixels. */
  length: number;
  breadth: number;
  cells: number;
}

interface Cell {
  angle: number;
  energy: number;
  /** Bars for sure: a region starts from such cells and grows over weaker ones that run the same way. */
  strong: boolean;
}

/** Candidates, largest first; `lum` is the frame's luminance (one byte a pixel). */
export function findOrientedRegions(lum: Uint8Array | Uint8ClampedArray, width: number, height: number): OrientedRegion[] {
  // Half size first: averaging 2x2 pixels halves the sensor noise and quarters the work.
  const w = width >> 1;
  const h = height >> 1;
  const half = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * width;
    const r1 = r0 + width;
    for (let x = 0; x < w; x++) half[y * w + x] = (lum[r0 + 2 * x] + lum[r0 + 2 * x + 1] + lum[r1 + 2 * x] + lum[r1 + 2 * x + 1]) / 4;
  }
  const cols = Math.floor((w - 2) / CELL);
  const rows = Math.floor((h - 2) / CELL);
  const cells: Array<Cell | null> = new Array(cols * rows).fill(null);
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      let jxx = 0;
      let jyy = 0;
      let jxy = 0;
      for (let y = 1 + cy * CELL; y < 1 + (cy + 1) * CELL; y++) {
        for (let x = 1 + cx * CELL; x < 1 + (cx + 1) * CELL; x++) {
          // Scharr's kernel: its gradient direction holds at every angle, where a plain
          // difference leans toward the diagonals on pixel-stepped edges.
          const i = y * w + x;
          const [a, b, c, d, f, g, k, m] = [half[i - w - 1], half[i - w], half[i - w + 1], half[i - 1], half[i + 1], half[i + w - 1], half[i + w], half[i + w + 1]];
          const gx = (3 * (c - a) + 10 * (f - d) + 3 * (m - g)) / 32;
          const gy = (3 * (g - a) + 10 * (k - b) + 3 * (m - c)) / 32;
          jxx += gx * gx;
          jyy += gy * gy;
          jxy += gx * gy;
        }
      }
      const energy = (jxx + jyy) / (CELL * CELL);
      if (energy < MIN_ENERGY * WEAK_SHARE) continue;
      const coherence = Math.sqrt((jxx - jyy) ** 2 + 4 * jxy * jxy) / (jxx + jyy);
      if (coherence < MIN_COHERENCE) continue;
      const angle = 0.5 * Math.atan2(2 * jxy, jxx - jyy);
      const strong = energy >= MIN_ENERGY && crossings(half, w, h, (cx + 0.5) * CELL + 1, (cy + 0.5) * CELL + 1, angle) >= MIN_CROSSINGS;
      cells[cy * cols + cx] = { angle, energy, strong };
    }
  }

  const seen = new Uint8Array(cols * rows);
  /** Weak cells crossed since the last strong one, on the way a cell was reached. */
  const hops = new Uint8Array(cols * rows);
  const regions: OrientedRegion[] = [];
  const stack: number[] = [];
  for (let start = 0; start < cells.length; start++) {
    if (!cells[start]?.strong || seen[start]) continue;
    seen[start] = 1;
    stack.push(start);
    const members: number[] = [];
    while (stack.length) {
      const i = stack.pop()!;
      members.push(i);
      // Weak cells carry a region only a little way from its bars: far enough to bridge a
      // blurred code's weak stretches, not into the clutter that runs the same way beside it.
      if (hops[i] >= MAX_WEAK_HOPS) continue;
      const x = i % cols;
      const y = (i - x) / cols;
      // Two cells each way: a cell that missed (an EAN's centre guard, a worn bar) does not split a code.
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          if (nx < 0 || ny < 0 || nx >= cols || ny >= rows) continue;
          const n = ny * cols + nx;
          const other = cells[n];
          if (!other || seen[n] || angleStep(other.angle, cells[i]!.angle) > MAX_ANGLE_STEP) continue;
          seen[n] = 1;
          hops[n] = other.strong ? 0 : hops[i] + 1;
          stack.push(n);
        }
      }
    }
    if (members.filter((i) => cells[i]!.strong).length < MIN_CELLS) continue;
    regions.push(describe(members, cells, cols));
  }
  return regions.sort((a, b) => b.cells - a.cells).slice(0, MAX_ORIENTED_REGIONS);
}

/**
 * Light/dark changes met walking across the cell's edges (along its gradient) through its centre:
 * bars give several, the side of a box or a drawn line one or two.
 */
function crossings(half: Float32Array, w: number, h: number, x0: number, y0: number, angle: number): number {
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const samples: number[] = [];
  for (let t = -CROSSING_REACH; t <= CROSSING_REACH; t++) {
    const x = Math.round(x0 + t * dx);
    const y = Math.round(y0 + t * dy);
    if (x >= 0 && y >= 0 && x < w && y < h) samples.push(half[y * w + x]);
  }
  const [lo, hi] = [Math.min(...samples), Math.max(...samples)];
  // Hysteresis: a change counts once it passes a tenth of the range beyond the middle.
  const [dark, light] = [lo + (hi - lo) * 0.4, lo + (hi - lo) * 0.6];
  let state = 0;
  let changes = 0;
  for (const v of samples) {
    const next = v <= dark ? -1 : v >= light ? 1 : state;
    if (state !== 0 && next !== state) changes++;
    state = next;
  }
  return changes;
}

/** Difference of two bar directions (each known up to a half turn). */
function angleStep(a: number, b: number): number {
  const d = Math.abs(a - b) % Math.PI;
  return Math.min(d, Math.PI - d);
}

function describe(members: number[], cells: Array<Cell | null>, cols: number): OrientedRegion {
  // The mean direction of doubled angles, weighted by edge strength (angles wrap at a half turn).
  let s = 0;
  let c = 0;
  let mx = 0;
  let my = 0;
  for (const i of members) {
    const cell = cells[i]!;
    s += Math.sin(2 * cell.angle) * cell.energy;
    c += Math.cos(2 * cell.angle) * cell.energy;
    mx += i % cols;
    my += Math.floor(i / cols);
  }
  const angle = 0.5 * Math.atan2(s, c);
  // Cell centres in frame pixels (a cell is 2 * CELL frame pixels, offset by the gradient's border).
  const scale = 2 * CELL;
  const cx = (mx / members.length + 0.5) * scale + 2;
  const cy = (my / members.length + 0.5) * scale + 2;
  let [along0, along1, across0, across1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const i of members) {
    const x = ((i % cols) + 0.5) * scale + 2 - cx;
    const y = (Math.floor(i / cols) + 0.5) * scale + 2 - cy;
    const along = x * Math.cos(angle) + y * Math.sin(angle);
    const across = -x * Math.sin(angle) + y * Math.cos(angle);
    [along0, along1] = [Math.min(along0, along), Math.max(along1, along)];
    [across0, across1] = [Math.min(across0, across), Math.max(across1, across)];
  }
  // The centre of the extents (the mean leans toward where more cells passed).
  const midAlong = (along0 + along1) / 2;
  const midAcross = (across0 + across1) / 2;
  return {
    cx: cx + midAlong * Math.cos(angle) - midAcross * Math.sin(angle),
    cy: cy + midAlong * Math.sin(angle) + midAcross * Math.cos(angle),
    angle,
    length: along1 - along0 + scale,
    breadth: across1 - across0 + scale,
    cells: members.length,
  };
}
