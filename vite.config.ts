import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

function buildHash(): string {
  try {
    return execSync('git rev-parse --short=7 HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
}

/**
 * vite-plugin-pwa 2.0 builds the service worker with rollup's `output.inlineDynamicImports: true`,
 * which rolldown (vite 8) deprecates and warns about at every build; `codeSplitting: false` is its
 * replacement with the same effect (one sw.js, no chunks).
 */
const swSingleFile: Plugin = {
  name: 'sw-single-file',
  config(config) {
    const output = config.build?.rollupOptions?.output;
    if (output && !Array.isArray(output) && 'inlineDynamicImports' in output) {
      delete output.inlineDynamicImports;
      (output as { codeSplitting?: boolean }).codeSplitting = false;
    }
  },
};

export const HUB_DEFINES = {
  __HUB_VERSION__: JSON.stringify(pkg.version),
  __BUILD_HASH__: JSON.stringify(buildHash()),
};

export default defineConfig({
  // Relative base: the same build runs at the local server's root and under a path behind a shop's proxy.
  base: './',
  define: HUB_DEFINES,
  worker: { format: 'es' },
  build: { target: 'chrome120', sourcemap: true },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      injectManifest: { globPatterns: ['**/*.{js,css,html,png,svg,webmanifest,wasm}'], buildPlugins: { vite: [swSingleFile] } },
      manifest: {
        id: './',
        name: 'Browser IoT Hub',
        short_name: 'IoT Hub',
        description: 'Drives the POS printers, scales, scanners and displays of this terminal for Odoo, like an IoT box.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#f5f5f5',
        theme_color: '#714b67',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
});
