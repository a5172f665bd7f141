// Group `printer`: receipt JPEG (base64) → ESC/POS bytes in a Chromium worker, against
// receipt-printer-encoder's image() with floydsteinberg (same run, same image) and against the
// IoT box's own Pillow pipeline on the same file (a python3 with Pillow is required); then each
// receipt printed end to end over WebRTC and the bus (bench/printer/webrtc-print.ts), with its
// breakdown: first byte at the printer's transport, and each part of the print as its own key.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { launchChromium } from '../../test/support/chrome-session.ts';
import { median, round, type Figure } from '../figures.ts';
import { measurePrints, type FixturePrints, type PrintSample } from '../printer/webrtc-print.ts';
import { breakdownSteps } from '../../src/hub/breakdown.ts';

const RECEIPTS = fileURLToPath(new URL('../../../shared/fixtures/receipts/', import.meta.url));
const WORKER = fileURLToPath(new URL('../printer/worker.ts', import.meta.url));
const PIL_SCRIPT = fileURLToPath(new URL('../printer/pil_pipeline.py', import.meta.url));
const ENCODER_ANCHOR = '@point-of-sale/receipt-printer-encoder image() floydsteinberg';
const PAGE = '<!doctype html><meta charset="utf-8"><title>printer bench</title>';
const PRINT_RUNS = { warmUp: 3, webrtc: 15, bus: 5 };
const WHOLE_IMAGE_ANCHOR = 'before streaming: the same prints\' measured parts end to end (queue and running writes, then base64, decode, dither and encode of the whole image, then the status check)';
const CHANNEL_ANCHOR = 'the same message over a bare loopback data channel, sent as the POS sends it (send → all received)';

interface WorkerResult { name: string; hubMs: number; hubAloneMs: number; encoderMs: number; stages: { hub: Record<string, number>; encoder: Record<string, number> } }

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
    figures.push({ key: `${key}_vs_pil`, value: result.hubAloneMs, unit: 'ms', goal: '>= 2x faster than PIL', anchor: 'IoT box Pillow pipeline (print_receipt + format_escpos_bit_image_raster)', anchor_value: pilMs });
  }
  const base64 = fixtures.map((name) => ({ name: name.replace(/\.jpe?g$/, ''), base64: readFileSync(`${RECEIPTS}${name}`).toString('base64') }));
  const prints = await measurePrints(base64, PRINT_RUNS);
  for (const fixture of prints) figures.push(...printFigures(fixture));
  return figures;
}

const since = (sample: PrintSample, mark: keyof PrintSample['breakdown']['marks'], from: keyof PrintSample['breakdown']['marks'] = 'complete') => {
  const { marks } = sample.breakdown;
  if (marks[mark] === undefined || marks[from] === undefined) throw new Error(`a print's breakdown has no ${marks[mark] === undefined ? mark : from} mark`);
  return marks[mark]! - marks[from]!;
};
const span = (sample: PrintSample, name: keyof PrintSample['breakdown']['spans']) => sample.breakdown.spans[name] ?? 0;
const med = (samples: PrintSample[], of: (s: PrintSample) => number) => round(median(samples.map(of)), 2);

/** When the first byte left before streaming: every part one after the other, the whole image converted first. */
const wholeImageFirstByte = (s: PrintSample) =>
  since(s, 'started') + span(s, 'base64') + span(s, 'jpegDecode') + span(s, 'dither') + span(s, 'encode') + span(s, 'statusBefore');

/** One fixture's end-to-end figures: POS send → result per path, and the parts of a WebRTC print. */
function printFigures(fixture: FixturePrints): Figure[] {
  const { name, webrtc, bus } = fixture;
  const part = (suffix: string, of: (s: PrintSample) => number, extra: Partial<Figure> = {}): Figure =>
    ({ key: `printer.webrtc_print_ms_${name}_${suffix}`, value: med(webrtc, of), unit: 'ms', ...extra });
  const lines = webrtc.map((s) => `${Math.round(s.posMs)}`).join(' ');
  console.log(`${name} over WebRTC, POS send → result (ms): ${lines}`);
  const typical = [...webrtc].sort((a, b) => a.posMs - b.posMs)[webrtc.length >> 1];
  const { timeline, work } = breakdownSteps(typical.breakdown);
  console.log(`${name} typical print: ${[...timeline.map((s) => `${s.label} +${s.ms.toFixed(1)}`), ...work.map((s) => `${s.label} ${s.ms.toFixed(1)}`)].join(', ')}`);
  return [
    { key: `printer.first_byte_ms_${name}`, value: med(webrtc, (s) => since(s, 'firstByte')), unit: 'ms', goal: '<= 10', anchor: WHOLE_IMAGE_ANCHOR, anchor_value: med(webrtc, wholeImageFirstByte) },
    { key: `printer.webrtc_print_ms_${name}`, value: med(webrtc, (s) => s.posMs), unit: 'ms', goal: 'POS send → result; its parts below' },
    part('receive', (s) => s.breakdown.marks.complete! - s.sentAt, { goal: 'close to the channel (POS send → reassembled at the hub)', anchor: CHANNEL_ANCHOR, anchor_value: round(median(fixture.channelMs), 2) }),
    part('queue_writes', (s) => since(s, 'started')),
    part('base64', (s) => span(s, 'base64')),
    part('jpeg_decode', (s) => span(s, 'jpegDecode')),
    part('dither', (s) => span(s, 'dither')),
    part('encode', (s) => span(s, 'encode')),
    part('status_check', (s) => span(s, 'statusBefore') + span(s, 'statusAfter')),
    part('first_byte', (s) => since(s, 'firstByte')),
    part('last_byte', (s) => since(s, 'lastByte')),
    part('result_sent', (s) => since(s, 'resultSentWebrtc')),
    part('result_to_pos', (s) => s.answeredAt - s.breakdown.marks.resultSentWebrtc!, { goal: 'result on the channel → the POS has it' }),
    { key: `printer.bus_print_ms_${name}`, value: med(bus, (s) => s.posMs), unit: 'ms', goal: 'POS send → result over the bus' },
    { key: `printer.bus_print_ms_${name}_first_byte`, value: med(bus, (s) => since(s, 'firstByte')), unit: 'ms' },
    { key: `printer.bus_print_ms_${name}_result_sent`, value: med(bus, (s) => since(s, 'resultSentBus')), unit: 'ms' },
  ];
}
