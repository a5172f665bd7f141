import type { ActionOutcome, ActionRequest } from '../../../src/hub/devices.ts';
import type { OdooSerie } from '../odoo-serie.ts';

/** A completed scan as the serie's POS reads it (odoo-iot.md §7: `result`, `value` on 18.0). */
export function scanOutcome(serie: OdooSerie, text: string): ActionOutcome {
  return serie === 18 ? { status: 'success', result: text, fields: { value: text } } : { status: 'success', result: text };
}

export interface ScannerSettings {
  layout: string;
  variant: string;
  isScanner: boolean;
}

/** `update_layout {layout, variant}` and `update_is_scanner {is_scanner}`, shared by every scanner. */
export function runScannerSettingAction(request: ActionRequest, settings: ScannerSettings): ActionOutcome | null {
  if (request.action === 'update_layout') {
    const layout = request.data.layout;
    if (typeof layout !== 'string' || !layout) return { status: 'error', result: 'update_layout needs a layout' };
    settings.layout = layout;
    settings.variant = typeof request.data.variant === 'string' ? request.data.variant : '';
    return { status: 'success', result: true };
  }
  if (request.action === 'update_is_scanner') {
    settings.isScanner = request.data.is_scanner === true || request.data.is_scanner === 'true';
    return { status: 'success', result: true };
  }
  return null;
}
