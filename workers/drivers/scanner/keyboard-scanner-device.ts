import type { ScopedLogger } from '../../../src/hub/logger.ts';
import { ScannerDevice } from './scanner-device.ts';
import { layoutRemap } from './keyboard-layout.ts';

/** The hub window's keyboard-mode scanner has no USB identity: one per hub. */
export const KEYBOARD_SCANNER_IDENTIFIER = 'hub_keyboard_scanner';
/** A burst longer than any barcode is not one (the window bounds it too). */
const MAX_KEYBOARD_SCAN = 4096;

/**
 * Keyboard-mode scanners as the hub window hears them: the window's burst detector sends each
 * scan as typed; the layout set by `update_layout` corrects a scanner configured for another
 * layout than the system's, and `update_is_scanner {is_scanner: false}` makes the device a plain
 * keyboard whose bursts are not scans.
 */
export class KeyboardScannerDevice extends ScannerDevice {
  constructor(settings: () => Record<string, unknown>, log: ScopedLogger) {
    super(
      { identifier: KEYBOARD_SCANNER_IDENTIFIER, name: String(settings().name || 'Keyboard-mode barcode scanner'), type: 'scanner', manufacturer: '', connection: 'direct', subtype: '' },
      settings, log,
    );
  }

  /** A burst from the window, as typed with the system's layout. */
  typed(text: string): boolean {
    if (!this.scannerSettings.isScanner) return false;
    if (typeof text !== 'string' || text.length === 0 || text.length > MAX_KEYBOARD_SCAN) {
      this.problem(`ignored a keyboard burst of ${typeof text === 'string' ? text.length : 'no'} characters`);
      return false;
    }
    this.scanned(layoutRemap(this.scannerSettings.layout)(text));
    return true;
  }
}
