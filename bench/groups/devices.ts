// Device benchmarks in real Chromium, each in a dedicated worker as the hub runs them: the hub's own overhead on a Toledo read_once, camera decode
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
      toledo: { overhead: number; roundTrip: number }; hid: number; fpsWith: number; fpsWithout: number;
    };
    console.log(`  Toledo read_once: whole round trip ${r.toledo.roundTrip.toFixed(2)} ms, of which the hub's own ${r.toledo.overhead.toFixed(2)} ms`);
    return [
      {
        key: 'scale.toledo_read_once_overhead_ms', value: r.toledo.overhead, unit: 'ms', goal: '<= 20',
        anchor: 'the hub\'s own time in a read_once: action accepted → request bytes at the port, plus last reply byte readable → result written in the outbox (the virtual scale\'s wire and answer time taken out)',
      },
      { key: 'camera.fps_with_code', value: r.fpsWith, unit: 'fps', goal: '>= 30' },
      { key: 'camera.fps_without_code', value: r.fpsWithout, unit: 'fps', goal: '>= 30' },
      { key: 'scanner.hid_event_latency_ms', value: r.hid, unit: 'ms', goal: '< 5' },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}
