import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, normalize } from 'node:path';
import { CHROME_ARGS, chromePath } from './test/support/chrome.mjs';

const SHARED_FIXTURES = fileURLToPath(new URL('../shared/fixtures/', import.meta.url));
const FIXTURE_PREFIX = '/shared-fixtures/';
const CONTENT_TYPES = { '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg', '.bin': 'application/octet-stream' };

/** Browser tests read ../shared/fixtures at /shared-fixtures/ (the fixtures are never copied into the repo). */
async function sharedFixtures(context, next) {
  if (!context.path.startsWith(FIXTURE_PREFIX)) return next();
  const file = normalize(join(SHARED_FIXTURES, decodeURIComponent(context.path.slice(FIXTURE_PREFIX.length))));
  if (!file.startsWith(SHARED_FIXTURES)) return next();
  try {
    context.body = await readFile(file);
    context.type = CONTENT_TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
  } catch {
    return next();
  }
}

/**
 * `import url from '<file>?url'` as vite builds it: the module's default export is the file's URL
 * (the decoder's WebAssembly is loaded this way).
 */
const assetUrls = {
  name: 'asset-urls',
  serve(context) {
    if (context.URL.searchParams.has('url') && !context.path.endsWith('.js') && !context.path.endsWith('.ts')) {
      return { body: `export default ${JSON.stringify(context.path)};`, type: 'js' };
    }
  },
};

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 2,
  testsFinishTimeout: 240_000,
  testFramework: { config: { timeout: 20_000 } },
  middleware: [sharedFixtures],
  plugins: [
    assetUrls,
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      define: { __HUB_VERSION__: '"0.0.0"', __BUILD_HASH__: '"test"' },
    }),
  ],
  browsers: [chromeLauncher({ launchOptions: { executablePath: chromePath(), args: CHROME_ARGS, headless: true } })],
};
