import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkPrinterFactory } from '../../../workers/drivers/printer/network-factory.ts';
import { NetworkPrinterHandle } from '../../../workers/network-printers.ts';
import type { NetworkPrinterChannel } from '../../../workers/transports/network.ts';
import type { NetworkPrinterEntry } from '../../../src/hub/network-printers.ts';
import { Logger } from '../../../src/hub/logger.ts';

const written: number[][] = [];
const channel = { target: { host: '127.0.0.1', port: 9100 }, setAnswerFilter: () => undefined, write: async (bytes: Uint8Array) => void written.push([...bytes]) } as unknown as NetworkPrinterChannel;
const context = (settings: Record<string, string> = {}) => ({ log: new Logger().scope('test'), settingsFor: () => settings, ordinal: () => 1 });
const entry = (over: Partial<NetworkPrinterEntry>): NetworkPrinterEntry => ({ host: '127.0.0.1', port: 9100, protocol: 'escpos', name: 'Kitchen', source: 'added', deviceId: null, ...over });

test('registered as the box registers a network printer: identifier from socket://host:port, connection network, receipt or label printer', async () => {
  const receipt = await networkPrinterFactory.open(new NetworkPrinterHandle(entry({}), channel), context());
  assert.deepEqual(receipt?.description, { identifier: 'socket1270019100', name: 'Kitchen', type: 'printer', manufacturer: '', connection: 'network', subtype: 'receipt_printer' });
  assert.deepEqual(written, [[0x1d, 0x61, 0x0f]], 'an ESC/POS printer is asked for ASB');
  await receipt?.close();
  const label = await networkPrinterFactory.open(new NetworkPrinterHandle(entry({ protocol: 'zpl', name: 'Labels', deviceId: 'MFG:Zebra;CMD:ZPL;MDL:ZD421;' }), channel), context());
  assert.deepEqual([label?.description.subtype, label?.description.manufacturer], ['label_printer', 'Zebra']);
  await label?.close();
  // The device settings win over what the printer was added as.
  const star = await networkPrinterFactory.open(new NetworkPrinterHandle(entry({}), channel), context({ protocol: 'star', name: 'Bar' }));
  assert.deepEqual([star?.description.name, star?.description.subtype], ['Bar', 'receipt_printer']);
  await star?.close();
  assert.equal(await networkPrinterFactory.open({} as never, context()), null, 'not a network printer handle: not claimed');
});
