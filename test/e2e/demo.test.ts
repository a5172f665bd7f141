// The embedded demo as `npm start` runs it with no Odoo configured (startHub, the code path of
// server/main.ts): the hub gets the virtual printer, scale and scanner, pairs by token through the
// simulator's IoT app page, and the POS page prints a receipt, opens the drawer and reads the scale.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../server/config.ts';
import { startHub, type RunningHub } from '../../server/start-hub.ts';
import { launchChromium } from '../support/chrome-session.ts';
import { DIST_DIR } from '../support/hub-server.ts';
import { link, waitHubReady, waitLink } from '../support/iot-e2e.ts';
import type { DemoDevicesState } from '../../workers/virtual/demo-devices.ts';

function demoState(hub: Page): Promise<DemoDevicesState | null> {
  return hub.evaluate(() => (document.querySelector('hub-app') as unknown as { snapshot: { demo: DemoDevicesState | null } }).snapshot.demo);
}

describe('embedded demo (npm start without Odoo)', () => {
  let running: RunningHub;
  let browser: Browser;
  let context: BrowserContext;
  let hub: Page;

  before(async () => {
    running = await startHub(loadConfig(['--port', '0', '--dist', DIST_DIR, '--data-dir', mkdtempSync(join(tmpdir(), 'hub-data-'))], {}), { log: () => undefined });
    browser = await launchChromium();
    context = await browser.newContext();
  });

  after(async () => {
    await browser?.close();
    await running?.close();
  });

  it('runs the simulator and plugs the virtual devices into the hub after it is ready', async () => {
    assert.ok(running.simulator, 'no Odoo configured: demo mode runs the simulator');
    hub = await context.newPage();
    await hub.goto(`${running.url}/`);
    await waitHubReady(hub);
    await hub.locator('[data-test=demo-printer]').waitFor({ timeout: 10_000 });
    const types = await hub.evaluate(() => (document.querySelector('hub-app') as unknown as { snapshot: { devices: Array<{ type: string; connection: string }> } }).snapshot.devices.map((d) => `${d.type}/${d.connection}`));
    for (const expected of ['printer/direct', 'scale/serial', 'scanner/direct']) assert.ok(types.includes(expected), `${expected} among ${types.join(', ')}`);
    assert.match(await hub.locator('[data-test=pairing-proxy-current]').textContent() ?? '', /forwards to the demo's simulated pairing proxy/);
  });

  it('pairs by token from the IoT app page; the IoT app lists the hub and its devices', async () => {
    const iotApp = await context.newPage();
    await iotApp.goto(running.simulator!.iotAppUrl);
    await iotApp.locator('#token').click();
    const token = await iotApp.locator('#token-out').evaluate((o) => (o as HTMLOutputElement).value);
    assert.match(token, /^http:\/\/localhost:\d+\?token=/, 'the token names the hub origin, which forwards to the simulator');

    assert.equal(await hub.locator('[data-test=summary-paired] .value').textContent(), 'not paired');
    assert.equal(await hub.locator('[data-test=fold-odoo]').textContent(), 'Odoo database: not connected');
    await hub.locator('[data-test=configure]').click();
    await hub.locator('[data-test=token-input]').fill(token);
    await hub.locator('[data-test=connect]').click();
    await waitLink(hub, (l) => l.registration.state === 'registered' && l.bus.state === 'open', 'registration by token and the bus');
    await hub.locator('hub-odoo-section').getByRole('button', { name: 'Close' }).click();

    await hub.locator('[data-test=fold-odoo]', { hasText: 'Odoo database: connected' }).waitFor({ timeout: 5_000 });
    assert.match(await hub.locator('[data-test=summary-paired] .value').textContent() ?? '', /^paired with http:\/\/localhost:\d+$/);
    await hub.locator('[data-test=summary-bus] .value', { hasText: 'open' }).waitFor({ timeout: 5_000 });

    const { identifier } = await link(hub);
    const box = iotApp.locator(`.box[data-identifier="${identifier}"]`);
    await box.locator('tr.device td:nth-child(3)', { hasText: 'scale' }).waitFor({ timeout: 5_000 });
    const rows = await box.locator('tr.device td:nth-child(3)').allTextContents();
    for (const type of ['printer (receipt_printer)', 'scale', 'scanner']) assert.ok(rows.includes(type), `${type} among ${rows.join(', ')}`);
    await iotApp.close();
  });

  it('prints a sample receipt and opens the drawer from the POS page; the hub shows the receipt', async () => {
    const pos = await context.newPage();
    await pos.goto(running.simulator!.posUrl);
    await pos.waitForFunction(() => (document.getElementById('printer') as HTMLSelectElement).value !== '', null, { timeout: 5_000 });
    // Two printers in the demo: the virtual USB one (whose drawer the Demo devices section counts) and the virtual network one.
    await pos.locator('#printer').selectOption('usb_04b8:0202_DEMO0001');

    await pos.locator('[data-test=print-sample]').click();
    const result = pos.locator('[data-test=printer-result]');
    await result.filter({ hasText: /^Receipt: / }).waitFor({ timeout: 8_000 });
    assert.match(await result.textContent() ?? '', /^Receipt: success via (webrtc|bus)/);

    const picture = hub.locator('[data-test=last-print]');
    await picture.waitFor({ timeout: 5_000 });
    await hub.waitForFunction((img) => !!img && (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalHeight > 0, await picture.elementHandle());
    const size = await picture.evaluate((img) => ({ width: (img as HTMLImageElement).naturalWidth, height: (img as HTMLImageElement).naturalHeight }));
    // The sample receipt is 512 px wide and taller than wide: the picture is that receipt, not a status ticket or a blank page.
    assert.ok(size.width >= 512 && size.height > size.width, `last receipt picture ${size.width}x${size.height}`);

    await pos.locator('[data-test=cashbox]').click();
    await result.filter({ hasText: /^Cash drawer: / }).waitFor({ timeout: 8_000 });
    assert.match(await result.textContent() ?? '', /^Cash drawer: success/);
    // The homepage learns it with its next snapshot.
    await hub.locator('[data-test=demo-printer]', { hasText: 'cash drawer opened 1 time(s)' }).waitFor({ timeout: 5_000 });
    // A print answers only success: the Done table says so in words, never `null`.
    const doneResults = hub.locator('[data-test=jobs-done] tr[data-test=job] td.result');
    await doneResults.first().waitFor({ timeout: 5_000 });
    for (const text of await doneResults.allTextContents()) assert.ok(text.trim() !== '' && !/null/.test(text), `Done result "${text}"`);
    // The receipt's details say where its time went, from its arrival to its result.
    const details = hub.locator('[data-test=jobs-done] [data-test=breakdown]').last();
    await details.locator('summary').click();
    const steps = await details.locator('[data-test=breakdown-step]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.step));
    for (const step of ['queued (IndexedDB)', 'first byte to the printer', 'last byte taken', 'JPEG decode', 'dither', 'status check before']) {
      assert.ok(steps.includes(step), `"${step}" among ${steps.join(', ')}`);
    }
    assert.ok(steps.some((s) => /^result sent/.test(s ?? '')), `a result sent step among ${steps.join(', ')}`);
    const printer = (await demoState(hub))!.printer;
    assert.deepEqual({ receipts: printer.receiptsPrinted, drawer: printer.drawerOpenings }, { receipts: 1, drawer: 1 });
    await pos.close();
  });

  it('prints on the virtual network printer through the local server; the hub shows that receipt under it', async () => {
    const printer = running.virtualNetworkPrinter!;
    const identifier = `socket127001${printer.port}`;
    const pos = await context.newPage();
    await pos.goto(running.simulator!.posUrl);
    await pos.waitForFunction((id) => Array.from((document.getElementById('printer') as HTMLSelectElement).options).some((o) => o.value === id), identifier, { timeout: 8_000 });
    await pos.locator('#printer').selectOption(identifier);
    const before = printer.pages.length;
    assert.equal(printer.connections, 1, 'one connection to the printer');
    await pos.locator('[data-test=print-sample]').click();
    const result = pos.locator('[data-test=printer-result]');
    await result.filter({ hasText: /^Receipt: / }).waitFor({ timeout: 8_000 });
    assert.match(await result.textContent() ?? '', /^Receipt: success via (webrtc|bus)/);
    assert.equal(printer.pages.length, before + 1, 'the virtual network printer cut one receipt');
    assert.ok(printer.pages.at(-1)!.height > 500, 'a receipt, not a blank page');
    const item = hub.locator('hub-devices-section ul[data-test=devices] > li', { has: hub.locator(`span.value:text-is("${identifier}")`) });
    await item.locator('[data-test=last-print]').waitFor({ timeout: 5_000 });
    assert.match(await item.textContent() ?? '', /Virtual network printer — printer \(receipt_printer\), network/);
    await pos.close();
  });

  it('reads the virtual weight and sees a scan on the POS page', async () => {
    const weight = hub.locator('[data-test=demo-weight]');
    await weight.fill('1.25');
    await weight.dispatchEvent('change');
    await hub.waitForFunction(() => (document.querySelector('hub-app') as unknown as { snapshot: { demo: DemoDevicesState } }).snapshot.demo.scale.weightKg === 1.25);

    const pos = await context.newPage();
    await pos.goto(running.simulator!.posUrl);
    await pos.waitForFunction(() => (document.getElementById('scale') as HTMLSelectElement).value !== '', null, { timeout: 5_000 });
    await pos.locator('[data-test=read-scale]').click();
    await pos.locator('[data-test=weight]', { hasText: 'kg' }).filter({ hasNotText: '–' }).waitFor({ timeout: 8_000 });
    assert.equal(await pos.locator('[data-test=weight]').textContent(), '1.250 kg');

    await hub.locator('[data-test=demo-code]').fill('4006381333931');
    await hub.locator('[data-test=demo-scan]').click();
    await pos.locator('[data-test=last-scan]', { hasText: '4006381333931' }).waitFor({ timeout: 5_000 });
  });

  it('opens with a status summary and no red problem; sections fold and stay folded', async () => {
    await hub.locator('[data-test=summary-devices] .value').waitFor();
    assert.ok(Number(await hub.locator('[data-test=summary-devices] .value').textContent()) >= 3, 'the demo devices are online');
    // Storage is not persistent until the app is installed: in the demo that is expected, not a problem.
    await hub.locator('[data-test=summary-problems] .value', { hasText: /^\d+$/ }).waitFor({ timeout: 15_000 });
    assert.equal(await hub.locator('[data-test=summary-problems] .value').textContent(), '0');
    assert.notEqual(await hub.locator('[data-check=storage]').getAttribute('data-status'), 'problem');

    const logs = hub.locator('details[data-fold=logs]');
    assert.equal(await logs.evaluate((d) => (d as HTMLDetailsElement).open), true, 'sections start unfolded');
    await hub.locator('[data-test=fold-logs]').click();
    await hub.locator('hub-logs-section').waitFor({ state: 'hidden' });
    // The details element reports its toggle in a task of its own: wait for it to be remembered.
    await hub.waitForFunction(() => localStorage.getItem('hub.folded-sections') === '["logs"]', null, { timeout: 2_000 });
    await hub.locator('[data-test=fold-logs]').click();
    await hub.locator('hub-logs-section').waitFor({ state: 'visible' });
    await hub.waitForFunction(() => localStorage.getItem('hub.folded-sections') === '[]', null, { timeout: 2_000 });
  });

  it('fits a 1280x800 POS screen in two columns and a phone in one, with no sideways scrolling', async () => {
    const layout = () => hub.evaluate(() => {
      // No helper functions in here: tsx would wrap them in a __name() the page does not have.
      const root = document.querySelector('hub-app')!.shadowRoot!;
      const storage = root.querySelector('hub-identity-section')!.shadowRoot!.querySelector('[data-test=storage]')!.getBoundingClientRect();
      const storageLabel = root.querySelector('hub-identity-section')!.shadowRoot!.querySelector('[data-test=storage]')!.previousElementSibling!.getBoundingClientRect();
      // What sticks out, to name it when the layout breaks (shadow roots included).
      const wide: string[] = [];
      const walk: Array<Element | ShadowRoot> = [document.documentElement];
      while (walk.length) {
        const node = walk.pop()!;
        for (const child of Array.from(node.children)) {
          walk.push(child);
          if (child.shadowRoot) walk.push(child.shadowRoot);
          const r = child.getBoundingClientRect();
          if (r.right > document.documentElement.clientWidth + 1) wide.push(`${child.localName}.${child.className} ${Math.round(r.right)}`);
        }
      }
      return {
        wide: wide.slice(-3),
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        summaryBottom: root.querySelector('hub-status-summary')!.getBoundingClientRect().bottom,
        identity: root.querySelector('details[data-fold=identity]')!.getBoundingClientRect(),
        queue: root.querySelector('details[data-fold=queue]')!.getBoundingClientRect(), storage, storageLabel,
      };
    });
    await hub.setViewportSize({ width: 1280, height: 800 });
    let seen = await layout();
    assert.equal(seen.overflow, 0, `no sideways scrolling at 1280x800: ${seen.wide.join(', ')}`);
    assert.ok(seen.summaryBottom < 120, `the status summary is at the top (bottom at ${seen.summaryBottom} px)`);
    assert.ok(seen.queue.left > seen.identity.right && Math.abs(seen.queue.top - seen.identity.top) < 2, 'the queue is beside the hub, in a second column');
    assert.ok(seen.storage.left > seen.storageLabel.right, 'a long value stays beside its label');
    await hub.setViewportSize({ width: 390, height: 844 });
    seen = await layout();
    assert.equal(seen.overflow, 0, `no sideways scrolling on a phone: ${seen.wide.join(', ')}`);
    assert.ok(seen.queue.top > seen.identity.bottom, 'one column on a phone');
    await hub.setViewportSize({ width: 1280, height: 720 });
  });

  it('the POS page prefers a connected IoT box and marks the others', async () => {
    const { identifier } = await link(hub);
    // A box that registered once and is not on the bus any more.
    running.simulator!.iot.records.register({ identifier: 'aa-gone-box', name: 'Old box', ip: '127.0.0.1', mac: null, version: 'B1.0-19.0#x', token: 't', devices: {} }, Date.now());
    const pos = await context.newPage();
    await pos.goto(running.simulator!.posUrl);
    await pos.locator('[data-test=box] option', { hasText: 'Old box' }).waitFor({ state: 'attached', timeout: 5_000 });
    assert.equal(await pos.locator('[data-test=box]').inputValue(), identifier, 'the connected hub is picked');
    assert.match(await pos.locator('[data-test=box] option', { hasText: 'Old box' }).textContent() ?? '', /\(not connected\)$/);
    await pos.close();
  });

  it('the POS page reconnects its bus after a reconnect attempt failed while the bus was down', async () => {
    const pos = await context.newPage();
    await pos.goto(running.simulator!.posUrl);
    await pos.waitForFunction(() => (document.getElementById('scale') as HTMLSelectElement).value !== '', null, { timeout: 5_000 });
    const busState = pos.locator('[data-test=bus-state]');
    // Down longer than the page's first retry (500 ms): that attempt fails and must not stick.
    const restarted = running.simulator!.iot.faults.restartBus({ downMs: 1_500 });
    await busState.filter({ hasText: 'reconnecting' }).waitFor({ timeout: 2_000 });
    await restarted;
    await busState.filter({ hasText: 'connected' }).filter({ hasNotText: 'reconnecting' }).waitFor({ timeout: 8_000 });
    await waitLink(hub, (l) => l.bus.state === 'open', 'the hub back on the bus');

    await pos.locator('#via').selectOption('bus');
    await pos.locator('[data-test=read-scale]').click();
    await pos.locator('#log div', { hasText: /← connected 1\.25 via bus/ }).waitFor({ timeout: 8_000 });
  });
});
