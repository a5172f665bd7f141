/**
 * The e2e build's scale and scanner: a virtual Toledo 8217 on a virtual serial source and a
 * virtual HID POS scanner, driven by the test through a BroadcastChannel the hub window can
 * post to (`{weight: 1.25}`, `{motion: true}`, `{scan: '...'}`), since they live in the worker.
 */
import type { DeviceSources, DriverFactory } from '../../../workers/device-manager.ts';
import { VirtualSerialSource } from '../../../workers/virtual/virtual-serial-port.ts';
import { VirtualToledoScale } from '../../../workers/virtual/virtual-toledo.ts';
import { VirtualHidSource } from '../../../workers/virtual/virtual-hid-device.ts';
import { VirtualHidScanner } from '../../../workers/virtual/virtual-scanners.ts';
import { serialScaleFactory } from '../../../workers/drivers/scale/index.ts';
import { hidScannerFactory } from '../../../workers/drivers/scanner/index.ts';

export const E2E_DEVICES_CHANNEL = 'hub-e2e-devices';

export function e2eDevices(): { sources: Pick<DeviceSources, 'serial' | 'hid'>; factories: DriverFactory[] } {
  const serial = new VirtualSerialSource();
  const scale = new VirtualToledoScale();
  serial.plug(scale);
  const hid = new VirtualHidSource();
  const scanner = new VirtualHidScanner();
  hid.plug(scanner);
  new BroadcastChannel(E2E_DEVICES_CHANNEL).onmessage = ({ data }: MessageEvent<{ weight?: unknown; motion?: unknown; scan?: unknown }>) => {
    if (typeof data?.weight === 'number') scale.weight = data.weight;
    if (typeof data?.motion === 'boolean') scale.motion = data.motion;
    if (typeof data?.scan === 'string') scanner.scan(data.scan);
  };
  return { sources: { serial: serial as unknown as DeviceSources['serial'], hid: hid.asHid }, factories: [hidScannerFactory, serialScaleFactory] };
}
