import { expect } from 'chai';
import { deleteDB } from 'idb';
import { HubService } from '../../../workers/hub-service.ts';

function localServerAnswering(body: unknown, status = 200): typeof fetch {
  return (async () => new Response(JSON.stringify(body), { status })) as typeof fetch;
}

describe('hub service', () => {
  const dbName = `hub-service-${Math.random().toString(16).slice(2)}`;
  after(() => deleteDB(dbName));

  it('keeps its identifier across restarts and reports the address the local server sees', async () => {
    const first = new HubService({ dbName, fetch: localServerAnswering({ mode: 'forward', odooOrigin: 'https://shop.example.com', address: '192.168.1.23' }) });
    const a = await first.start();
    await first.stop();
    const second = new HubService({ dbName, fetch: localServerAnswering({ mode: 'forward', odooOrigin: 'https://shop.example.com', address: '192.168.1.23' }) });
    const b = await second.start();
    expect(b.identity.identifier).to.match(/^[0-9a-f]{16}$/);
    expect(b.identity.identifier).to.equal(a.identity.identifier);
    expect(b.identity.address).to.equal('192.168.1.23');
    expect(b.identity.version).to.match(/^B0\.0\.0-19\.0#test$/);
    expect(b.localServer).to.deep.equal({ mode: 'forward', odooOrigin: 'https://shop.example.com', address: '192.168.1.23' });
    await second.stop();
  });

  it('uses the page host when no local server answers, and the user\'s address when set', async () => {
    const hub = new HubService({ dbName, fetch: localServerAnswering({ error: 'not found' }, 404) });
    const snapshot = await hub.start();
    expect(snapshot.localServer).to.equal(null);
    expect(snapshot.identity.address).to.equal(location.hostname);
    await hub.setSetting('addressOverride', 'pos-1.shop.lan');
    expect(hub.snapshot().identity.address).to.equal('pos-1.shop.lan');
    await hub.setSetting('addressOverride', '');
    await hub.stop();
  });

  it('ignores a malformed local server answer', async () => {
    const hub = new HubService({ dbName, fetch: localServerAnswering({ mode: 'evil', address: 42 }) });
    expect((await hub.start()).localServer).to.equal(null);
    await hub.stop();
  });

  it('logs to the bounded store with secrets masked, and exports the log as text', async () => {
    const hub = new HubService({ dbName, fetch: localServerAnswering({}, 404) });
    await hub.start();
    hub.logger.scope('test').info('paired with https://shop.example.com?token=abcdef0123456789&db_uuid=u1');
    await new Promise((r) => setTimeout(r, 50));
    const text = await hub.exportLogs();
    expect(text).to.match(/INFO \[hub\] hub [0-9a-f]{16} started, version B0\.0\.0-19\.0#test/);
    expect(text).to.include('token=****');
    expect(text).to.not.include('abcdef0123456789');
    const recent = await hub.recentLogs(1);
    expect(recent).to.have.length(1);
    await hub.stop();
  });

  it('is idle until a job runs, and says when it is idle again', async () => {
    const hub = new HubService({ dbName, fetch: localServerAnswering({}, 404) });
    await hub.start();
    expect(hub.isIdle()).to.equal(true);
    const end = hub.activity.begin();
    expect(hub.isIdle()).to.equal(false);
    let idle = false;
    const wait = hub.whenIdle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).to.equal(false);
    end();
    await wait;
    expect(idle).to.equal(true);
    await hub.stop();
  });
});
