import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkLink, SILENT_READS_BEFORE_OFFLINE } from '../../../workers/drivers/printer/network-link.ts';
import { NetworkTransportError, type NetworkPrinterChannel } from '../../../workers/transports/network.ts';
import { PrinterLinkError } from '../../../workers/drivers/printer/printer-link.ts';

/** The parts of a channel the link uses, answering from a script. */
function scriptedChannel(answers: number[][]) {
  const lost: NetworkTransportError[] = [];
  const channel = {
    target: { host: '127.0.0.1', port: 9100 },
    write: async () => undefined,
    read: async () => Uint8Array.from(answers.shift() ?? []),
    dropLateReply: async () => true,
    markLost: (error: NetworkTransportError) => lost.push(error),
    setAnswerFilter: () => undefined,
  };
  return { channel: channel as unknown as NetworkPrinterChannel, lost };
}

test('a printer that answered and then stays silent for 3 status reads is taken as offline; one that never answered is not', async () => {
  const { channel, lost } = scriptedChannel([[0x12], [], [], []]);
  const link = networkLink(channel);
  for (let i = 0; i <= SILENT_READS_BEFORE_OFFLINE; i++) await link.read(1, 10);
  assert.equal(lost.length, 1);
  assert.match(lost[0].message, /stopped answering \(3 status queries in a row\): taken as offline/);

  const silent = scriptedChannel([]);
  const quiet = networkLink(silent.channel);
  for (let i = 0; i < 10; i++) await quiet.read(1, 10);
  assert.equal(silent.lost.length, 0, 'a printer without a way back is never taken for offline');
});

test('a closed device lets go of the link at once; the channel stays with the source', async () => {
  const { channel } = scriptedChannel([]);
  let closed = false;
  (channel as unknown as { close: () => void }).close = () => (closed = true);
  const link = networkLink(channel);
  link.lost();
  await assert.rejects(link.write(Uint8Array.of(1)), (error: unknown) => error instanceof PrinterLinkError && error.code === 'disconnected');
  await link.close();
  assert.equal(closed, false);
});
