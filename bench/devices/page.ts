// Runs in Chromium, served by bench/groups/devices.ts through vite on loopback.

/** Scale and scanner figures come from a worker, as the hub runs its drivers. */
async function inWorker(): Promise<{ toledo: { overhead: number; roundTrip: number }; hid: number }> {
  const worker = new Worker(new URL('./devices-worker.ts', import.meta.url), { type: 'module' });
  const result = await new Promise<{ toledo: { overhead: number; roundTrip: number }; hid: number }>((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage('run');
  });
  worker.terminate();
  return result;
}

(window as unknown as { runBench: () => Promise<unknown> }).runBench = async () => ({
  ...(await inWorker()),
});
