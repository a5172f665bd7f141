import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubServer, type RunningServer } from '../../support/hub-server.ts';
import { HubStateFile, parseHubState } from '../../../server/hub-state-file.ts';

describe('the identifier the local server keeps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-state-'));
  let hub: RunningServer;
  before(async () => {
    hub = await startHubServer({ dataDir: dir });
  });
  after(() => hub.close());

  const info = async () => (await fetch(`${hub.url}hub-server/info`)).json() as Promise<{ keepsIdentifier: boolean; identifier: string | null; virtualDevices: boolean }>;
  const offer = (body: string) => fetch(`${hub.url}hub-server/identifier`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

  it('keeps the first identifier a hub offers, in a file only its user reads, and answers it to the next', async () => {
    assert.deepEqual(await info().then((i) => [i.keepsIdentifier, i.identifier, i.virtualDevices]), [true, null, true], 'demo mode: virtual devices');
    const first = await offer(JSON.stringify({ identifier: '0123456789abcdef' }));
    assert.deepEqual([first.status, await first.json()], [200, { identifier: '0123456789abcdef' }]);
    const second = await offer(JSON.stringify({ identifier: 'fedcba9876543210' }));
    assert.deepEqual(await second.json(), { identifier: '0123456789abcdef' }, 'another profile gets the kept one');
    assert.equal((await info()).identifier, '0123456789abcdef');
    const file = join(dir, 'hub.json');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { identifier: '0123456789abcdef' });
    assert.equal(statSync(file).mode & 0o077, 0, 'not readable by others');
  });

  it('refuses what is not an identifier, a body too long and other methods, naming why', async () => {
    for (const [body, status, why] of [
      ['{"identifier": "ABC"}', 400, /not a hub identifier/], ['not json', 400, /JSON/], ['{"id": 1}', 400, /expected/], [`{"identifier":"${'a'.repeat(300)}"}`, 413, /longer than/],
    ] as const) {
      const response = await offer(body);
      assert.equal(response.status, status, body);
      assert.match((await response.json()).error, why);
    }
    assert.equal((await fetch(`${hub.url}hub-server/identifier`)).status, 405);
  });

  it('a server without a data directory keeps nothing, and says so', async () => {
    const bare = await startHubServer({ dataDir: null });
    try {
      const seen = await (await fetch(`${bare.url}hub-server/info`)).json();
      assert.equal(seen.keepsIdentifier, false);
      assert.equal((await fetch(`${bare.url}hub-server/identifier`, { method: 'POST', body: '{"identifier":"0123456789abcdef"}' })).status, 404);
    } finally {
      await bare.close();
    }
  });

  it('reads its state file boundedly: a damaged or foreign file keeps nothing', async () => {
    for (const bad of ['', '{', '[]', 'null', '{"identifier": 7}', '{"identifier": "XYZ"}', `{"identifier":"0123456789abcdef","x":"${'y'.repeat(5000)}"}`]) {
      assert.equal(parseHubState(bad), null, bad.slice(0, 40));
    }
    const other = mkdtempSync(join(tmpdir(), 'hub-state-'));
    writeFileSync(join(other, 'hub.json'), 'garbage');
    const state = new HubStateFile(other);
    assert.equal(await state.identifier(), null);
    await assert.rejects(state.keepIdentifier('nope'), /not a hub identifier/);
  });
});
