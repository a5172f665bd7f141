// The production build prints no warning: a warning printed at every build is one nobody reads
// (issue 14: vite-plugin-pwa's service worker build used rolldown's deprecated inlineDynamicImports).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('vite build prints no warning and still writes one service worker file', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'hub-build-check-'));
  try {
    const vite = join(ROOT, 'node_modules', '.bin', 'vite');
    const built = spawnSync(vite, ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
    const output = `${built.stdout}\n${built.stderr}`;
    assert.equal(built.status, 0, output);
    const warnings = output.split('\n').filter((line) => /\bWARN\b|\(!\)|deprecated/.test(line));
    assert.deepEqual(warnings, []);
    assert.ok(existsSync(join(outDir, 'sw.js')), 'dist has sw.js');
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
