/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

/**
 * The app shell is precached so the hub starts with the network gone. Only the shell: Odoo's
 * answers are never cached (no runtime caching route exists), and a new version waits until
 * the window says the hub is idle (SKIP_WAITING), so a print is never cut by an update.
 */
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Take the open windows at once: on first install nothing older runs, and an update only
// activates when the window asked for it.
clientsClaim();

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
