/**
 * The contract between the hub and its device drivers. Types and connections are the value
 * sets the server accepts in `/iot/setup` (shared/protocol/odoo-iot.md §3): anything else is
 * silently dropped by Odoo, so nothing else may be sent.
 */
export const ODOO_DEVICE_TYPES = [
  'printer', 'camera', 'keyboard', 'scanner', 'device', 'payment', 'scale', 'display', 'fiscal_data_module', 'unsupported',
] as const;
export const ODOO_CONNECTIONS = ['network', 'direct', 'bluetooth', 'serial', 'hdmi'] as const;
export const PRINTER_SUBTYPES = ['receipt_printer', 'label_printer', 'office_printer'] as const;

export type OdooDeviceType = (typeof ODOO_DEVICE_TYPES)[number];
export type OdooConnection = (typeof ODOO_CONNECTIONS)[number];

/** What the hub tells Odoo about a device in `/iot/setup`. */
export interface DeviceDescription {
  identifier: string;
  name: string;
  type: OdooDeviceType;
  manufacturer: string;
  connection: OdooConnection;
  subtype: string;
}

/** One action for one device, as the router hands it to the driver. */
export interface ActionRequest {
  action: string;
  data: Record<string, unknown>;
  sessionId: string;
  actionUniqueId: string | null;
  /** Long jobs report how far they got (a printer: bytes the transport took of the whole stream). */
  onProgress?(done: number, total: number): void;
}

/** What a driver answers; the router turns it into the result Odoo expects (odoo-iot.md §5, §7). */
export interface ActionOutcome {
  status: 'success' | 'error' | 'warning' | 'disconnected';
  result?: unknown;
  /** Printer status code (ERROR_NO_PAPER, ...) or a readable reason. */
  message?: string;
  /**
   * Top-level fields of the message to Odoo, spread after `status` and `result` (they may
   * replace them): how the box sends a driver's `data`. A scale sends
   * `{result: 1.5, status: {status: 'connected', message_title, message_body}}` (19.0) or
   * `{value: 1.5, status: {...}}` (18.0); a scanner on 18.0 adds `{value: '<barcode>'}`.
   */
  fields?: Record<string, unknown>;
}

/** Something a device reports unasked: a weight, a scan, a printer status change. */
export interface DeviceEvent {
  deviceIdentifier: string;
  outcome: ActionOutcome;
  /** Events that stop mattering (a weight) carry how long they stay worth sending. */
  ttlMs?: number;
  /**
   * A scan's symbology (`EAN-13`, `GS1 QR`...) for the hub's own scan log. It stays in the hub:
   * what goes to Odoo is built from `outcome` alone, in the box's shape.
   */
  symbology?: string;
}

export interface Device {
  readonly description: DeviceDescription;
  run(request: ActionRequest, signal: AbortSignal): Promise<ActionOutcome>;
  /** Subscribes to unasked events; returns the unsubscribe function. */
  onEvent(listener: (event: DeviceEvent) => void): () => void;
  close(): Promise<void>;
}

/** A device the browser granted but no driver claimed: shown, registered as `unsupported`. */
export interface GrantedDeviceInfo {
  transport: 'usb' | 'serial' | 'hid';
  label: string;
  vendorId?: number;
  productId?: number;
  /** Where its settings are saved (serial ports: the identifier the serial drivers give it), so the user can set a protocol. */
  identifier?: string;
}

export function usbIdentifier(vendorId: number, productId: number, serial?: string | null): string {
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  return `usb_${hex(vendorId)}:${hex(productId)}${serial ? `_${serial}` : ''}`;
}
