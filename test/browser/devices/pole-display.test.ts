import { expect } from 'chai';
import { VirtualSerialSource } from '../../../workers/virtual/virtual-serial-port.ts';
import { VirtualPoleDisplay } from '../../../workers/virtual/virtual-pole-display.ts';
import { poleDisplayFactory } from '../../../workers/drivers/display/pole-display.ts';
import { encodeTwoLines } from '../../../workers/drivers/display/dmd-encoder.ts';
import { request, sleep, startManager, until } from './support.ts';

const signal = new AbortController().signal;
const ORDER = {
  finalized: false, amount: '$ 7.30', change: false,
  lines: [
    { productName: 'Whole wheat bread', price: '$ 2.80', qty: '1', isSelected: false },
    { productName: 'Organic apples 1kg', price: '$ 4.50', qty: '1', isSelected: true },
  ],
};

async function pole(settings: Record<string, unknown> = { protocol: 'pole_display' }) {
  const source = new VirtualSerialSource();
  const display = new VirtualPoleDisplay();
  source.plug(display);
  const started = await startManager({ serial: source }, [poleDisplayFactory], { 'usb_04b8:0e15': settings });
  return { source, display, ...started, device: started.manager.listing().devices[0] };
}

describe('serial pole display (virtual Epson DM-D)', () => {
  it('is claimed only when the settings say pole_display, and starts blank', async () => {
    const source = new VirtualSerialSource();
    source.plug(new VirtualPoleDisplay());
    const unset = await startManager({ serial: source }, [poleDisplayFactory]);
    expect(unset.manager.listing().devices).to.have.length(0);
    await unset.manager.stop();
    const { display, device, manager } = await pole();
    expect(device.description).to.include({ type: 'display', connection: 'serial', identifier: 'usb_04b8:0e15' });
    await until(() => display.inits === 1);
    expect(display.lines).to.deep.equal([' '.repeat(20), ' '.repeat(20)]);
    await manager.stop();
  });

  it('set shows the selected line and the total, then the change once paid; close blanks it', async () => {
    const { display, device, manager } = await pole();
    expect(await device.run(request('set', { data: ORDER }), signal)).to.deep.equal({ status: 'success', result: true });
    expect(display.lines).to.deep.equal(['Organic apple $ 4.50', 'TOTAL         $ 7.30']);
    await device.run(request('set', { data: JSON.stringify({ ...ORDER, finalized: true, change: '$ 2.70' }) }), signal);
    expect(display.lines[1]).to.equal('CHANGE        $ 2.70');
    await device.run(request('set', { data: { lines: [{ productName: 'Crème brûlée', price: '3,00 €' }], amount: '3,00 €' } }), signal);
    expect(display.lines).to.deep.equal(['Creme brulee  3,00 ?', 'TOTAL         3,00 ?']);
    await device.run(request('close'), signal);
    expect(display.lines).to.deep.equal([' '.repeat(20), ' '.repeat(20)]);
    await manager.stop();
  });

  it('refuses web page actions and malformed set data with a reason', async () => {
    const { display, device, manager } = await pole();
    expect((await device.run(request('open', { pos_id: 1, access_token: 'abc' }), signal)).result).to.match(/pole display/);
    expect((await device.run(request('set', {}), signal)).status).to.equal('error');
    expect(await device.run(request('set', { data: '{"lines": [1, null, "x"], "amount": {"evil": true}}' }), signal)).to.deep.equal({ status: 'success', result: true });
    expect(display.lines).to.deep.equal([' '.repeat(20), `TOTAL${' '.repeat(15)}`]);
    await manager.stop();
  });

  it('at the wrong baud rate the display shows nothing; unplugged, set answers disconnected', async () => {
    const wrong = await pole({ protocol: 'pole_display', baudRate: 19200 });
    await wrong.device.run(request('set', { data: ORDER }), signal);
    expect(wrong.display.lines[0]).to.equal(' '.repeat(20));
    await wrong.manager.stop();
    const { display, device, manager } = await pole();
    display.unplug();
    const outcome = await device.run(request('set', { data: ORDER }), signal);
    expect(outcome.status).to.equal('disconnected');
    expect(outcome.message).to.match(/disconnected/);
    await manager.stop();
  });
});

describe('virtual pole display decoder', () => {
  it('completes commands split across writes and counts unknown bytes', async () => {
    const source = new VirtualSerialSource();
    const display = new VirtualPoleDisplay();
    source.plug(display);
    await display.open({ baudRate: 9600 });
    const writer = display.writable!.getWriter();
    const bytes = encodeTwoLines('Split', 'Across writes');
    await writer.write(bytes.subarray(0, 5));
    await writer.write(bytes.subarray(5, 30));
    await writer.write(bytes.subarray(30));
    await writer.write(Uint8Array.of(0x1b, 0x99, 0x01, 0x1f, 0x55));
    await sleep(5);
    expect(display.lines).to.deep.equal(['Split'.padEnd(20), 'Across writes'.padEnd(20)]);
    expect(display.unknownBytes).to.equal(5);
    writer.releaseLock();
    await display.close();
  });
});
