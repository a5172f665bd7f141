import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { proxyMarker } from 'comlink';
import { lazyService } from '../../../workers/lazy-service.ts';
import { lazyFactory } from '../../../workers/drivers/lazy-factory.ts';
import type { DriverContext, DriverFactory } from '../../../workers/device-manager.ts';

class Counter {
  count = 0;
  add(n: number) {
    return (this.count += n);
  }
}

describe('lazy hub parts', () => {
  it('loads a service on the first call, once, and forwards calls with their arguments', async () => {
    let loads = 0;
    const service = lazyService(async () => (loads++, new Counter()));
    assert.equal(loads, 0);
    assert.equal(service.loaded(), null);
    assert.equal(await service.add(2), 2);
    assert.equal(await service.add(3), 5);
    assert.equal(loads, 1);
    assert.equal((service as unknown as Record<symbol, unknown>)[proxyMarker], true, 'comlink proxies it, not copies it');
    assert.equal((service as unknown as { then?: unknown }).then, undefined, 'never taken for a promise');
  });

  it('says clearly when asked for something that is not a method', async () => {
    const service = lazyService(async () => new Counter()) as unknown as { count(): Promise<unknown> };
    await assert.rejects(service.count(), /count is not something the hub can do/);
  });

  it('tries the download again after a failed one', async () => {
    let attempts = 0;
    const service = lazyService(async () => {
      if (attempts++ === 0) throw new TypeError('Failed to fetch dynamically imported module');
      return new Counter();
    });
    await assert.rejects(service.add(1), /Failed to fetch/);
    assert.equal(await service.add(1), 1);
  });

  it('loads a driver only when a device of its transport needs it', async () => {
    let loads = 0;
    const real: DriverFactory = { name: 'USB printer', transport: 'usb', open: async () => null };
    const factory = lazyFactory('USB printer', 'usb', async () => (loads++, real));
    assert.equal(factory.transport, 'usb');
    assert.equal(loads, 0);
    await factory.open({} as USBDevice, {} as DriverContext);
    await factory.open({} as USBDevice, {} as DriverContext);
    assert.equal(loads, 1);
  });
});
