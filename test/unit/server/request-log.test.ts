import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestLog, NOTICES_PER_MINUTE } from '../../../server/request-log.ts';
import { loadConfig } from '../../../server/config.ts';
import { startHubServer } from '../../support/hub-server.ts';

const fakeReq = (url: string) => ({ method: 'POST', url }) as never;

describe('local server console', () => {
  it('prints refusals one line each, at most NOTICES_PER_MINUTE a minute, and counts the rest in the summary', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new RequestLog({ log: (l) => lines.push(l), now: () => now });
    try {
      for (let i = 0; i < NOTICES_PER_MINUTE + 5; i++) log.refused(fakeReq(`/web/${i}`), { status: 403, message: 'no' });
      assert.equal(lines.length, NOTICES_PER_MINUTE);
      assert.equal(lines[0], 'refused POST /web/0 with 403: no');
      now += 60_000;
      log.upstreamError('Odoo at https://shop.example did not answer: ECONNRESET');
      assert.equal(lines.at(-1), 'forward error: Odoo at https://shop.example did not answer: ECONNRESET', 'a new minute prints again');
      assert.equal(log.summary(), '0 requests, 0 forwarded, 15 refused, 1 upstream errors (5 refusal or error lines not shown)');
      assert.equal(log.summary(), null, 'nothing happened since');
    } finally {
      log.close();
    }
  });

  it('masks secrets in every line', () => {
    const lines: string[] = [];
    const log = new RequestLog({ log: (l) => lines.push(l) });
    log.refused(fakeReq('/iot/setup?token=0123456789abcdef0123456789abcdef'), { status: 400, message: 'refused "/iot/setup?token=0123456789abcdef0123456789abcdef"' });
    log.close();
    assert.equal(lines.length, 1);
    assert.ok(!lines[0].includes('0123456789abcdef'), lines[0]);
  });

  it('prints no line per request unless --log-requests', async () => {
    assert.equal(loadConfig([], {}).logRequests, false);
    assert.equal(loadConfig(['--log-requests'], {}).logRequests, true);
    for (const logRequests of [false, true]) {
      const lines: string[] = [];
      const hub = await startHubServer({ logRequests }, 0, { log: (l) => lines.push(l) });
      try {
        await (await fetch(`${hub.url}hub-server/info`)).arrayBuffer();
        await (await fetch(`${hub.url}jsonrpc`, { method: 'POST', headers: { Origin: 'https://evil.example' }, body: '{}' })).arrayBuffer();
      } finally {
        await hub.close();
      }
      const refusal = lines.filter((l) => l.startsWith('refused POST /jsonrpc with 403'));
      assert.equal(refusal.length, 1, `${logRequests}: ${lines.join('\n')}`);
      assert.equal(lines.some((l) => l.startsWith('GET /hub-server/info 200')), logRequests, lines.join('\n'));
    }
  });
});
