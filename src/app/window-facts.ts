/**
 * What only the hub window knows about device access, for the troubleshooting checks: whether
 * the page may use the device APIs at all, and how the last device chooser ended.
 */
import type { WindowFacts } from '../hub/troubleshooting/checks.ts';

type Kind = 'usb' | 'serial' | 'hid';

/** Fired on `window` after a device chooser closed, so the troubleshooting page looks again. */
export const DEVICE_REQUEST_EVENT = 'hub-device-request';

let lastRequestError: WindowFacts['lastRequestError'] = null;
let chooserClosedEmpty = false;

/** Called by the Devices section after each chooser: `error` null when a device was chosen. */
export function noteDeviceRequest(kind: Kind, error: unknown): void {
  const name = (error as DOMException | null)?.name ?? '';
  if (error === null) {
    lastRequestError = null;
    chooserClosedEmpty = false;
  } else if (name === 'NotFoundError') {
    // Closing the chooser without a choice: a problem only while nothing is granted.
    chooserClosedEmpty = true;
  } else {
    lastRequestError = { kind, name: name || 'Error', message: String((error as Error)?.message ?? error).slice(0, 200) };
  }
  window.dispatchEvent(new CustomEvent(DEVICE_REQUEST_EVENT));
}

export function collectWindowFacts(): WindowFacts {
  const policy = (document as Document & { featurePolicy?: { allowsFeature(feature: string): boolean } }).featurePolicy;
  const allows = (feature: Kind) => (policy ? policy.allowsFeature(feature) : true);
  return {
    secureContext: window.isSecureContext,
    apis: { usb: 'usb' in navigator, serial: 'serial' in navigator, hid: 'hid' in navigator },
    policyAllows: { usb: allows('usb'), serial: allows('serial'), hid: allows('hid') },
    lastRequestError,
    chooserClosedEmpty,
  };
}
