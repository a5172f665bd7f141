import { it } from 'node:test';
import assert from 'node:assert/strict';
import { findOrientedRegions } from '../../../workers/drivers/camera/oriented-regions.ts';
import { findCodeRegions } from '../../../workers/drivers/camera/code-regions.ts';
import { scanOf } from '../../../workers/drivers/camera/symbology.ts';
import { CAMERA_FORMATS, cameraFormats } from '../../../workers/drivers/camera/camera-formats.ts';

/** Bars 4 px wide every 8 px, turned `degrees`, in a 200x60 patch centred at (200, 150) of a 400x300 frame. */
function stripes(degrees: number, noise = 0): Uint8Array {
  const [w, h] = [400, 300];
  const a = (degrees * Math.PI) / 180;
  const lum = new Uint8Array(w * h);
  let seed = 7;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [u, v] = [(x - 200) * Math.cos(a) + (y - 150) * Math.sin(a), -(x - 200) * Math.sin(a) + (y - 150) * Math.cos(a)];
      seed = (seed * 1664525 + 1013904223) >>> 0;
      const n = noise * (seed / 2 ** 32 - 0.5);
      lum[y * w + x] = Math.max(0, Math.min(255, (Math.abs(u) < 100 && Math.abs(v) < 30 ? (Math.floor(u / 4) % 2 ? 30 : 225) : 180) + n));
    }
  }
  return lum;
}

it('finds bars at any angle, with their scan direction, and nothing in flat grey or pure noise', () => {
  for (const degrees of [0, 30, -45, 75]) {
    const [region] = findOrientedRegions(stripes(degrees, 20), 400, 300);
    assert.ok(region, `${degrees}°`);
    const found = (region.angle * 180) / Math.PI;
    const off = Math.abs(((found - degrees + 90) % 180 + 180) % 180 - 90);
    assert.ok(off < 5, `${degrees}°: found ${found.toFixed(1)}°`);
    assert.ok(Math.hypot(region.cx - 200, region.cy - 150) < 24, `${degrees}°: centre ${region.cx}, ${region.cy}`);
    assert.ok(region.length > 150 && region.length < 260, `${degrees}°: length ${region.length}`);
  }
  assert.deepEqual(findOrientedRegions(new Uint8Array(400 * 300).fill(128), 400, 300), []);
  let seed = 3;
  const noise = new Uint8Array(400 * 300).map(() => ((seed = (seed * 1664525 + 1013904223) >>> 0) >>> 24));
  assert.deepEqual(findOrientedRegions(noise, 400, 300), [], 'sensor noise has strong edges, but every way');
});

it('finds the textured square of a 2D code and nothing in flat noise', () => {
  const [w, h] = [160, 120];
  const lum = new Uint8ClampedArray(w * h).map((_, i) => 150 + ((i * 7919) % 21) - 10);
  // A checkerboard of 4 px modules, 48x48 px, at (90, 40).
  for (let y = 40; y < 88; y++) for (let x = 90; x < 138; x++) lum[y * w + x] = ((x >> 2) + (y >> 2)) % 2 ? 20 : 240;
  const regions = findCodeRegions(lum, w, h);
  assert.equal(regions.length, 1);
  const [left, top, width, height] = regions[0];
  assert.ok(left <= 90 && top <= 40 && left + width >= 138 && top + height >= 88, JSON.stringify(regions[0]));
  assert.deepEqual(findCodeRegions(new Uint8ClampedArray(w * h).fill(128), w, h), []);
});

it('names symbologies as a shop knows them and sends the text a hand scanner would', () => {
  const all = CAMERA_FORMATS;
  const read = (format: string, text: string, contentType = 'Text', extra = '') => scanOf({ format, text, contentType, extra }, all);
  assert.deepEqual(read('EAN13', '4006381333931'), { text: '4006381333931', symbology: 'EAN-13' });
  assert.deepEqual(read('EAN13', '0036000291452'), { text: '036000291452', symbology: 'UPC-A' }, 'a UPC-A is an EAN-13 with a leading 0');
  assert.deepEqual(scanOf({ format: 'EAN13', text: '0036000291452', contentType: 'Text', extra: '' }, ['ean13']), { text: '0036000291452', symbology: 'EAN-13' });
  assert.equal(scanOf({ format: 'EAN13', text: '0036000291452', contentType: 'Text', extra: '' }, ['upce']), null, 'neither EAN-13 nor UPC-A wanted');
  assert.deepEqual(read('UPCE', '0042100005264', 'Text', '{"UPCE":"04252614"}'), { text: '04252614', symbology: 'UPC-E' });
  assert.deepEqual(read('UPCE', '0042100005264', 'Text', '{"UPCE":"x"}'), { text: '0042100005264', symbology: 'UPC-E' }, 'a malformed extra is ignored');
  assert.deepEqual(read('UPCE', '0042100005264', 'Text', '{not json'), { text: '0042100005264', symbology: 'UPC-E' });
  assert.deepEqual(read('Code128', '0109506000134352\u001d10AB', 'GS1'), { text: '0109506000134352\u001d10AB', symbology: 'GS1-128' });
  assert.deepEqual(read('Code128', 'POS-1'), { text: 'POS-1', symbology: 'Code 128' });
  assert.deepEqual(read('ITF', '15400141288763'), { text: '15400141288763', symbology: 'ITF-14' });
  assert.deepEqual(read('ITF', '123456'), { text: '123456', symbology: 'ITF' });
  assert.deepEqual(read('QRCode', '01095060001343521727', 'GS1'), { text: '01095060001343521727', symbology: 'GS1 QR' });
  assert.deepEqual(read('DataMatrix', 'LOT 7'), { text: 'LOT 7', symbology: 'Data Matrix' });
  assert.equal(read('Aztec', 'x'), null, 'a format the hub does not offer is not a scan');
});

it('camera formats from the settings: all by default, a chosen list narrows it, unknown names are dropped', () => {
  assert.deepEqual(cameraFormats(undefined), CAMERA_FORMATS);
  assert.deepEqual(cameraFormats(' '), CAMERA_FORMATS);
  assert.deepEqual(cameraFormats('EAN13, qrcode,aztec'), ['ean13', 'qrcode']);
  assert.deepEqual(cameraFormats('aztec'), CAMERA_FORMATS);
});
