import { expect } from 'chai';
import { openHubDb, type HubDb } from '../../../src/store/db.ts';
import { JobStore } from '../../../src/hub/job-store.ts';
import { ActionRouter, INTERRUPTED_MESSAGE } from '../../../src/hub/router.ts';
import { Outbox, Undeliverable } from '../../../src/hub/outbox.ts';
import { Activity } from '../../../src/hub/activity.ts';
import { Logger } from '../../../src/hub/logger.ts';
import type { IotAction } from '../../../src/odoo/iot/messages.ts';
import type { ResultMessage } from '../../../src/odoo/iot/results.ts';
import { TestDrawer } from '../../fakes/iot/test-drawer.ts';

const log = new Logger().scope('test');
let dbs: HubDb[] = [];
const open = async (name: string) => {
  const db = await openHubDb(name);
  dbs.push(db);
  return db;
};
const action = (id: string | null, device: string, data: Record<string, unknown> = {}): IotAction => ({
  via: 'bus', sessionId: `s-${id}`, deviceIdentifiers: [device], action: 'cashbox', actionUniqueId: id, data: { action: 'cashbox', ...data },
});

function routerOn(db: HubDb, drawer: TestDrawer, delivered: ResultMessage[]) {
  const store = new JobStore(db);
  const router = new ActionRouter({
    store, devices: { get: (id) => (id === drawer.description.identifier ? drawer : undefined) }, activity: new Activity(), log,
    hubIdentifier: () => 'hub0000000000001',
    deliver: async (message, job) => {
      delivered.push(message);
      if (job) await db.put('jobs', job);
    },
  });
  return { store, router };
}

