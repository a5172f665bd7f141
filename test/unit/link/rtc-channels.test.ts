import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';
import { registerBox } from '../../unit/simulator/helpers.ts';
import { HOST_WAIT_MS, RtcChannels, type WindowHost } from '../../../src/hub/link/rtc-channels.ts';
import { systemClock } from '../../../src/hub/link/clock.ts';
import type { IotAction } from '../../../src/odoo/iot/messages.ts';
import { ackMessage } from '../../../src/odoo/iot/results.ts';
import { fetchAt, ManualClock, recordingLogger, until } from './support.ts';

/**
 * The WebRTC part alone. The window's side (peer connections, channels) only exists in a
 * browser; here it is the window's interface, recording what the link asked of it, and the
 * answers go to the simulator's /iot/box/webrtc_answer.
 */
const BOX = 'rtc-00000000001';

class RecordingWindow implements WindowHost {
  readonly sent: Array<[string | null, string]> = [];
  answered = 0;
  reloads = 0;
  failSends = false;

  async answerOffer(offer: { type: 'offer'; sdp: string }) {
    this.answered++;
    return { type: 'answer', sdp: `${offer.sdp}answer` };
  }

  send(channelId: string | null, text: string): void {
    if (this.failSends) throw new Error('channel closed under us');
    this.sent.push([channelId, text]);
  }

  reload(): void {
    this.reloads++;
  }
}

describe('WebRTC channels (link part)', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator();
    await registerBox(sim, BOX);
  });
  after(() => sim.close());

  function channels(clock = systemClock) {
    const actions: IotAction[] = [];
    let restarts = 0;
    const { logger, lines } = recordingLogger();
    const part = new RtcChannels({
      logger, clock, identifier: () => BOX, dbName: () => sim.iot.identity.dbName, fetch: fetchAt(() => sim.url),
      events: { action: async (action) => void actions.push(action), restart: () => void restarts++, changed: () => undefined },
    });
    return { part, actions, lines, restarts: () => restarts };
  }

  it('sends results only while a channel is open, and a failed send is logged, not thrown', () => {
    const { part, lines } = channels();
    const window = new RecordingWindow();
    part.attachWindow(window);
    part.broadcast(ackMessage(BOX, 's-0'));
    assert.deepEqual(window.sent, [], 'no channel open');
    part.channelsChanged(2);
    assert.equal(part.count, 2);
    part.broadcast(ackMessage(BOX, 's-1'));
    assert.equal(window.sent.length, 1);
    assert.equal(window.sent[0][0], null, 'on every open channel');
    assert.equal(JSON.parse(window.sent[0][1]).session_id, 's-1');
    window.failSends = true;
    part.broadcast(ackMessage(BOX, 's-2'));
    assert.ok(lines.some((l) => l.startsWith('warning odoo: WebRTC send failed: Error: channel closed under us')));
  });

  it('turns channel messages into events: actions go on, test_protocol and restart_odoo are acknowledged on their channel', async () => {
    const { part, actions, lines, restarts } = channels();
    const window = new RecordingWindow();
    part.attachWindow(window);
    await part.channelMessage('ch-1', JSON.stringify({ device_identifier: 'usb_04b8:0e28', session_id: 'p-1', data: { action: 'cashbox', action_unique_id: 'w1' } }));
    assert.deepEqual(actions.map((a) => [a.via, a.actionUniqueId]), [['webrtc', 'w1']]);
    await part.channelMessage('ch-2', JSON.stringify({ message_type: 'test_protocol', session_id: 'p-2' }));
    await part.channelMessage('ch-3', JSON.stringify({ message_type: 'restart_odoo', session_id: 'p-3' }));
    assert.deepEqual(window.sent.map(([id, text]) => [id, JSON.parse(text).owner, JSON.parse(text).device_identifier]), [['ch-2', 'p-2', BOX], ['ch-3', 'p-3', BOX]]);
    assert.equal(restarts(), 1);
    await part.channelMessage('ch-4', '{"message_type": "shell"}');
    assert.ok(lines.some((l) => /^warning odoo: bad WebRTC message ignored: FrameError: channel message_type "shell" is unknown$/.test(l)));
    assert.equal(actions.length, 1);
  });

  it('answers offers one at a time, in order, through a window that attaches a little late, and posts each answer', async () => {
    const { part } = channels();
    const before = sim.iot.state.webrtcAnswers.length;
    part.answerOffer({ type: 'offer', sdp: 'v=0 first ' });
    part.answerOffer({ type: 'offer', sdp: 'v=0 second ' });
    const window = new RecordingWindow();
    setTimeout(() => part.attachWindow(window), 30);
    await until(() => sim.iot.state.webrtcAnswers.length === before + 2, 'both answers');
    const answers = sim.iot.state.webrtcAnswers.slice(before).map((a) => JSON.stringify(a));
    assert.ok(answers[0].includes('v=0 first answer') && answers[1].includes('v=0 second answer'), answers.join('\n'));
    assert.equal(window.answered, 2);
  });

  it('without a window an offer is dropped after a short wait, and a restart cannot reload', async () => {
    const clock = new ManualClock();
    const { part, lines } = channels(clock);
    part.answerOffer({ type: 'offer', sdp: 'v=0 lonely' });
    await until(() => clock.waiting.length === 1, 'the wait for a window');
    assert.deepEqual(clock.waiting, [HOST_WAIT_MS]);
    clock.advance(HOST_WAIT_MS);
    await until(() => lines.some((l) => l === 'warning odoo: WebRTC offer ignored: no hub window to answer it'), 'the warning');
    assert.equal(part.reloadWindow(), false);
  });
});
