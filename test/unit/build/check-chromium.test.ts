// `npm test` checks for Chromium before its first stage, with a message that says what to install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const check = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, ['test/check-chromium.mjs'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

test('a missing Chromium stops npm test at once, naming the package and CHROME_PATH', () => {
  const missing = check({ CHROME_PATH: '/nonexistent/chromium' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /Chromium not found at \/nonexistent\/chromium: install Debian's chromium package or set CHROME_PATH/);
});

test('the check passes when CHROME_PATH names an existing file, and runs before every other stage', () => {
  assert.equal(check({ CHROME_PATH: process.execPath }).status, 0);
  const scripts = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.match(scripts.test, /^node test\/check-chromium\.mjs && /);
});
