import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PairingCodeFlow, type PairingCodeState } from '../../../src/odoo/iot/pairing-code.ts';
import { Logger } from '../../../src/hub/logger.ts';
import type { LogRecord } from '../../../src/store/schema.ts';

const SPACING_MS = 10;

test('with the pairing proxy unreachable the hub asks less and less often, warns once, and shows the code once it answers', async () => {
  const logger = new Logger();
  const lines: LogRecord[] = [];
  logger.addSink((record) => void lines.push(record));
  const calls: number[] = [];
  let online = false;
  const states: PairingCodeState[] = [];
  const flow = new PairingCodeFlow({
    identifier: '0123456789abcdef', proxyUrl: () => 'http://127.0.0.1:9', log: logger.scope('pairing'),
    pollDelayMs: () => SPACING_MS, shownMs: 60_000, random: () => 0.999,
    onPaired: async () => undefined, onState: (s) => void states.push(s),
    fetch: (async () => {
      calls.push(Date.now());
      if (!online) throw new TypeError('Failed to fetch');
      return new Response(JSON.stringify({ result: { pairing_code: 'ABC123', pairing_uuid: 'u-1' } }));
    }) as typeof fetch,
  });
  flow.start();
  // A failed assertion must not leave the flow polling (the test process would never end).
  try {
    await offlineThenOnline();
  } finally {
    flow.stop();
  }

  async function offlineThenOnline() {
    while (calls.length < 6) await new Promise((r) => setTimeout(r, 5));
    const gaps = calls.slice(1).map((t, i) => t - calls[i]);
    // Full jitter seeded near its top: each wait is about 2·10 ms doubled per failure. A busy machine
    // only makes a timer late, so each gap is at least its wait (1 ms of timer rounding allowed).
    const waits = gaps.map((_, i) => Math.max(SPACING_MS, 0.999 * 2 * SPACING_MS * 2 ** i));
    gaps.forEach((gap, i) => assert.ok(gap >= waits[i] - 1, `gap ${i} is ${gap} ms, its wait ${waits[i]} ms (gaps: ${gaps.join(', ')})`));
    assert.equal(lines.filter((l) => l.level === 'warning').length, 1, 'one warning for the outage');
    assert.equal(flow.state.state, 'requesting', 'asking has no end while no code was shown');
    assert.match((flow.state as { problem: string }).problem, /Failed to fetch/);

    online = true;
    const before = Date.now();
    while ((flow.state as PairingCodeState).state !== 'showing') await new Promise((r) => setTimeout(r, 5));
    assert.equal(lines.filter((l) => /answers again \(after \d+ failed attempt/.test(l.message)).length, 1);
    const shown = flow.state as PairingCodeState as { code: string; until: number };
    assert.equal(shown.code, 'ABC123');
    assert.ok(shown.until >= before + 60_000 - 5, 'the 5 minutes (here 60 s) count from when the code is shown');
  }
});
