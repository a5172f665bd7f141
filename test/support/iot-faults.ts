import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page, Worker } from 'playwright-core';
import { link, waitLink, type PosResult } from './iot-e2e.ts';
import type { FaultKitControl, PaperEntry } from '../fakes/iot/fault-kit.ts';
import type { JobRecord } from '../../src/store/schema.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Builds the hub with test/fakes/iot/fault-kit.ts (`--mode e2e-faults`), unless HUB_E2E_FAULTS_DIST names a build. */
export function buildFaultHub(): string {
  if (process.env.HUB_E2E_FAULTS_DIST) return process.env.HUB_E2E_FAULTS_DIST;
  const outDir = mkdtempSync(join(tmpdir(), 'hub-faults-'));
  const vite = join(ROOT, 'node_modules', '.bin', 'vite');
  const built = spawnSync(vite, ['build', '--mode', 'e2e-faults', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`fault build failed: ${built.stderr || built.stdout}`);
  return outDir;
}

/** Pairs the hub with a fresh connection token and waits for its bus. */
export async function pairByToken(hub: Page, connectionString: string): Promise<void> {
  const answer = await hub.evaluate((t) => (document.querySelector('hub-app') as unknown as { hub: { api: { link: { configure(t: string): Promise<{ ok: boolean; message: string }> } } } }).hub.api.link.configure(t), connectionString);
  if (!answer.ok) throw new Error(answer.message);
  await waitLink(hub, (l) => l.registration.state === 'registered' && l.bus.state === 'open', 'registration and bus');
}

export async function hubWorker(page: Page): Promise<Worker> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const worker = page.workers().find((w) => w.url().includes('hub.worker'));
    if (worker) return worker;
    if (Date.now() > deadline) throw new Error('no hub worker in this window');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function printer(page: Page, what: 'unplug' | 'plug'): Promise<void> {
  const worker = await hubWorker(page);
  await worker.evaluate((w) => (self as unknown as { faultKit: FaultKitControl }).faultKit[w](), what);
}

/** Everything the virtual printer ever put out, read from its paper trail in any window of the origin. */
export function paper(page: Page): Promise<PaperEntry[]> {
  return page.evaluate(() => new Promise<PaperEntry[]>((resolve, reject) => {
    const request = indexedDB.open('hub-e2e-paper', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('paper', { keyPath: 'seq', autoIncrement: true });
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const all = request.result.transaction('paper').objectStore('paper').getAll();
      all.onsuccess = () => {
        resolve(all.result as PaperEntry[]);
        request.result.close();
      };
      all.onerror = () => reject(all.error);
    };
  }));
}

/** The hub's job records (the homepage lists only the newest). */
export function storedJobs(page: Page): Promise<Array<Pick<JobRecord, 'id' | 'state' | 'actionUniqueId' | 'createdAt'>>> {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const request = indexedDB.open('browser-iot-hub');
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const all = request.result.transaction('jobs').objectStore('jobs').getAll();
      all.onsuccess = () => {
        resolve((all.result as JobRecord[]).map(({ id, state, actionUniqueId, createdAt }) => ({ id, state, actionUniqueId, createdAt })));
        request.result.close();
      };
      all.onerror = () => reject(all.error);
    };
  }));
}

/** Receipt JPEGs numbered `from`..`from + count - 1` (fault-kit.ts RECEIPT_LAYOUT), made in the POS page, as base64. */
export function receiptImages(pos: Page, from: number, count: number): Promise<string[]> {
  return pos.evaluate(async ({ from, count }) => {
    const width = 512;
    const out: string[] = [];
    for (let n = from; n < from + count; n++) {
      const canvas = new OffscreenCanvas(width, 240);
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#fff';
      context.fillRect(0, 0, width, 240);
      context.fillStyle = '#000';
      context.fillRect(0, 0, width, 16);
      for (let i = 0; i < 8; i++) if (n & (0x80 >> i)) context.fillRect(i * 64, 16, 64, 64);
      context.fillRect(0, 120, width, 4);
      const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 })).arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      out.push(btoa(binary));
    }
    return out;
  }, { from, count });
}

type PosSim = { action(a: unknown): Promise<PosResult>; openWebRtc(box: string): Promise<{ state: string }> };

/**
 * Sends receipts one after the other (each `print_receipt` leaves once the previous one was
 * answered, held or printed), as a till does; resolves with every answer.
 */
export function sendReceipts(pos: Page, args: { box: string; device: string; images: string[]; via: 'bus' | 'webrtc'; ids: string[]; timeoutMs?: number }): Promise<PosResult[]> {
  return pos.evaluate(async ({ box, device, images, via, ids, timeoutMs }) => {
    const sim = (window as unknown as { posSim: PosSim }).posSim;
    const results: PosResult[] = [];
    for (let i = 0; i < images.length; i++) {
      results.push(await sim.action({ box, device, via, actionId: ids[i], timeoutMs, data: { action: 'print_receipt', receipt: images[i] } }));
    }
    return results;
  }, { ...args, timeoutMs: args.timeoutMs ?? 20_000 });
}

export async function waitPaper(page: Page, check: (entries: PaperEntry[]) => boolean, what: string, timeout = 30_000): Promise<PaperEntry[]> {
  const deadline = Date.now() + timeout;
  let last: PaperEntry[] = [];
  while (Date.now() < deadline) {
    last = await paper(page);
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; ${last.length} entries on the paper`);
}

export { link };

/** Unique action ids for a burst, tagged and numbered so a failure names the receipt. */
export const actionIds = (tag: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${tag}-${i}-${crypto.randomUUID()}`);

/** Starts every receipt at once (in order), as a busy till or a replayed batch does; resolves with every answer. */
export function burstReceipts(pos: Page, args: { box: string; device: string; images: string[]; via: 'bus' | 'webrtc'; ids: string[]; timeoutMs?: number }): Promise<PosResult[]> {
  return pos.evaluate(({ box, device, images, via, ids, timeoutMs }) => {
    const sim = (window as unknown as { posSim: PosSim }).posSim;
    return Promise.all(images.map((receipt, i) => sim.action({ box, device, via, actionId: ids[i], timeoutMs, data: { action: 'print_receipt', receipt } })));
  }, { ...args, timeoutMs: args.timeoutMs ?? 20_000 });
}
