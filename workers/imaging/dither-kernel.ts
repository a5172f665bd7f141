import type { Bitmap } from './bitmap.ts';
import { DITHER_KERNEL_WASM } from './dither-kernel-bytes.ts';

/*
 * The dither's serial error chain in WebAssembly (dither-kernel.wat), bit for bit the same dots
 * as the JS loop in dither.ts, which stays for a context without WebAssembly. Measured in
 * Chromium on the 120-item receipt (2.45 Mpx, docs/printing-performance.md): the JS loop 4.6 ns
 * a pixel, this kernel 2.9 (the same loop without typed-array bounds checks and with tighter
 * code). Two rows side by side (clamps as select) was as fast in Chromium and 3.5x the code;
 * branch-free dots and skipping white runs were slower.
 */

interface Kernel {
  memory: WebAssembly.Memory;
  rows(grey: number, stride: number, width: number, y0: number, y1: number, out: number, bpr: number, err: number): void;
}

const PAGE_BYTES = 65536;
let kernel: Kernel | null | undefined;

function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = Uint8Array.from(atob(DITHER_KERNEL_WASM), (c) => c.charCodeAt(0));
    // 350 bytes: compiled synchronously, fine in a worker.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    kernel = instance.exports as unknown as Kernel;
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Whether the kernel can run here (false: no WebAssembly, or the CSP forbids compiling it). */
export function ditherKernelAvailable(): boolean {
  return load() !== null;
}

/**
 * Rows [from, to) of `grey` (rows `stride` apart) into `bitmap`, carrying `errors` (width + 1
 * terms) as ditherRows does. The band is copied into the kernel's memory and the dots back.
 */
export function ditherRowsWasm(grey: Uint8Array, stride: number, bitmap: Bitmap, errors: Int32Array, from: number, to: number): void {
  const k = load();
  if (!k) throw new Error('the dither kernel cannot run here');
  const rows = to - from;
  if (rows <= 0) return;
  const { width, bytesPerRow } = bitmap;
  const errBytes = errors.length * 4;
  const greyBytes = (rows - 1) * stride + width;
  const outBytes = rows * bytesPerRow;
  const need = errBytes + greyBytes + outBytes;
  if (k.memory.buffer.byteLength < need) k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / PAGE_BYTES));
  const heap = new Uint8Array(k.memory.buffer);
  const terms = new Int32Array(k.memory.buffer, 0, errors.length);
  terms.set(errors);
  heap.set(grey.subarray(from * stride, from * stride + greyBytes), errBytes);
  const out = errBytes + greyBytes;
  k.rows(errBytes, stride, width, 0, rows, out, bytesPerRow, 0);
  bitmap.data.set(heap.subarray(out, out + outBytes), from * bytesPerRow);
  errors.set(terms);
}
