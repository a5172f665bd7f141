/** One measured figure as bench/results.json keeps it. */
export interface Figure {
  key: string;
  value: number;
  unit: string;
  /** The goal, e.g. "<= 25" or ">= 500". */
  goal?: string;
  /** What the figure is compared with, measured side by side in the same run. */
  anchor?: string;
  anchor_value?: number;
}

export interface BenchGroup {
  /** Runs the group's measurements and returns its figures. */
  run(): Promise<Figure[]>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
