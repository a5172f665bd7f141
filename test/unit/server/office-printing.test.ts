import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCups, reportPdf, pdfPageCount, type RunningCups } from '../../support/cups-server.ts';
import { startHubServer, type RunningServer } from '../../support/hub-server.ts';
import { OFFICE_PRINT_PATH, PRINTERS_PATH, parsePrinterList } from '../../../src/hub/network-printers.ts';

/** Office printing (PDF reports) through the local server to a real CUPS started for the test. */
describe('office printing through CUPS', () => {
  let cups: RunningCups;
  let hub: RunningServer;
  let origin = '';
  const print = (queue: string, pdf: Buffer) => fetch(new URL(`${OFFICE_PRINT_PATH}?queue=${encodeURIComponent(queue)}&title=Invoice`, hub.url), {
    method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/pdf' }, body: new Uint8Array(pdf),
  });

  before(async () => {
    cups = await startCups();
    cups.addQueue('Office_A4');
    cups.addQueue('Back_Office');
    hub = await startHubServer({ cupsServer: cups.server });
    origin = `http://localhost:${hub.port}`;
  });
  after(async () => {
    await hub?.close();
    await cups?.close();
  });

  it('lists the CUPS queues with their state', async () => {
    const list = parsePrinterList(await (await fetch(new URL(PRINTERS_PATH, hub.url))).text());
    assert.equal(list?.cups.available, true);
    assert.deepEqual(list?.cups.queues.map((q) => [q.name, q.state, q.uri.startsWith('hubtest:')]).sort(), [['Back_Office', 'idle', true], ['Office_A4', 'idle', true]]);
  });

  it('prints an Odoo-like 2-page PDF report: the job is followed to its end and the output has the same pages', async () => {
    const pdf = reportPdf(2);
    assert.equal(pdfPageCount(pdf), 2);
    const answer = await print('Office_A4', pdf);
    assert.equal(answer.status, 200);
    const outcome = (await answer.json()) as { status: string; result: string; jobId: string; acceptedMs: number };
    assert.equal(outcome.status, 'success', outcome.result);
    assert.match(outcome.jobId, /^Office_A4-\d+$/);
    assert.ok(outcome.acceptedMs > 0);
    const jobs = cups.jobs('Office_A4');
    assert.equal(jobs.length, 1);
    assert.equal(pdfPageCount(jobs[0].bytes), 2);
    assert.ok(jobs[0].bytes.equals(pdf), 'the document reached the printer unchanged');
  });

  it('a job to a stopped queue fails with a clear result in the box\'s codes, and is cancelled', async () => {
    cups.stopQueue('Back_Office', 'paper jam in tray 2');
    const answer = await print('Back_Office', reportPdf(1));
    const outcome = (await answer.json()) as { status: string; message: string; result: string };
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.message, 'ERROR_OFFLINE');
    assert.match(outcome.result, /^the CUPS queue Back_Office is stopped \(paper jam in tray 2\): job Back_Office-\d+ was cancelled; start the queue again \(cupsenable Back_Office\)/);
    assert.deepEqual(cups.jobs('Back_Office'), []);
  });

  it('refuses a queue CUPS does not have, and a foreign page', async () => {
    const unknown = await print('Nope', reportPdf(1));
    const refused = (await unknown.json()) as { status: string; message: string; result: string };
    assert.deepEqual([refused.status, refused.message], ['error', 'ERROR_UNREACHABLE']);
    assert.match(refused.result, /"Nope" is not a CUPS queue on this terminal/);
    const foreign = await fetch(new URL(`${OFFICE_PRINT_PATH}?queue=Office_A4`, hub.url), { method: 'POST', headers: { Origin: 'http://evil.example' }, body: new Uint8Array(reportPdf(1)) });
    assert.equal(foreign.status, 403);
  });
});
