import type { Remote } from 'comlink';
import type { HubService, HubSnapshot } from '../../workers/hub-service.ts';
import type { WindowDevices } from './window-devices.ts';

/** The worker's hub as the window sees it (a comlink proxy). */
export type HubApi = Remote<HubService>;

/**
 * What components receive. A comlink proxy answers every property read with another proxy,
 * which lit's binding checks would call across the worker boundary, so it travels boxed.
 */
export interface HubRef {
  readonly api: HubApi;
  /** The window's half of the hub's own devices (camera capture, display window), in the hub window only. */
  readonly local?: WindowDevices;
}

export type { HubSnapshot };
