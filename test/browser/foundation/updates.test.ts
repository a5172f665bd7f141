import { expect } from 'chai';
import { UpdateController, type ServiceWorkerHandle } from '../../../src/app/updates.ts';
import { Activity } from '../../../src/hub/activity.ts';

/** Stands in for workbox-window: lets the test say when a new version waits, and records what the controller asks of it. */
class ServiceWorkerStandIn extends EventTarget {
  skipWaitingAsked = 0;
  register() { return Promise.resolve(undefined); }
  update() { return Promise.resolve(); }
  messageSkipWaiting() { this.skipWaitingAsked++; }
  newVersionWaits() { this.dispatchEvent(new Event('waiting')); }
  nowControlling(isUpdate: boolean) { this.dispatchEvent(Object.assign(new Event('controlling'), { isUpdate })); }
}

const tick = () => new Promise((r) => setTimeout(r, 10));

function setup(automatic: boolean, hubWindow = true) {
  const sw = new ServiceWorkerStandIn();
  const activity = new Activity();
  let reloads = 0;
  const controller = new UpdateController(sw as unknown as ServiceWorkerHandle, {
    automatic: () => automatic,
    whenIdle: () => (hubWindow ? activity.whenIdle() : null),
  }, () => reloads++);
  return { sw, activity, controller, reloads: () => reloads };
}

describe('updates', () => {
  it('applies a new version at once when automatic and idle, then reloads', async () => {
    const { sw, controller, reloads } = setup(true);
    sw.newVersionWaits();
    await tick();
    expect(sw.skipWaitingAsked).to.equal(1);
    expect(controller.state).to.equal('applying');
    sw.nowControlling(true);
    expect(reloads()).to.equal(1);
  });

  it('does not reload when the first install takes control', () => {
    const { sw, reloads } = setup(true);
    sw.nowControlling(false);
    expect(reloads()).to.equal(0);
  });

  it('waits for the running job to end before applying', async () => {
    const { sw, activity, controller } = setup(true);
    const endJob = activity.begin();
    sw.newVersionWaits();
    await tick();
    expect(controller.state).to.equal('waiting-for-idle');
    expect(sw.skipWaitingAsked).to.equal(0);
    endJob();
    await tick();
    expect(sw.skipWaitingAsked).to.equal(1);
  });

  it('only offers the update when automatic update is off, and applies it on click', async () => {
    const { sw, activity, controller } = setup(false);
    activity.begin();
    sw.newVersionWaits();
    await tick();
    expect(controller.state).to.equal('available');
    expect(sw.skipWaitingAsked).to.equal(0);
    controller.applyNow();
    expect(sw.skipWaitingAsked).to.equal(1);
  });

  it('never applies by itself from a window that is not the hub', async () => {
    const { sw, controller } = setup(true, false);
    sw.newVersionWaits();
    await tick();
    expect(controller.state).to.equal('available');
    expect(sw.skipWaitingAsked).to.equal(0);
  });
});
