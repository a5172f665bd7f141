import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
// @ts-expect-error plain ESM helper shared with web-test-runner's config
import { CHROME_ARGS, chromePath } from './chrome.mjs';

/** Real Chromium for e2e tests and benchmarks (npm cannot download browsers here); `extraArgs` add to the usual flags. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromePath() as string, args: [...(CHROME_ARGS as string[]), ...extraArgs], headless: true });
}

/**
 * Chromium with a real (not incognito) profile in a fresh temporary folder: what installability
 * checks and persistent storage need. `close()` also removes the profile.
 */
export async function launchChromiumProfile(): Promise<BrowserContext & { dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromePath() as string,
    args: CHROME_ARGS as string[],
    headless: true,
  });
  return Object.assign(context, {
    async dispose() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
