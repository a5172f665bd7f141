import { expect } from 'chai';
import * as Comlink from 'comlink';
import { deleteDB } from 'idb';
import { HubService } from '../../../workers/hub-service.ts';
import type { HubApi } from '../../../src/app/hub-api.ts';
import '../../../src/app/network-printers-controls.ts';

/** Behind the shop's reverse proxy there is no `/hub-server/info`: the hub has no local server. */
const noLocalServer = (async () => new Response('', { status: 404 })) as typeof fetch;

describe('network and office printers in the browser-only deployment', () => {
  const dbName = `hub-netprint-${crypto.randomUUID()}`;
  let hub: HubService;
  after(async () => {
    await hub?.stop();
    await deleteDB(dbName);
  });

  it('offers none and says why in one line; the API refuses plainly', async () => {
    hub = new HubService({ dbName, fetch: noLocalServer });
    const snapshot = await hub.start();
    expect(snapshot.printers).to.equal(null);
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(hub, port1);
    const api = Comlink.wrap(port2) as HubApi;
    const controls = document.createElement('hub-network-printers') as HTMLElement & { snapshot: unknown; hub: unknown; updateComplete: Promise<boolean> };
    controls.snapshot = snapshot;
    controls.hub = { api };
    document.body.append(controls);
    await controls.updateComplete;
    const root = controls.shadowRoot!;
    const line = root.querySelector('[data-test=network-printers-unavailable]');
    expect(line?.textContent).to.match(/^Network and office printers are not offered: they need the hub's local server \(npm start on this terminal\), because a web page cannot open a printer's TCP port or reach the print system\.$/);
    expect(root.querySelector('form')).to.equal(null);
    let refusal = '';
    try {
      await api.printers.add('127.0.0.1:9100', 'escpos');
    } catch (error) {
      refusal = (error as Error).message;
    }
    expect(refusal).to.match(/network and office printers need the hub's local server/);
    controls.remove();
  });
});
