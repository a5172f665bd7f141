import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chrome-session.ts';
import { startHubServer, type RunningServer } from '../support/hub-server.ts';
import { openHub } from '../support/iot-e2e.ts';

const BWIP_JS = fileURLToPath(new URL('../../node_modules/bwip-js/dist/bwip-js-min.js', import.meta.url));
const [WIDTH, HEIGHT, FPS] = [640, 480, 10];
/** Each picture stays this many frames in view (two seconds), then the video loops. */
const FRAMES_EACH = 20;
const GS = '\u001d';
const CODES = [
  // A can held up with its code vertical, and a GS1 QR code on a medicine box.
  { bcid: 'ean13', text: '4006381333931', rotate: 90, expected: 'EAN-13', read: '4006381333931' },
  { bcid: 'gs1qrcode', text: '(01)09506000134352(10)ABC123(17)271231', rotate: 0, expected: 'GS1 QR', read: `010950600013435210ABC123${GS}17271231` },
];

/**
 * The two pictures, drawn by bwip-js in a plain Chromium page: grey (the Y plane of a Y4M file)
 * on a mid-grey table with some clutter.
 */
async function pictures(): Promise<Buffer[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent('<canvas></canvas>');
    await page.addScriptTag({ path: BWIP_JS });
    const planes = await page.evaluate(([codes, w, h]) => codes.map((code) => {
      const bars = document.createElement('canvas');
      (window as unknown as { bwipjs: { toCanvas(c: HTMLCanvasElement, o: object): void } }).bwipjs.toCanvas(bars, { bcid: code.bcid, text: code.text, scale: 3 });
      const frame = document.createElement('canvas');
      [frame.width, frame.height] = [w, h];
      const ctx = frame.getContext('2d')!;
      ctx.fillStyle = '#8c887c';
      ctx.fillRect(0, 0, w, h);
      ctx.fillStyle = '#3a3a3a';
      for (let i = 0; i < 6; i++) ctx.fillRect(20 + i * 100, 420, 60, 30);
      ctx.translate(w / 2, h / 2);
      ctx.rotate((code.rotate * Math.PI) / 180);
      ctx.fillStyle = '#fff';
      ctx.fillRect(-bars.width / 2 - 30, -bars.height / 2 - 30, bars.width + 60, bars.height + 60);
      ctx.drawImage(bars, -bars.width / 2, -bars.height / 2);
      const rgba = ctx.getImageData(0, 0, w, h).data;
      const y = new Uint8Array(w * h);
      for (let i = 0; i < y.length; i++) y[i] = Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]);
      let binary = '';
      for (let i = 0; i < y.length; i += 0x8000) binary += String.fromCharCode(...y.subarray(i, i + 0x8000));
      return btoa(binary);
    }), [CODES, WIDTH, HEIGHT] as const);
    return planes.map((p) => Buffer.from(p, 'base64'));
  } finally {
    await browser.close();
  }
}

/** A Y4M video (what Chromium's fake camera plays): 4:2:0, the colour planes neutral. */
function y4m(planes: Buffer[]): Buffer {
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F${FPS}:1 Ip A1:1 C420jpeg\n`)];
  for (const plane of planes) for (let i = 0; i < FRAMES_EACH; i++) parts.push(Buffer.from('FRAME\n'), plane, chroma);
  return Buffer.concat(parts);
}

describe('the camera on the homepage (Chromium\'s fake camera playing generated codes)', () => {
  let browser: Browser;
  let server: RunningServer;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-camera-'));
    const video = join(dir, 'codes.y4m');
    writeFileSync(video, y4m(await pictures()));
    server = await startHubServer();
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a vertical EAN-13 and a GS1 QR code through the real decoder and shows each scan with its symbology', async () => {
    const context = await browser.newContext({ permissions: ['camera'] });
    const requests: string[] = [];
    context.on('request', (r) => void requests.push(r.url()));
    try {
      const page = await openHub(context, server.url);
      await page.locator('[data-test=camera-toggle]').click();
      for (const code of CODES) {
        const entry = page.locator('[data-test=scan-log] li', { has: page.locator('[data-test=symbology]', { hasText: code.expected }) });
        await entry.first().waitFor({ timeout: 15_000 });
        assert.equal(await entry.first().locator('[data-test=symbology]').textContent(), code.expected);
        // The log marks GS as <GS>; the text sent to Odoo keeps the GS character.
        assert.equal(await entry.first().locator('[data-test=scan]').textContent(), code.read.replaceAll(GS, '<GS>'));
      }
      const events = await page.evaluate(() => {
        const app = document.querySelector('hub-app') as unknown as { snapshot: { recentEvents: Record<string, Array<{ outcome: { result: unknown }; symbology?: string }>> } };
        return app.snapshot.recentEvents.hub_camera.map((e) => [e.outcome.result, e.symbology]);
      });
      for (const code of CODES) assert.ok(events.some(([text, symbology]) => text === code.read && symbology === code.expected), JSON.stringify(events));
      // The decoder's WebAssembly came from the hub's own origin.
      const wasm = requests.filter((url) => url.endsWith('.wasm'));
      assert.ok(wasm.length >= 1 && wasm.every((url) => url.startsWith(server.url)), wasm.join(', '));
    } finally {
      await context.close();
    }
  });
});
