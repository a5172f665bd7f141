import { it } from 'node:test';
import assert from 'node:assert/strict';
import { cleanDeviceSettings } from '../../../workers/device-settings.ts';
import { linesFromPosData } from '../../../workers/drivers/display/dmd-encoder.ts';

it('device settings from the form are checked and typed; empty values mean the default', () => {
  assert.deepEqual(cleanDeviceSettings({ name: '  Deli  ', protocol: 'pole_display', baudRate: '19200', dataBits: '7', parity: 'even', stopBits: '1', layout: 'fr', odooSerie: '18', formats: 'EAN13, qrcode', stopBitz: undefined }),
    { name: 'Deli', protocol: 'pole_display', baudRate: 19200, dataBits: 7, parity: 'even', stopBits: 1, layout: 'fr', odooSerie: 18, formats: 'ean13,qrcode' });
  assert.deepEqual(cleanDeviceSettings({ name: '', baudRate: '' }), {});
  for (const [bad, message] of [
    [{ baudRate: '1234' }, /baudRate must be one of/], [{ protocol: 'telnet' }, /protocol must be one of/], [{ formats: 'ean13,aztec' }, /formats must be one of ean13, ean8, upca, upce, code128, code39, itf, qrcode, datamatrix, pdf417 \(got aztec\)/],
    [{ name: 'x'.repeat(65) }, /longer than 64/], [{ __proto__x: 1 }, /unknown device setting/], [null, /must be an object/], [['a'], /must be an object/],
  ] as const) assert.throws(() => cleanDeviceSettings(bad), message);
});

it('printer settings: paper width, image mode, language, printer protocol and hold time', () => {
  assert.deepEqual(cleanDeviceSettings({ name: 'Kitchen', protocol: 'star', paperWidth: '58', imageMode: 'column', language: 'nl-BE', holdMinutes: '30' }),
    { name: 'Kitchen', protocol: 'star', paperWidth: 58, imageMode: 'column', language: 'nl-BE', holdMinutes: 30 });
  assert.deepEqual(cleanDeviceSettings({ holdMinutes: '0' }), { holdMinutes: 0 }, 'zero: never hold, fail at once');
  for (const [bad, message] of [
    [{ paperWidth: '76' }, /paperWidth must be one of 58, 80 \(got 76\)/], [{ imageMode: 'dots' }, /imageMode must be one of raster, column/],
    [{ language: '<b>fr</b>' }, /language must be a language code such as en, fr or nl-BE/],
    [{ holdMinutes: '1441' }, /holdMinutes must be a whole number of minutes from 0 to 1440 \(got 1441\)/], [{ holdMinutes: '2.5' }, /whole number/],
  ] as const) assert.throws(() => cleanDeviceSettings(bad), message);
});

it('pole display lines: the selected line, and the change once the order is paid', () => {
  const lines = [{ productName: 'Bread', price: '2.00' }, { productName: 'Apples', price: '1.50', isSelected: true }, { productName: 'Milk', price: '0.90' }];
  assert.deepEqual(linesFromPosData({ lines, amount: '4.40' }), ['Apples          1.50', 'TOTAL           4.40']);
  assert.deepEqual(linesFromPosData({ lines: [], amount: '4.40', finalized: true, change: '0.60' }), ['', 'CHANGE          0.60']);
  assert.deepEqual(linesFromPosData('x'.repeat(300_000)), ['', 'TOTAL'.padEnd(20)]);
});
