import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LAST_ID_SAVE_MS, Pairing } from '../../../src/hub/link/pairing.ts';
import type { PairingRecord } from '../../../src/store/schema.ts';
import { ManualClock, openTestDb, recordingLogger, until } from './support.ts';

/**
 * The bus position (`last`) as the pairing keeps it: with its channel, at once in memory and a
 * moment later in IndexedDB, from 0 on a new channel. (The bus session's side of it, subscribing
 * from it and reporting it, is in bus-session.test.ts.)
 */
describe('pairing: keeps the bus position with its channel', () => {
  const record = (channel: string): PairingRecord => ({
    id: 'current', serverUrl: 'http://127.0.0.1:8069', token: 't'.repeat(32), dbUuid: 'u', enterpriseCode: 'e', dbName: 'shop', channel, lastBusId: 0, pairedAt: 1,
  });

  async function pairing() {
    const db = await openTestDb();
    const clock = new ManualClock();
    const { logger } = recordingLogger();
    const part = new Pairing({
      db, logger, clock, identifier: 'p-1', pairingProxyUrl: () => '', forwardedOdooOrigin: () => null, pageOrigin: () => 'http://127.0.0.1:8080',
      events: { codeAccepted: async () => undefined, changed: () => undefined },
    });
    await part.load();
    const stored = async () => (await db.get('pairing', 'current'))?.lastBusId;
    return { db, clock, part, stored };
  }

  it('holds the newest position at once and saves it once per moment', async () => {
    const { clock, part, stored } = await pairing();
    await part.adopt(record('iot_channel-a'));
    part.rememberLast(5);
    part.rememberLast(7);
    assert.equal(part.last, 7);
    assert.equal(await stored(), 0, 'not saved yet');
    assert.deepEqual(clock.waiting, [LAST_ID_SAVE_MS], 'one save for both');
    clock.advance(LAST_ID_SAVE_MS);
    await until(async () => (await stored()) === 7, 'the coalesced save');
    part.rememberLast(9);
    await part.saveNow();
    assert.equal(await stored(), 9, 'saved at once before a reload');
    assert.deepEqual(clock.waiting, []);
  });

  it('a new channel starts from 0; the same channel keeps its position; a forgotten pairing saves nothing late', async () => {
    const { db, clock, part, stored } = await pairing();
    await part.adopt(record('iot_channel-a'));
    part.rememberLast(12);
    await part.saveNow();
    await part.adopt(record('iot_channel-a'));
    assert.equal(part.last, 12, 'pairing again on the same channel keeps the position');
    part.rememberLast(13);
    await part.setChannel('iot_channel-b');
    assert.equal(part.last, 0);
    assert.equal(await stored(), 0);
    assert.deepEqual(clock.waiting, [], 'the old channel\'s pending save is dropped');
    part.rememberLast(3);
    await part.forget();
    clock.advance(LAST_ID_SAVE_MS);
    assert.equal(await db.get('pairing', 'current'), undefined);
    assert.equal(part.last, 0);
  });
});
