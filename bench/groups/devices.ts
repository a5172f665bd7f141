// Device benchmarks in real Chromium, each in a dedicated worker as the hub runs them: Toledo read_once overhead over the wire time, camera decode
// frames per second, HID POS scan-to-outbox latency. Pages are served by vite on loopback.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, normalize } from 'node:path';
import { createServer } from 'vite';
import type { Figure } from '../figures.ts';
import { launchChromium } from '../../test/support/chrome-session.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

export async function run(): Promise<Figure[]> {
  const server = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    define: { __HUB_VERSION__: '"bench"', __BUILD_HASH__: '"bench"' },
    server: { host: '127.0.0.1', port: 0, hmr: false },
    plugins: [{
      name: 'shared-fixtures',
      configureServer(s) {
        s.middlewares.use('/shared-fixtures/', (req, res, next) => {
          const file = normalize(join(FIXTURES, decodeURIComponent((req.url ?? '').split('?')[0])));
          if (!file.startsWith(FIXTURES)) return next();
          readFile(file).then((body) => res.end(body), () => next());
        });
      },
    }],
  });
  await server.listen();
  const address = server.httpServer!.address() as { port: number };
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${address.port}/bench/devices/index.html`);
    await page.waitForFunction(() => 'runBench' in window, undefined, { timeout: 60_000 });
    const r = (await page.evaluate(() => (window as unknown as { runBench: () => Promise<unknown> }).runBench())) as {
      toledo: { roundTrip: number; wire: number }; hid: number; fpsWith: number; fpsWithout: number;
    };
    return [
      { key: 'scale.toledo_read_once_overhead_ms', value: r.toledo.roundTrip - r.toledo.wire, unit: 'ms', goal: '<= 20' },
      { key: 'camera.fps_with_code', value: r.fpsWith, unit: 'fps', goal: '>= 30' },
      { key: 'camera.fps_without_code', value: r.fpsWithout, unit: 'fps', goal: '>= 30' },
      { key: 'scanner.hid_event_latency_ms', value: r.hid, unit: 'ms', goal: '< 5' },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}
