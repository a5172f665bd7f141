import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobQueue, summarizeJob } from '../../../src/hub/link/job-queue.ts';
import { systemClock } from '../../../src/hub/link/clock.ts';
import { Activity } from '../../../src/hub/activity.ts';
import { DEFAULT_HOLD_MS } from '../../../src/hub/queue-policy.ts';
import type { Device } from '../../../src/hub/devices.ts';
import type { IotAction } from '../../../src/odoo/iot/messages.ts';
import type { ResultMessage } from '../../../src/odoo/iot/results.ts';
import type { JobRecord } from '../../../src/store/schema.ts';
import { TestDrawer } from '../../fakes/iot/test-drawer.ts';
import { openTestDb, recordingLogger, until } from './support.ts';

/** The job queue part alone: actions become jobs answered through `deliver`; printers it drove stay known. */
async function queue(devices: Device[]) {
  const db = await openTestDb();
  const delivered: Array<{ message: ResultMessage; job: JobRecord | null }> = [];
  const present = new Map(devices.map((d) => [d.description.identifier, d]));
  const part = new JobQueue({
    db, logger: recordingLogger().logger, clock: systemClock, activity: new Activity(), hubIdentifier: () => 'queue-hub',
    devices: { get: (identifier) => present.get(identifier), listing: () => ({ devices: [...present.values()] }) },
    deliver: async (message, job) => void delivered.push({ message, job }),
    acknowledgeOdoo18: () => undefined,
    changed: () => undefined,
  });
  await part.load();
  await part.start();
  return { db, part, delivered, present };
}

function action(device: string, uniqueId: string): IotAction {
  return { via: 'bus', sessionId: `s-${uniqueId}`, deviceIdentifiers: [device], action: 'cashbox', actionUniqueId: uniqueId, data: { action: 'cashbox' } };
}

describe('job queue (link part)', () => {
  it('runs an action once, answers it through deliver with its job, and drops it when it comes again', async () => {
    const drawer = new TestDrawer('Q1');
    const { part, delivered } = await queue([drawer]);
    assert.equal(await part.accept(action(drawer.description.identifier, 'q-1')), true);
    await until(() => delivered.length === 1, 'the result');
    assert.equal(delivered[0].message.session_id, 's-q-1');
    assert.equal(delivered[0].message.status, 'success');
    assert.equal(delivered[0].job?.state, 'done');
    assert.equal(await part.accept(action(drawer.description.identifier, 'q-1')), false);
    assert.equal(part.duplicatesDropped, 1);
    assert.equal(drawer.runs.get('q-1'), 1);
    const [job] = part.jobs();
    assert.equal(job.state, 'done');
    assert.equal(job.result, JSON.stringify({ opened: true, runs: 1 }));
    part.stop();
  });

  it('remembers the printers it drove, shows them offline when unplugged, and keeps a checked hold time for each', async () => {
    const drawer = new TestDrawer('Q2');
    const { db, part, present } = await queue([drawer]);
    const id = drawer.description.identifier;
    assert.deepEqual(part.knownDevices(), [{ identifier: id, name: 'Test cash drawer', online: true, holdMinutes: DEFAULT_HOLD_MS / 60_000 }]);
    present.delete(id);
    assert.equal(part.knownDevices()[0].online, false);
    await part.setHoldMinutes(id, 30);
    assert.equal(part.knownDevices()[0].holdMinutes, 30);
    assert.equal((await db.get('devices', id))?.settings.holdMinutes, 30);
    await assert.rejects(part.setHoldMinutes(id, -1), RangeError);
    await assert.rejects(part.setHoldMinutes('usb_dead:beef', 5), /no device usb_dead:beef on this hub/);
    part.stop();
  });

  it('a job summary shows nothing for a null result and says whether it can be printed again', () => {
    const base: JobRecord = { id: 'j', actionUniqueId: null, deviceIdentifier: 'd', action: 'print_receipt', data: {}, sessionId: 's', state: 'done', createdAt: 1, updatedAt: 2, result: null };
    assert.equal(summarizeJob(base).result, '');
    assert.equal(summarizeJob(base).repeatable, true);
    assert.equal(summarizeJob({ ...base, trimmed: true }).repeatable, false);
    assert.equal(summarizeJob({ ...base, action: 'cashbox' }).repeatable, false);
    assert.equal(summarizeJob({ ...base, result: 'x'.repeat(500) }).result.length, 200);
  });
});
