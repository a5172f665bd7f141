import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chrome-session.ts';
import { buildE2eHub, openHub, startIotRig, type IotRig } from '../support/iot-e2e.ts';
import { HEADER_CSP, META_CSP } from '../../src/security/csp.ts';

const HOSTILE_NAME = '<img src=x onerror="window.__hostile=1">';

/** Everything the homepage shows, shadow roots included: lit renders every section in one. */
function pageText(page: Page): Promise<{ text: string; hostileImages: number }> {
  return page.evaluate(() => {
    const roots: Array<Document | ShadowRoot> = [document];
    let text = '';
    let hostileImages = 0;
    while (roots.length) {
      const root = roots.pop()!;
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (el.shadowRoot) roots.push(el.shadowRoot);
        if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') hostileImages++;
      }
      text += root instanceof Document ? '' : root.textContent;
    }
    return { text, hostileImages };
  });
}

describe('hub pages: Content Security Policy and Trusted Types', () => {
  let browser: Browser;
  let rig: IotRig;
  let context: BrowserContext;
  let hub: Page;

  before(async () => {
    [browser, rig] = await Promise.all([launchChromium(), startIotRig(buildE2eHub())]);
    context = await browser.newContext();
    hub = await openHub(context, rig.hubServer.url);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await rig?.close();
  });

  it('sends the policy as a header with every hub file and carries the same one in index.html', async () => {
    const page = await fetch(rig.hubServer.url);
    assert.equal(page.headers.get('content-security-policy'), HEADER_CSP);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const meta = await hub.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.equal(meta, META_CSP);
    const sw = await fetch(new URL('sw.js', rig.hubServer.url));
    assert.equal(sw.headers.get('content-security-policy'), HEADER_CSP, 'the service worker takes its policy from its header');
    // Forwarded Odoo answers keep Odoo's own headers.
    const odoo = await fetch(new URL('web/webclient/version_info', rig.hubServer.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"jsonrpc":"2.0","params":{}}' });
    assert.equal(odoo.headers.get('content-security-policy'), null);
  });

  it('blocks an injected inline script and reports the violation; HTML sinks refuse strings', async () => {
    const outcome = await hub.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const script = document.createElement('script');
      script.appendChild(document.createTextNode('window.__injected = true;'));
      document.body.appendChild(script);
      let htmlSink = '';
      try {
        document.createElement('div').innerHTML = '<b>x</b>';
      } catch (error) {
        htmlSink = (error as Error).name;
      }
      await new Promise((r) => setTimeout(r, 200));
      return { ran: (window as unknown as { __injected?: boolean }).__injected === true, violations, htmlSink };
    });
    assert.equal(outcome.ran, false, 'the inline script must not run');
    assert.ok(outcome.violations.length > 0, 'a securitypolicyviolation event fires');
    assert.ok(outcome.violations.some((d) => /script-src|trusted-types|require-trusted-types-for/.test(d)), outcome.violations.join(', '));
    assert.equal(outcome.htmlSink, 'TypeError', 'innerHTML with a plain string is refused by Trusted Types');
  });

  it('refuses a worker script from another origin (the default policy lets only the hub\'s own through)', async () => {
    const refused = await hub.evaluate(() => {
      try {
        new Worker('http://example.invalid/evil.js');
        return '';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    });
    assert.match(refused, /TypeError|SecurityError/);
  });

  it('shows device and printer names containing HTML as text', async () => {
    // The hub's own Devices section, in the live page under its policy, fed names a USB device
    // could report about itself (productName) or a person could type (device settings).
    await hub.evaluate((name) => {
      const section = document.createElement('hub-devices-section') as HTMLElement & { snapshot: unknown };
      section.id = 'hostile-devices';
      section.snapshot = {
        devices: [{ identifier: 'usb_04b8:0e28', name, type: 'printer', subtype: 'receipt_printer', connection: 'direct', manufacturer: name }],
        unclaimedDevices: [{ transport: 'usb', label: name, vendorId: 1, productId: 2, problem: name }],
        recentEvents: {}, settings: {}, link: {}, identity: {},
      };
      document.body.appendChild(section);
    }, HOSTILE_NAME);
    await hub.waitForFunction(() => (document.getElementById('hostile-devices') as HTMLElement & { updateComplete?: Promise<boolean> })?.shadowRoot?.textContent?.includes('<img'), null, { timeout: 5_000 });
    await hub.waitForTimeout(200);
    const shown = await hub.evaluate(() => {
      const root = document.getElementById('hostile-devices')!.shadowRoot!;
      return { text: root.textContent ?? '', images: root.querySelectorAll('img[src="x"]').length };
    });
    assert.ok(shown.text.includes(HOSTILE_NAME), 'the name appears literally, as text');
    assert.equal(shown.images, 0, 'no <img> element was made from the name');
    const { hostileImages } = await pageText(hub);
    assert.equal(hostileImages, 0);
    assert.equal(await hub.evaluate(() => (window as unknown as { __hostile?: number }).__hostile), undefined);
  });
});
