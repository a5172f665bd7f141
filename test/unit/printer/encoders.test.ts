import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escposRaster, escposColumns, starRaster } from '../../../workers/imaging/raster-encoders.ts';
import { ditherToBitmap } from '../../../workers/imaging/dither.ts';
import { parseDeviceId } from '../../../workers/drivers/printer/device-id.ts';
import { parseRealTimeStatus, statusCode } from '../../../workers/drivers/printer/commands.ts';
import { identifyPrinter } from '../../../workers/drivers/printer/identify.ts';

// 10 x 2 bitmap: row 0 = dots at x 0 and 9, row 1 = dot at x 1.
const bitmap = { width: 10, height: 2, bytesPerRow: 2, data: Uint8Array.of(0x80, 0x40, 0x40, 0x00) };

test('GS v 0 raster: header, rows, cut', () => {
  assert.deepEqual([...escposRaster(bitmap)], [0x1d, 0x76, 0x30, 0x00, 2, 0, 2, 0, 0x80, 0x40, 0x40, 0x00, 0x1d, 0x56, 0x41, 0x0a]);
});

test('GS v 0 slices at 255 rows', () => {
  const tall = { width: 8, height: 256, bytesPerRow: 1, data: new Uint8Array(256) };
  const out = escposRaster(tall);
  assert.deepEqual([...out.subarray(0, 8)], [0x1d, 0x76, 0x30, 0x00, 1, 0, 255, 0]);
  assert.deepEqual([...out.subarray(8 + 255, 8 + 255 + 8)], [0x1d, 0x76, 0x30, 0x00, 1, 0, 1, 0]);
  assert.equal(out.length, 8 + 255 + 8 + 1 + 4);
});

test('ESC * column mode, 24-dot bands, byte for byte', () => {
  const out = escposColumns(bitmap);
  const columns: number[] = [];
  for (let x = 0; x < 10; x++) columns.push(x === 0 || x === 9 ? 0x80 : x === 1 ? 0x40 : 0, 0, 0);
  assert.deepEqual([...out], [0x1b, 0x33, 0x10, 0x1b, 0x2a, 33, 10, 0, ...columns, 0x0a, 0x1b, 0x32, 0x1d, 0x56, 0x41, 0x0a]);
});

test('ESC * with LDV/LDH: 8-dot bands, mode 0', () => {
  const out = escposColumns(bitmap, { highDensityVertical: false, highDensityHorizontal: false, scalePercent: 100 });
  assert.deepEqual([...out.subarray(3, 8)], [0x1b, 0x2a, 0, 10, 0]);
  assert.deepEqual([...out.subarray(8, 18)], [0x80, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x80]);
});

test('Star raster, byte for byte', () => {
  assert.deepEqual([...starRaster(bitmap)], [0x1b, 0x2a, 0x72, 0x41, 0x1b, 0x2a, 0x72, 0x50, 0x30, 0x00, 0x62, 2, 0, 0x80, 0x40, 0x62, 2, 0, 0x40, 0x00, 0x1b, 0x2a, 0x72, 0x42]);
});

test('dithering: black is all dots, white none, mid grey half, luma rounds as Pillow', () => {
  const pixels = (rgb: number[], n: number) => Uint8Array.from({ length: n * 4 }, (_, i) => (i % 4 === 3 ? 255 : rgb[i % 4]));
  assert.deepEqual([...ditherToBitmap(pixels([0, 0, 0], 16), 16, 1).data], [0xff, 0xff]);
  assert.deepEqual([...ditherToBitmap(pixels([255, 255, 255], 16), 16, 1).data], [0, 0]);
  const grey = ditherToBitmap(pixels([127, 127, 127], 64 * 64), 64, 64);
  const dots = grey.data.reduce((n, b) => n + b.toString(2).split('1').length - 1, 0);
  assert.ok(Math.abs(dots - 2048) < 64, `${dots} dots`);
  // (19595*1 + 0x8000) >> 16 = 0 but (0*19595 + 38470*2 + 0x8000)>>16 = 1: a lone (0,2,0) pixel inverts to 254 > 128.
  assert.equal(ditherToBitmap(pixels([0, 2, 0], 1), 1, 1).data[0], 0x80);
});

test('IEEE 1284 ids: abbreviations, command sets, Star, labels', () => {
  const id = parseDeviceId('MANUFACTURER:EPSON;COMMAND SET:ESC/POS;MODEL:TM-T88V;');
  assert.deepEqual([id.manufacturer, id.model, id.commandSets], ['EPSON', 'TM-T88V', ['ESC/POS']]);
  assert.equal(identifyPrinter({ deviceId: 'MFG:Star;CMD:STAR;MDL:TSP143IIIU (STR_T-001);' }, {})?.protocol, 'star');
  assert.equal(identifyPrinter({ deviceId: 'MFG:Zebra;COMMAND SET:ZPL;MDL:ZD421;' }, {})?.kind, 'label_printer');
  assert.equal(identifyPrinter({ deviceId: 'MFG:HP;CMD:PCL,PJL;' }, {}), null);
  assert.equal(identifyPrinter({ deviceId: null, vendorId: 0x0416, productId: 0x5011 }, {})?.widthDots, 384);
  assert.equal(identifyPrinter({ deviceId: null, vendorId: 0x04b8, productId: 0x0202 }, { paperWidth: 58 })?.widthDots, 384);
  assert.deepEqual(identifyPrinter({ deviceId: 'MFG:EPSON;CMD:ESC/POS;MDL:TM-U220;' }, { name: 'TM-U220__IMC_LDV_SCALE70__' })?.columnMode, { highDensityVertical: false, highDensityHorizontal: true, scalePercent: 70 });
  assert.equal(parseDeviceId('x'.repeat(100000)).model, '');
});

test('DLE EOT status bytes map to the box codes', () => {
  assert.equal(statusCode(parseRealTimeStatus(0x12, 0x12, 0x12)), null);
  assert.deepEqual(statusCode(parseRealTimeStatus(0x1a, 0x32, 0x7e)), { status: 'error', message: 'ERROR_NO_PAPER' });
  assert.deepEqual(statusCode(parseRealTimeStatus(0x1a, 0x16, 0x12)), { status: 'error', message: 'ERROR_OFFLINE' });
  assert.deepEqual(statusCode(parseRealTimeStatus(0x12, 0x12, 0x1e)), { status: 'warning', message: 'WARNING_LOW_PAPER' });
  assert.equal(parseRealTimeStatus(0x16, 0x12, 0x12).drawerOpen, true);
});
