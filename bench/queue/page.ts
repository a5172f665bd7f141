// Runs in Chromium, served by bench/groups/queue.ts through vite on loopback: the hub's own job
// store, router and outbox on a real IndexedDB, with a device that answers at once, so the
// figure is the queue's cost (admit, running, result + finished job in the outbox) per job.
import { openHubDb } from '../../src/store/db.ts';
import { JobStore } from '../../src/hub/job-store.ts';
import { Outbox } from '../../src/hub/outbox.ts';
import { ActionRouter } from '../../src/hub/router.ts';
import { Activity } from '../../src/hub/activity.ts';
import { Logger } from '../../src/hub/logger.ts';
import type { Device } from '../../src/hub/devices.ts';
import { writeBatcher } from '../../src/store/write-batcher.ts';

const DEVICE = 'usb_04b8:0202_BENCH';

/** Milliseconds spent awaiting each IndexedDB write of the queue, summed over a run (where the time goes). */
export type WriteTimes = Record<'admit' | 'running' | 'result', number>;

function timed<A extends unknown[], R>(times: WriteTimes, name: keyof WriteTimes, f: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    const t0 = performance.now();
    try {
      return await f(...args);
    } finally {
      times[name] += performance.now() - t0;
    }
  };
}

export type Throughput = { jobsPerSecond: number; perJobMs: WriteTimes; transactionsPerJob: number };

async function throughput(jobs: number): Promise<Throughput> {
  const db = await openHubDb(`queue-bench-${crypto.randomUUID()}`);
  const log = new Logger().scope('bench');
  const store = new JobStore(db);
  await store.load();
  // Outbox disabled (no server): results are written, not sent, as while Odoo is unreachable.
  const outbox = new Outbox(db, { send: async () => undefined, log });
  await outbox.load();
  const times: WriteTimes = { admit: 0, running: 0, result: 0 };
  store.admit = timed(times, 'admit', store.admit.bind(store));
  store.update = timed(times, 'running', store.update.bind(store));
  const append = timed(times, 'result', outbox.append.bind(outbox));
  const device: Device = {
    description: { identifier: DEVICE, name: 'bench', type: 'printer', manufacturer: 'bench', connection: 'direct', subtype: 'receipt_printer' },
    run: async () => ({ status: 'success' }),
    onEvent: () => () => undefined,
    close: async () => undefined,
  };
  let finished = 0;
  let allDone!: () => void;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const router = new ActionRouter({
    store, activity: new Activity(), log, hubIdentifier: () => 'bench000000000001',
    devices: { get: () => device }, knownDevice: () => true,
    deliver: async (message, job, ttlMs) => {
      await append(message, ttlMs ? Date.now() + ttlMs : null, job ?? undefined);
      if (job && job.state === 'done' && ++finished === jobs) allDone();
    },
  });
  const started = performance.now();
  for (let i = 0; i < jobs; i++) {
    await router.accept({ via: 'bus', sessionId: `s${i}`, deviceIdentifiers: [DEVICE], action: 'print_receipt', actionUniqueId: `bench-${i}`, data: { action: 'print_receipt', receipt: 'x'.repeat(256) } });
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  db.close();
  indexedDB.deleteDatabase(db.name);
  const perJobMs = Object.fromEntries(Object.entries(times).map(([k, ms]) => [k, ms / jobs])) as WriteTimes;
  // Three writes a job; the batcher commits those that meet while one commits in one transaction.
  return { jobsPerSecond: jobs / seconds, perJobMs, transactionsPerJob: writeBatcher(db).stats.transactions / jobs };
}

(window as unknown as { runBench: typeof throughput }).runBench = throughput;
