import type { Remote } from 'comlink';
import type { HubService, HubSnapshot } from '../../workers/hub-service.ts';

/** The worker's hub as the window sees it (a comlink proxy). */
export type HubApi = Remote<HubService>;

/**
 * What components receive. A comlink proxy answers every property read with another proxy,
 * which lit's binding checks would call across the worker boundary, so it travels boxed.
 */
export interface HubRef {
  readonly api: HubApi;
}

export type { HubSnapshot };
