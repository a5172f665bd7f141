import { expect } from 'chai';
import { VirtualSerialSource } from '../../../workers/virtual/virtual-serial-port.ts';
import { VirtualToledoScale } from '../../../workers/virtual/virtual-toledo.ts';
import { VirtualAdamScale } from '../../../workers/virtual/virtual-adam.ts';
import { serialScaleFactory } from '../../../workers/drivers/scale/index.ts';
import { ScaleDevice } from '../../../workers/drivers/scale/scale-device.ts';
import { setOdooSerie } from '../../../workers/drivers/odoo-serie.ts';
import { startManager, request, sleep, until } from './support.ts';

const signal = new AbortController().signal;

async function toledo(settings = {}) {
  const source = new VirtualSerialSource();
  const scale = new VirtualToledoScale();
  source.plug(scale);
  const { manager, events } = await startManager({ serial: source }, [serialScaleFactory], settings);
  const device = manager.listing().devices[0] as ScaleDevice;
  return { source, scale, manager, events, device };
}

describe('Toledo 8217 scale over Web Serial (virtual)', () => {
  it('is found by the Ehello probe and reads once', async () => {
    const { scale, manager, device } = await toledo();
    expect(device.description).to.include({ type: 'scale', connection: 'serial', manufacturer: 'Toledo', identifier: 'usb_0eb8:f000' });
    expect(scale.received).to.include('F');
    scale.weight = 1.234;
    const outcome = await device.run(request('read_once'), signal);
    expect(outcome).to.deep.equal({ status: 'success', result: 1.234, fields: { result: 1.234, status: { status: 'connected', message_title: '', message_body: '' } } });
    await manager.stop();
  });

  it('answers in the 18.0 shape when the database is 18', async () => {
    const { scale, manager, device } = await toledo();
    scale.weight = 0.5;
    setOdooSerie(18);
    try {
      const outcome = await device.run(request('read_once'), signal);
      expect(outcome.fields).to.have.property('value', 0.5);
      expect(outcome.fields).to.not.have.property('result');
    } finally {
      setOdooSerie(19);
    }
    await manager.stop();
  });

  it('start_reading sends one event per change and none while the weight is unchanged', async () => {
    const { scale, manager, events, device } = await toledo();
    scale.weight = 0.25;
    await device.run(request('start_reading'), signal);
    await until(() => events.length === 1);
    await sleep(700); // three more polls of an unchanged weight
    expect(events).to.have.length(1);
    expect(events[0].outcome.result).to.equal(0.25);
    scale.weight = 0.75;
    await until(() => events.length === 2);
    scale.weight = 1;
    await until(() => events.length === 3);
    expect(events.map((e) => e.outcome.result)).to.deep.equal([0.25, 0.75, 1]);
    await device.run(request('stop_reading'), signal);
    const count = events.length;
    scale.weight = 2;
    await sleep(500);
    expect(events).to.have.length(count);
    await manager.stop();
  });

  it('motion becomes a status error with a readable message, then recovers', async () => {
    const { scale, manager, events, device } = await toledo();
    scale.weight = 1;
    scale.motion = true;
    const outcome = await device.run(request('read_once'), signal);
    expect(outcome.status).to.equal('error');
    expect(outcome.result).to.equal(0);
    expect(outcome.fields!.status).to.deep.include({ status: 'error', message_title: 'Scale in motion' });
    await device.run(request('start_reading'), signal);
    await until(() => events.length === 1);
    expect(events[0].outcome.status).to.equal('error');
    scale.motion = false;
    await until(() => events.length === 2);
    expect(events[1].outcome).to.include({ status: 'success', result: 1 });
    scale.weight = 20;
    await until(() => events.length === 3);
    expect((events[2].outcome.fields!.status as { message_title: string }).message_title).to.equal('Over capacity');
    await manager.stop();
  });

  it('zero, tare and clear tare reach the scale', async () => {
    const { scale, manager, device } = await toledo();
    scale.weight = 0.2;
    await device.run(request('set_zero'), signal);
    scale.weight = 0.7;
    expect((await device.run(request('read_once'), signal)).result).to.equal(0.5);
    await device.run(request('set_tare'), signal);
    expect((await device.run(request('read_once'), signal)).result).to.equal(0);
    await device.run(request('clear_tare'), signal);
    expect((await device.run(request('read_once'), signal)).result).to.equal(0.5);
    await manager.stop();
  });

  it('unplugging while reading gives a disconnected event and the device goes away', async () => {
    const { source, scale, manager, events, device } = await toledo();
    scale.weight = 0.3;
    await device.run(request('start_reading'), signal);
    await until(() => events.length === 1);
    scale.unplug();
    await until(() => events.some((e) => e.outcome.status === 'disconnected'));
    expect(device.isReading).to.equal(false);
    source.unplug(scale);
    await until(() => manager.listing().devices.length === 0);
    await manager.stop();
  });

  it('wrong baud rate (framing noise) gives a clear error, not a crash', async () => {
    const { scale, manager, device } = await toledo();
    await manager.stop();
    // Open it again by hand at 4800 baud through a forced protocol.
    const source = new VirtualSerialSource();
    const other = new VirtualToledoScale();
    source.plug(other);
    const started = await startManager({ serial: source }, [serialScaleFactory], { 'usb_0eb8:f000': { protocol: 'toledo_8217', baudRate: 4800 } });
    const forced = started.manager.listing().devices[0] as ScaleDevice;
    const outcome = await forced.run(request('read_once'), signal);
    expect(outcome.status).to.equal('error');
    const status = outcome.fields!.status as { message_title: string; message_body: string };
    expect(status.message_title).to.equal('Unreadable answer from the scale');
    expect(status.message_body).to.match(/did not answer|unexpected answer/);
    void scale;
    void device;
    await started.manager.stop();
  });

  it('a port that does not answer the probe is left unclaimed', async () => {
    const source = new VirtualSerialSource();
    source.plug(new VirtualAdamScale()); // weight 0: an Adam stays silent
    const { manager } = await startManager({ serial: source }, [serialScaleFactory]);
    expect(manager.listing().devices).to.have.length(0);
    expect(manager.listing().unclaimed[0].problem).to.equal('no driver for this device yet');
    await manager.stop();
  });
});

describe('Adam Equipment scale (virtual)', () => {
  it('is detected with a weight on the plate, reads on demand and refuses continuous reading', async () => {
    const source = new VirtualSerialSource();
    const adam = new VirtualAdamScale();
    adam.weight = 1.25;
    source.plug(adam);
    const { manager } = await startManager({ serial: source }, [serialScaleFactory]);
    const device = manager.listing().devices[0];
    expect(device.description).to.include({ manufacturer: 'Adam', type: 'scale' });
    // The probe printed 1.25: asking again gives nothing new, and the driver keeps the weight.
    expect((await device.run(request('read_once'), signal)).result).to.equal(1.25);
    adam.weight = 2;
    expect((await device.run(request('read_once'), signal)).result).to.equal(2);
    expect((await device.run(request('start_reading'), signal)).status).to.equal('error');
    await manager.stop();
  });

  it('can be chosen in the device settings when the plate is empty', async () => {
    const source = new VirtualSerialSource();
    const adam = new VirtualAdamScale();
    source.plug(adam);
    const { manager } = await startManager({ serial: source }, [serialScaleFactory], { 'usb_0403:6001': { protocol: 'adam' } });
    const device = manager.listing().devices[0];
    expect((await device.run(request('read_once'), signal)).result).to.equal(0);
    await manager.stop();
  });
});
