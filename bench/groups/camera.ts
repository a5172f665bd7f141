// Group `camera` (issue 13): how much of a generated variant set of shop barcodes each candidate
// decoder reads (zxing-cpp as WebAssembly, the hub's; @zxing/library through the same passes, the
// anchor), misreads, frames per second through the hub's camera device in 640x480 and 1280x720,
// and the size of the decoder's lazy chunk. Pages are served by vite on loopback.
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'vite';
import type { Figure } from '../figures.ts';
import { runBenchPage } from '../support/bench-page.ts';
import type { CandidateRates } from '../camera/rates-worker.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HUB = 'zxing-cpp';
const ANCHOR = '@zxing/library';
/** The build's files that load when a camera starts (the decoder), by name. */
const DECODER_FILES = /^(reader|zxing-cpp-reader|zxing-wasm-url)-[\w-]+\.js$|^zxing_reader-[\w-]+\.wasm$/;

interface Fps { fps: number; offered: number; cut: number; decoded: number; scans: number }
interface Run {
  native: boolean;
  fps: Record<'vgaWith' | 'vgaWithout' | 'hdWith' | 'hdWithout', Fps>;
  rates: { scenes: number; results: Record<string, CandidateRates> };
}

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    throw new Error(`${pkg} is not installed: run npm ci (it is in package.json)`);
  }
}

async function decoderKbGz(): Promise<{ kb: number; files: string[] }> {
  const dist = mkdtempSync(join(tmpdir(), 'hub-bench-camera-'));
  try {
    await build({ root: ROOT, logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });
    const assets = join(dist, 'assets');
    const files = readdirSync(assets).filter((f) => DECODER_FILES.test(f));
    if (!files.some((f) => f.endsWith('.wasm')) || files.length < 4) throw new Error(`the build has no decoder chunk and WebAssembly as expected (found ${files.join(', ') || 'none'})`);
    const bytes = files.map((f) => gzipSync(readFileSync(join(assets, f))).length);
    return { kb: bytes.reduce((a, b) => a + b, 0) / 1024, files: files.map((f, i) => `${f} ${(bytes[i] / 1024).toFixed(1)} KB gz`) };
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}

export async function run(): Promise<Figure[]> {
  const anchorName = `${ANCHOR} ${version('@zxing/library')}, same passes`;
  const hubName = `zxing-wasm ${version('zxing-wasm')}`;
  const size = await decoderKbGz();
  const r = await runBenchPage<Run>('bench/camera/index.html');
  const hub = r.rates.results[HUB];
  const anchor = r.rates.results[ANCHOR];
  const rate = (c: CandidateRates, kind: string) => (c.decoded[kind] ?? 0) / c.total[kind];

  console.log(`  ${r.rates.scenes} scenes; this Chromium ${r.native ? 'has' : 'has no'} native BarcodeDetector`);
  for (const [name, c] of [[hubName, hub], [anchorName, anchor]] as const) {
    console.log(`  ${name}: ${(c.decoded.all ?? 0)}/${c.total.all} read, ${c.misreads.length} misreads, ${c.symbologyMisses.length} wrong symbology names, ${c.msPerFrame.toFixed(1)} ms a frame (every pass)`);
    for (const line of c.misreads) console.log(`    MISREAD ${line}`);
    for (const line of c.symbologyMisses.slice(0, 6)) console.log(`    named wrong: ${line}`);
    if (name === hubName) for (const line of c.misses) console.log(`    missed: ${line}`);
  }
  for (const [key, f] of Object.entries(r.fps)) {
    console.log(`  ${key}: ${f.fps.toFixed(1)} fps decoded of ${f.offered.toFixed(1)} offered, ${f.cut} frames cut by the budget, ${f.scans} scans`);
  }
  console.log(`  decoder chunk: ${size.files.join(', ')}`);

  const rateFigure = (key: string, kind: string, goal: string): Figure => ({
    key, value: rate(hub, kind), unit: 'share', goal, anchor: anchorName, anchor_value: rate(anchor, kind),
  });
  const fpsFigure = (key: string, f: Fps): Figure => ({ key, value: f.fps, unit: 'fps', goal: '>= 30' });
  return [
    rateFigure('camera.decode_rate', 'all', '>= 0.95'),
    rateFigure('camera.decode_rate_rotated', 'rotated', '>= 0.95'),
    rateFigure('camera.decode_rate_small', 'small', '>= 0.85'),
    rateFigure('camera.decode_rate_degraded', 'degraded', '>= 0.85'),
    { key: 'camera.misreads', value: hub.misreads.length, unit: 'reads', goal: '== 0', anchor: `${anchorName}: ${anchor.misreads.length} misreads` },
    fpsFigure('camera.fps_with_code', r.fps.vgaWith),
    fpsFigure('camera.fps_without_code', r.fps.vgaWithout),
    fpsFigure('camera.fps_720p_with_code', r.fps.hdWith),
    fpsFigure('camera.fps_720p_without_code', r.fps.hdWithout),
    { key: 'camera.decoder_kb_gz', value: size.kb, unit: 'KB' },
  ];
}