async function until(check: () => boolean, ms = 3_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('router and job store (IndexedDB)', () => {
  afterEach(async () => {
    for (const db of dbs) {
      db.close();
      indexedDB.deleteDatabase(db.name);
    }
    dbs = [];
  });

  it('runs an action_unique_id once, also after a reload (a new router on the same database)', async () => {
    const name = `iot-router-${crypto.randomUUID()}`;
    const drawer = new TestDrawer('A');
    const delivered: ResultMessage[] = [];
    let { store, router } = routerOn(await open(name), drawer, delivered);
    await store.load();
    expect(await router.accept(action('u1', drawer.description.identifier))).to.equal(true);
    expect(await router.accept(action('u1', drawer.description.identifier))).to.equal(false);
    await until(() => delivered.length === 1);
    dbs[0].close();
    ({ store, router } = routerOn(await open(name), drawer, delivered));
    await store.load();
    expect(await router.accept(action('u1', drawer.description.identifier))).to.equal(false);
    expect(drawer.runs.get('u1')).to.equal(1);
    expect(delivered).to.have.length(1);
    expect(delivered[0]).to.include({ status: 'success', device_identifier: drawer.description.identifier, session_id: 's-u1' });
  });

  it('concurrent deliveries of one id (bus and WebRTC at once) run it once', async () => {
    const drawer = new TestDrawer('B');
    const delivered: ResultMessage[] = [];
    const { store, router } = routerOn(await open(`iot-router-${crypto.randomUUID()}`), drawer, delivered);
    await store.load();
    const accepted = await Promise.all([router.accept(action('u2', drawer.description.identifier)), router.accept({ ...action('u2', drawer.description.identifier), via: 'webrtc' })]);
    expect(accepted.filter(Boolean)).to.have.length(1);
    await until(() => delivered.length === 1);
    expect(drawer.runs.get('u2')).to.equal(1);
  });

  it('answers disconnected for a device it does not have', async () => {
    const delivered: ResultMessage[] = [];
    const { store, router } = routerOn(await open(`iot-router-${crypto.randomUUID()}`), new TestDrawer('C'), delivered);
    await store.load();
    await router.accept(action('u3', 'usb_dead:beef'));
    await until(() => delivered.length === 1);
    expect(delivered[0].status).to.equal('disconnected');
  });

  it('after a reload, runs queued jobs in order and reports interrupted ones as uncertain, never repeating them', async () => {
    const db = await open(`iot-router-${crypto.randomUUID()}`);
    const drawer = new TestDrawer('D');
    const device = drawer.description.identifier;
    const job = (id: string, state: 'queued' | 'running', at: number) => ({
      id: `${id}@${device}`, actionUniqueId: id, deviceIdentifier: device, action: 'cashbox', data: {}, sessionId: id, state, createdAt: at, updatedAt: at,
    });
    await db.put('jobs', job('was-running', 'running', 1));
    await db.put('jobs', job('q2', 'queued', 3));
    await db.put('jobs', job('q1', 'queued', 2));
    const delivered: ResultMessage[] = [];
    const { store, router } = routerOn(db, drawer, delivered);
    await store.load();
    await router.resume();
    await until(() => delivered.length === 3);
    expect(delivered.map((d) => d.session_id)).to.deep.equal(['was-running', 'q1', 'q2']);
    expect(delivered[0]).to.include({ status: 'error', result: INTERRUPTED_MESSAGE });
    expect(drawer.runs.has('was-running')).to.equal(false);
    expect((await db.get('jobs', `was-running@${device}`))?.state).to.equal('uncertain');
  });

  it('writes a job as running when it is queued for a free device, once; one queued behind it stays queued; a reload reports the first "may have printed" and runs the second', async () => {
    const name = `iot-running-at-admit-${crypto.randomUUID()}`;
    const db = await open(name);
    const drawer = new TestDrawer('R');
    const device = drawer.description.identifier;
    // A device that prepares its jobs (as a receipt printer does) and whose first job is still printing when the hub dies.
    Object.assign(drawer, { prepare: () => ({ release: () => undefined }) });
    const puts: string[] = [];
    const store = new JobStore(db);
    const update = store.update.bind(store);
    store.update = (job, state, result) => (puts.push(`${job.actionUniqueId} ${state}`), update(job, state, result));
    const delivered: ResultMessage[] = [];
    const router = new ActionRouter({
      store, devices: { get: (id) => (id === device ? drawer : undefined) }, activity: new Activity(), log,
      hubIdentifier: () => 'hub0000000000001',
      deliver: async (message, job) => {
        delivered.push(message);
        if (job) await db.put('jobs', job);
      },
    });
    await store.load();
    await Promise.all([
      router.accept(action('first', device, { delay_ms: 10_000 })),
      router.accept(action('second', device)),
    ]);
    await until(() => drawer.runs.get('first') === 1);
    expect((await db.get('jobs', `first@${device}`))?.state, 'stored as running with the job').to.equal('running');
    expect((await db.get('jobs', `second@${device}`))?.state, 'behind it: queued').to.equal('queued');
    expect(puts, 'no second write of the first job before it runs').to.deep.equal([]);
    // The hub dies here (the first job's device still busy): a new router on the same database.
    db.close();
    const again = await open(name);
    const fresh = new TestDrawer('R');
    const reloaded: ResultMessage[] = [];
    const next = routerOn(again, fresh, reloaded);
    await next.store.load();
    await next.router.resume();
    await until(() => reloaded.length === 2);
    expect(reloaded.map((d) => [d.session_id, d.status])).to.deep.equal([['s-first', 'error'], ['s-second', 'success']]);
    expect(reloaded[0].result).to.equal(INTERRUPTED_MESSAGE);
    expect(fresh.runs.has('first'), 'never repeated by itself').to.equal(false);
    expect(fresh.runs.get('second')).to.equal(1);
    expect((await again.get('jobs', `first@${device}`))?.state).to.equal('uncertain');
  });

  it('marks a job from its arrival to its result, in order, and releases what the device prepared', async () => {
    const drawer = new TestDrawer('P');
    const events: string[] = [];
    Object.assign(drawer, {
      prepare: ({ data }: { data: Record<string, unknown> }) => {
        events.push(`prepare ${data.tag}`);
        return { release: () => events.push(`release ${data.tag}`) };
      },
    });
    const delivered: ResultMessage[] = [];
    const db = await open(`iot-breakdown-${crypto.randomUUID()}`);
    const store = new JobStore(db);
    const router = new ActionRouter({
      store, devices: { get: (id) => (id === drawer.description.identifier ? drawer : undefined) }, activity: new Activity(), log,
      hubIdentifier: () => 'hub0000000000001',
      deliver: async (message, job, _ttl, onSent) => {
        delivered.push(message);
        if (job) await db.put('jobs', job);
        onSent?.('webrtc', performance.timeOrigin + performance.now());
      },
    });
    await store.load();
    const arrival = { receivedAt: performance.timeOrigin + performance.now() - 5, completeAt: performance.timeOrigin + performance.now() - 1 };
    // Two at once: one job is prepared ahead per device, so the second is prepared when its turn comes.
    await Promise.all([
      router.accept({ ...action('b1', drawer.description.identifier, { tag: 'one' }), via: 'webrtc', arrival }),
      router.accept(action('b2', drawer.description.identifier, { tag: 'two' })),
    ]);
    await until(() => delivered.length === 2);
    const jobs = router.jobs().filter((j) => j.state === 'done');
    const first = jobs.find((j) => j.actionUniqueId === 'b1')!;
    const { marks } = first.breakdown!;
    expect(first.breakdown!.via).to.equal('webrtc');
    expect([marks.received, marks.complete]).to.deep.equal([arrival.receivedAt, arrival.completeAt]);
    const order = ['received', 'complete', 'accepted', 'started', 'done', 'resultSentWebrtc'] as const;
    for (let i = 1; i < order.length; i++) expect(marks[order[i]]!, order[i]).to.be.at.least(marks[order[i - 1]]!);
    expect(events).to.deep.equal(['prepare one', 'release one', 'prepare two', 'release two']);
  });
});

describe('outbox (IndexedDB)', () => {
  afterEach(async () => {
    for (const db of dbs) {
      db.close();
      indexedDB.deleteDatabase(db.name);
    }
    dbs = [];
  });

  it('keeps messages through network loss and a reload and sends them once, in order', async () => {
    const name = `iot-outbox-${crypto.randomUUID()}`;
    const sent: number[] = [];
    let down = true;
    const send = async (body: unknown) => {
      if (down) throw new TypeError('Failed to fetch');
      sent.push((body as { n: number }).n);
    };
    const first = new Outbox(await open(name), { send, log, retryMinMs: 20 });
    await first.load();
    first.setEnabled(true);
    for (let n = 0; n < 5; n++) await first.append({ n });
    await until(() => first.lastError !== '');
    expect(first.pending).to.equal(5);
    first.setEnabled(false);
    dbs[0].close();

    down = false;
    const second = new Outbox(await open(name), { send, log, retryMinMs: 20 });
    await second.load();
    expect(second.pending).to.equal(5);
    second.setEnabled(true);
    await second.append({ n: 5 });
    await until(() => second.pending === 0);
    expect(sent).to.deep.equal([0, 1, 2, 3, 4, 5]);
  });

  it('drops a message the server refuses for good and expired events, and goes on', async () => {
    const sent: string[] = [];
    const outbox = new Outbox(await open(`iot-outbox-${crypto.randomUUID()}`), {
      send: async (body) => {
        const tag = (body as { tag: string }).tag;
        if (tag === 'refused') throw new Undeliverable('HTTP 400');
        sent.push(tag);
      },
      log,
    });
    await outbox.load();
    await outbox.append({ tag: 'a' });
    await outbox.append({ tag: 'refused' });
    await outbox.append({ tag: 'old weight' }, Date.now() - 1);
    await outbox.append({ tag: 'b' });
    outbox.setEnabled(true);
    await until(() => outbox.pending === 0);
    expect(sent).to.deep.equal(['a', 'b']);
  });

  it('tells who asked when a message left, once Odoo took it; not for a message it dropped', async () => {
    let down = true;
    const outbox = new Outbox(await open(`iot-outbox-${crypto.randomUUID()}`), {
      send: async () => {
        if (down) throw new TypeError('Failed to fetch');
      },
      log, retryMinMs: 20,
    });
    await outbox.load();
    outbox.setEnabled(true);
    const heard: string[] = [];
    const before = performance.timeOrigin + performance.now();
    let at = 0;
    await outbox.append({ tag: 'a' }, null, undefined, (when) => {
      heard.push('a');
      at = when;
    });
    await outbox.append({ tag: 'old' }, Date.now() - 1, undefined, () => heard.push('old'));
    await until(() => outbox.lastError !== '');
    expect(heard).to.deep.equal([]);
    down = false;
    outbox.kick();
    await until(() => outbox.pending === 0);
    expect(heard).to.deep.equal(['a']);
    expect(at).to.be.greaterThan(before);
  });
});
