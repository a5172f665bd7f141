// The hub's camera device in a dedicated worker, as the hub runs it: the page hands it frames as
// transferred ImageBitmaps as fast as it takes them; frames that arrive while it decodes replace
// each other, as from a live camera. Reports the frames it decoded per second.
import { CameraDevice } from '../../workers/drivers/camera/camera-device.ts';
import { Logger } from '../../src/hub/logger.ts';

const device = new CameraDevice(
  { identifier: 'hub_camera', name: 'Hub camera', type: 'camera', manufacturer: '', connection: 'direct', subtype: '' },
  () => ({}), new Logger().scope('bench'),
);
let scans = 0;
device.onEvent((event) => void (event.outcome.status === 'success' && scans++));
let mark: { at: number; decoded: number; cut: number; received: number } | null = null;

self.onmessage = async (event: MessageEvent<ImageBitmap | 'mark' | 'stop'>) => {
  if (event.data === 'mark') {
    await device.idle();
    mark = { at: performance.now(), decoded: device.framesDecoded, cut: device.framesCut, received: device.framesReceived };
    self.postMessage('marked');
  } else if (event.data === 'stop') {
    await device.idle();
    const seconds = (performance.now() - mark!.at) / 1000;
    self.postMessage({
      fps: (device.framesDecoded - mark!.decoded) / seconds,
      offered: (device.framesReceived - mark!.received) / seconds,
      cut: device.framesCut - mark!.cut,
      decoded: device.framesDecoded - mark!.decoded,
      scans,
    });
  } else {
    device.frame(event.data);
    self.postMessage('took');
  }
};
