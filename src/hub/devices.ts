import type { BreakdownRecorder } from './breakdown.ts';

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
  /** Where the device notes its steps' time (a printer: conversion, first and last byte) for the job's breakdown. */
  timings?: BreakdownRecorder;
  /** What `prepare` started for this job, if anything. */
  preparation?: Preparation;
  /**
   * Resolves once the job is stored as running, so a reload reports it as "may have printed";
   * rejects when it could not be stored or the job was cancelled meanwhile. A device with
   * `awaitsRunningStored` is started before then and must await it before its first effect.
   */
  runningStored?: Promise<void>;
}

/** Work started for a job before its device is touched (a printer decodes the receipt); released once the job is over. */
export interface Preparation {
  release(): void;
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
  /**
   * The device went away during the action: `none` when nothing of it reached the device (a print
   * then waits for the device like one sent while it was away), `partial` when some or all of it
   * did (the print "may have printed" and is never repeated by itself).
   */
  cutOff?: 'none' | 'partial';
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
  /**
   * Starts the job's pure computation (never the device) while the job is being queued and marked
   * running, so it is ready when the device's turn comes; `run` finds it in `request.preparation`.
   */
  prepare?(request: Pick<ActionRequest, 'action' | 'data' | 'timings'>): Preparation | undefined;
  /** The device awaits `request.runningStored` before anything that prints, opens or moves (its status queries may come first). */
  readonly awaitsRunningStored?: boolean;
  /** Subscribes to unasked events; returns the unsubscribe function. */
  onEvent(listener: (event: DeviceEvent) => void): () => void;
  close(): Promise<void>;
}

/** A device the browser granted but no driver claimed: shown, registered as `unsupported`. */
export interface GrantedDeviceInfo {
  transport: 'usb' | 'serial' | 'hid' | 'network';
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
