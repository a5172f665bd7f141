import { chromium, type Browser } from 'playwright-core';
// @ts-expect-error plain ESM helper shared with web-test-runner's config
import { CHROME_ARGS, chromePath } from './chrome.mjs';

/** Real Chromium for e2e tests and benchmarks (npm cannot download browsers here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromePath() as string, args: CHROME_ARGS as string[], headless: true });
}
