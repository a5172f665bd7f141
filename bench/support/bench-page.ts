// A benchmark page in real Chromium: vite serves the repository on loopback (TypeScript as it is),
// the page under `path` defines `runBench()`, and its answer comes back here.
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { launchChromium } from '../../test/support/chrome-session.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function runBenchPage<T>(path: string): Promise<T> {
  const server = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    define: { __HUB_VERSION__: '"bench"', __BUILD_HASH__: '"bench"' },
    server: { host: '127.0.0.1', port: 0, hmr: false },
  });
  await server.listen();
  const address = server.httpServer!.address() as { port: number };
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${address.port}/${path}`);
    await page.waitForFunction(() => 'runBench' in window, undefined, { timeout: 60_000 });
    return (await page.evaluate(() => (window as unknown as { runBench: () => Promise<unknown> }).runBench())) as T;
  } finally {
    await browser.close();
    await server.close();
  }
}
