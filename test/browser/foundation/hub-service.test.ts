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
    expect(b.localServer).to.deep.equal({ mode: 'forward', odooOrigin: 'https://shop.example.com', address: '192.168.1.23', virtualDevices: false, keepsIdentifier: false, identifier: null });
    expect(b.identity.identifierKeptBy).to.equal('browser');
    await second.stop();
  });

  it('gives its identifier to a local server that keeps one, and a cleared profile takes it back from there', async () => {
    let kept: string | null = null;
    const offered: string[] = [];
    const server = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/hub-server/identifier')) {
        const { identifier } = JSON.parse(String(init?.body)) as { identifier: string };
        offered.push(identifier);
        kept ??= identifier;
        return new Response(JSON.stringify({ identifier: kept }));
      }
      return new Response(JSON.stringify({ mode: 'forward', odooOrigin: 'https://shop.example.com', address: '192.168.1.23', keepsIdentifier: true, identifier: kept }));
    }) as typeof fetch;
    const profile = `${dbName}-kept`;
    const first = new HubService({ dbName: profile, fetch: server });
    const a = await first.start();
    await first.stop();
    expect(offered).to.deep.equal([a.identity.identifier]);
    expect(a.identity.identifierKeptBy).to.equal('local-server');
    // Site data cleared: a new database, no identifier of its own; the server's comes back.
    await deleteDB(profile);
    const cleared = new HubService({ dbName: profile, fetch: server });
    const b = await cleared.start();
    expect(b.identity.identifier).to.equal(a.identity.identifier);
    expect(offered).to.have.length(1, 'nothing offered once the server keeps one');
    await cleared.stop();
    await deleteDB(profile);
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
