// First stage of `npm test`: the browser and end-to-end stages need Chromium; say so at once,
// not a minute in.
import { chromePath } from './support/chrome.mjs';

try {
  chromePath();
} catch (error) {
  console.error(`npm test: ${error.message}`);
  process.exit(1);
}
