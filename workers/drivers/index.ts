import type { DriverFactory } from '../device-manager.ts';

/**
 * Every driver the hub knows, asked in this order to claim a newly granted device.
 * More specific drivers come first.
 */
export const DRIVER_FACTORIES: readonly DriverFactory[] = [];
