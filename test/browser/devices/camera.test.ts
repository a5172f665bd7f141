import { expect } from 'chai';
import { BarcodeDecoder, CAMERA_FORMATS } from '../../../workers/drivers/camera/barcode-decoder.ts';
import { VirtualCamera, FRAME_HEIGHT, FRAME_WIDTH } from '../../../workers/virtual/virtual-camera.ts';

interface Fixture { file: string; format: string; text: string }

async function fixtureBitmap(file: string): Promise<ImageBitmap> {
  const response = await fetch(`/shared-fixtures/barcodes/${file}`);
  return createImageBitmap(await response.blob());
}

describe('camera barcode decoding', () => {
  it('decodes every fixture placed in a noisy 640x480 frame, at several spots', async () => {
    const fixtures = (await (await fetch('/shared-fixtures/barcodes/index.json')).json()) as Fixture[];
    expect(fixtures.length).to.be.greaterThan(0);
    const decoder = new BarcodeDecoder(CAMERA_FORMATS);
    await decoder.load();
    for (const seed of [7, 11, 23]) {
      const camera = new VirtualCamera(seed);
      for (const fixture of fixtures) {
        const frame = camera.frame(await fixtureBitmap(fixture.file));
        expect(decoder.decode(frame.data, FRAME_WIDTH, FRAME_HEIGHT), `${fixture.file}, seed ${seed}`).to.equal(fixture.text);
      }
    }
  });

  it('reads Data Matrix away from the frame centre (the code is cropped before the detector runs)', async () => {
    const decoder = new BarcodeDecoder(['datamatrix']);
    await decoder.load();
    const code = await fixtureBitmap('datamatrix-LOT_2026_11__42.png');
    for (const seed of [1, 2, 3, 4, 5]) {
      const frame = new VirtualCamera(seed).frame(code);
      expect(decoder.decode(frame.data, FRAME_WIDTH, FRAME_HEIGHT), `seed ${seed}`).to.equal('LOT 2026-11 #42');
    }
    expect(decoder.decode(new VirtualCamera(1).frame(null).data, FRAME_WIDTH, FRAME_HEIGHT)).to.equal(null);
  });

  it('finds nothing in an empty frame and only the configured formats', async () => {
    const decoder = new BarcodeDecoder(['ean13']);
    await decoder.load();
    const camera = new VirtualCamera(3);
    expect(decoder.decode(camera.frame(null).data, FRAME_WIDTH, FRAME_HEIGHT)).to.equal(null);
    const qr = camera.frame(await fixtureBitmap('qrcode-https___example_com_pos_.png'));
    expect(decoder.decode(qr.data, FRAME_WIDTH, FRAME_HEIGHT)).to.equal(null);
    const ean = camera.frame(await fixtureBitmap('ean13-5901234123457.png'));
    expect(decoder.decode(ean.data, FRAME_WIDTH, FRAME_HEIGHT)).to.equal('5901234123457');
  });

  it('refuses malformed frames with a clear error', async () => {
    const decoder = new BarcodeDecoder();
    await decoder.load();
    expect(() => decoder.decode(new Uint8ClampedArray(10), 640, 480)).to.throw(/does not match 640x480/);
    expect(() => decoder.decode(new Uint8ClampedArray(0), 0, 480)).to.throw(/not a camera frame/);
    expect(() => decoder.decode(new Uint8ClampedArray(4 * 5000 * 5000), 5000, 5000)).to.throw(/not a camera frame/);
  });
});
