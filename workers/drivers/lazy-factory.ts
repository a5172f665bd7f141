import type { DriverFactory, Transport } from '../device-manager.ts';

/**
 * A driver factory whose code loads the first time a device of its transport shows up, so a
 * terminal without that kind of device never downloads it and the hub is ready sooner.
 */
export function lazyFactory(name: string, transport: Transport, load: () => Promise<DriverFactory>): DriverFactory {
  let loading: Promise<DriverFactory> | null = null;
  return {
    name,
    transport,
    async open(handle, context) {
      loading ??= load().catch((error: unknown) => {
        loading = null; // a failed download (offline before the SW cached it) may succeed next time
        throw error;
      });
      return (await loading).open(handle, context);
    },
  };
}
