// Group `printer`: receipt JPEG (base64) → ESC/POS bytes in a Chromium worker, against
// receipt-printer-encoder's image() with floydsteinberg (same run, same image) and against the
// IoT box's own Pillow pipeline on the same file (a python3 with Pillow is required).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { launchChromium } from '../../test/support/chrome-session.ts';
import type { Figure } from '../figures.ts';

const RECEIPTS = fileURLToPath(new URL('../../../shared/fixtures/receipts/', import.meta.url));
const WORKER = fileURLToPath(new URL('../printer/worker.ts', import.meta.url));
const PIL_SCRIPT = fileURLToPath(new URL('../printer/pil_pipeline.py', import.meta.url));
const ENCODER_ANCHOR = '@point-of-sale/receipt-printer-encoder image() floydsteinberg';
const PAGE = '<!doctype html><meta charset="utf-8"><title>printer bench</title>';

interface WorkerResult { name: string; hubMs: number; encoderMs: number; stages: { hub: Record<string, number>; encoder: Record<string, number> } }

const PIL_INSTALL_STEP = 'apt-get install python3-pil (Debian)';

/** The first python3 that imports PIL (pyenv shims may hide the system one that has it). */
function pythonWithPil(): string {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-c', 'import PIL'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  throw new Error(`no python3 with Pillow (PIL) found: the _vs_pil figures' anchor needs it; install it with ${PIL_INSTALL_STEP}`);
}

export async function run(): Promise<Figure[]> {
  // The anchor is checked first: a missing one fails the group, never skips its rows.
  const python = pythonWithPil();
  const fixtures = (JSON.parse(readFileSync(`${RECEIPTS}index.json`, 'utf8')) as Array<{ jpeg: string }>).map((f) => f.jpeg);
  const bundle = await build({ entryPoints: [WORKER], bundle: true, format: 'esm', target: 'es2022', write: false, minify: true });
  const workerJs = bundle.outputFiles[0].contents;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') return void response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (path === '/worker.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(workerJs);
    const name = path.slice('/receipts/'.length);
    if (path.startsWith('/receipts/') && fixtures.includes(name)) {
      return void response.writeHead(200, { 'content-type': 'image/jpeg' }).end(readFileSync(`${RECEIPTS}${name}`));
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  let results: WorkerResult[];
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    const answer = await page.evaluate(
      (list) =>
        new Promise<{ results?: WorkerResult[]; error?: string }>((resolve) => {
          const worker = new Worker('/worker.js', { type: 'module' });
          worker.onmessage = (event) => resolve(event.data);
          worker.onerror = (event) => resolve({ error: event.message });
          worker.postMessage({ fixtures: list.map((name) => ({ name, url: `/receipts/${name}` })) });
        }),
      fixtures,
    );
    if (!answer.results) throw new Error(`bench worker failed: ${answer.error}`);
    results = answer.results;
  } finally {
    await browser.close();
    server.close();
  }

  const figures: Figure[] = [];
  for (const result of results) {
    for (const side of ['hub', 'encoder'] as const) {
      const stages = Object.entries(result.stages[side]).map(([stage, ms]) => `${stage} ${ms.toFixed(1)}`).join(', ');
      console.log(`${result.name} ${side} stages (median ms): ${stages}`);
    }
    const key = `printer.receipt_${result.name.replace(/\.jpe?g$/, '')}`;
    figures.push({ key: `${key}_ms`, value: result.hubMs, unit: 'ms', goal: '>= 8x faster than the anchor', anchor: ENCODER_ANCHOR, anchor_value: result.encoderMs });
    const pil = spawnSync(python, [PIL_SCRIPT, `${RECEIPTS}${result.name}`], { encoding: 'utf8' });
    if (pil.status !== 0) throw new Error(`the PIL pipeline failed: ${pil.stderr}`);
    const { median_ms: pilMs } = JSON.parse(pil.stdout) as { median_ms: number };
    figures.push({ key: `${key}_vs_pil`, value: result.hubMs, unit: 'ms', goal: 'no slower than PIL', anchor: 'IoT box Pillow pipeline (print_receipt + format_escpos_bit_image_raster)', anchor_value: pilMs });
  }
  return figures;
}
