import { expect } from 'chai';
import { Logger } from '../../../src/hub/logger.ts';
import type { DeviceEvent } from '../../../src/hub/devices.ts';
import { CameraDevice, SCAN_DEBOUNCE_MS } from '../../../workers/drivers/camera/camera-device.ts';
import { VirtualCamera, FRAME_HEIGHT, FRAME_WIDTH } from '../../../workers/virtual/virtual-camera.ts';
import { CameraCapture } from '../../../src/app/camera-capture.ts';
import { request, until } from './support.ts';
import { openHubDb } from '../../../src/store/db.ts';
import { JobStore } from '../../../src/hub/job-store.ts';
import { ActionRouter } from '../../../src/hub/router.ts';
import { Activity } from '../../../src/hub/activity.ts';
import type { ResultMessage } from '../../../src/odoo/iot/results.ts';
import { SCENE_CHANGES, SCENE_CODES, sceneFrame, scenes } from './camera-scenes.ts';

async function fixture(file: string): Promise<ImageBitmap> {
  return createImageBitmap(await (await fetch(`/shared-fixtures/barcodes/${file}`)).blob());
}

function camera(settings: Record<string, unknown> = {}, clock?: () => number) {
  const device = new CameraDevice(
    { identifier: 'hub_camera', name: 'Hub camera', type: 'camera', manufacturer: '', connection: 'direct', subtype: '' },
    () => settings, new Logger().scope('devices'), clock,
  );
  const events: DeviceEvent[] = [];
  device.onEvent((e) => events.push(e));
  return { device, events };
}

describe('camera device', () => {
  it('turns a code held in view into one scan, and the same code again after the de-bounce window', async () => {
    let now = 0;
    const { device, events } = camera({}, () => now);
    const view = new VirtualCamera(11);
    const ean = await fixture('ean13-5901234123457.png');
    for (let i = 0; i < 4; i++) {
      device.frame(await view.bitmap(ean));
      await device.idle();
      now += 100;
    }
    // Odoo gets the box's scanner event; the symbology stays beside it, for the hub's scan log.
    expect(events.map((e) => e.outcome)).to.deep.equal([{ status: 'success', result: '5901234123457' }]);
    expect(events[0].symbology).to.equal('EAN-13');
    device.frame(await view.bitmap(null));
    await device.idle();
    now += SCAN_DEBOUNCE_MS + 1;
    device.frame(await view.bitmap(ean));
    await device.idle();
    expect(events).to.have.length(2);
    expect(device.framesDecoded).to.equal(6);
    await device.close();
  });

  it('sends Odoo a GS1 scan in the box\'s scanner event shape: the text with its GS separators, no symbology', async () => {
    const { device, events } = camera();
    const [scene] = scenes(SCENE_CODES.filter((c) => c.symbology === 'GS1 Data Matrix'), SCENE_CHANGES.filter((c) => c.name === 'rot90'), ['640x480']);
    device.frame(await createImageBitmap(sceneFrame(scene)));
    await device.idle();
    expect(events).to.have.length(1);
    expect(events[0].symbology).to.equal('GS1 Data Matrix');
    const delivered: ResultMessage[] = [];
    const db = await openHubDb(`camera-odoo-shape-${Math.random()}`);
    const router = new ActionRouter({
      store: new JobStore(db), devices: { get: (id) => (id === 'hub_camera' ? device : undefined) }, activity: new Activity(),
      log: new Logger().scope('test'), hubIdentifier: () => 'hub0000000000001', deliver: async (message) => void delivered.push(message),
    });
    await router.event(events[0]);
    expect({ ...delivered[0], time: 0 }).to.deep.equal({
      owner: '', session_id: '', iot_box_identifier: 'hub0000000000001', device_identifier: 'hub_camera', time: 0,
      status: 'success', result: scene.code.text, action_args: { session_id: '' },
    });
    expect(scene.code.text).to.include('\u001d');
    db.close();
    await device.close();
  });

  it('decodes only the newest frame when frames come faster than it decodes: none waits in a queue', async () => {
    const { device } = camera();
    const view = new VirtualCamera(4);
    const frames = await Promise.all([0, 1, 2, 3, 4, 5].map(() => view.bitmap(null)));
    for (const frame of frames) device.frame(frame);
    await device.idle();
    expect(device.framesReceived).to.equal(6);
    // All six came while the decoder loaded: they replaced each other, and only the newest was decoded.
    expect(device.framesDecoded).to.equal(1);
    await device.close();
  });

  it('reads only the configured formats', async () => {
    const { device, events } = camera({ formats: 'qrcode' });
    const view = new VirtualCamera(2);
    device.frame(await view.bitmap(await fixture('ean13-5901234123457.png')));
    await device.idle();
    device.frame(await view.bitmap(await fixture('qrcode-https___example_com_pos_.png')));
    await device.idle();
    expect(events.map((e) => e.outcome.result)).to.deep.equal(['https://example.com/pos/ticket/7-5']);
    await device.close();
  });

  it('answers the default action with a JPEG of the newest frame, and says when it has none', async () => {
    const { device } = camera();
    expect((await device.run(request(''))).status).to.equal('error');
    device.frame(await new VirtualCamera(3).bitmap(null));
    const outcome = await device.run(request(''));
    const image = (outcome.result as { image: string }).image;
    expect(image.startsWith('/9j/')).to.equal(true); // FF D8 FF: a JPEG
    const decoded = await createImageBitmap(await (await fetch(`data:image/jpeg;base64,${image}`)).blob());
    expect([decoded.width, decoded.height]).to.deep.equal([FRAME_WIDTH, FRAME_HEIGHT]);
    await device.close();
  });

  it('refuses frames larger than a camera frame with a warning', async () => {
    const { device, events } = camera();
    device.frame(await createImageBitmap(new ImageData(2000, 1200)));
    expect(events[0].outcome).to.deep.include({ status: 'warning' });
    expect(events[0].outcome.message).to.match(/2000x1200/);
    expect(device.framesReceived).to.equal(0);
    await device.close();
  });

  it('gets frames at a steady rate from a window video stream and scans the code in them', async () => {
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [FRAME_WIDTH, FRAME_HEIGHT];
    const frame = new VirtualCamera(9).frame(await fixture('code128-POS_ORDER_000117.png'));
    const ctx = canvas.getContext('2d')!;
    const paint = setInterval(() => ctx.putImageData(frame, 0, 0), 30);
    ctx.putImageData(frame, 0, 0);
    const { device, events } = camera();
    const capture = new CameraCapture(async (bitmap) => device.frame(bitmap), { fps: 20, stream: async () => canvas.captureStream(20) });
    try {
      await capture.start();
      await until(() => events.length === 1 && capture.framesSent >= 5, 5000);
      expect(events[0].outcome.result).to.equal('POS-ORDER-000117');
      expect(device.framesReceived).to.equal(capture.framesSent);
    } finally {
      clearInterval(paint);
      await capture.stop();
      await device.close();
    }
    expect(capture.active).to.equal(false);
  });
});
