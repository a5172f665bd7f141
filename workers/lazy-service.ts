import { proxyMarker, type ProxyMarked } from 'comlink';

type Method = (...args: never[]) => unknown;

/** The methods of `T`, each answering a promise, as the window sees them through comlink anyway. */
export type LazyService<T> = {
  [K in keyof T as T[K] extends Method ? K : never]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
} & ProxyMarked & {
  /** The service, if anything asked for it yet. */
  loaded(): Promise<T> | null;
};

/**
 * A part of the hub whose code loads on the first call instead of with the hub, so the homepage
 * is up sooner. Comlink proxies it like the service itself (`api.connections.list()`).
 */
export function lazyService<T extends object>(load: () => Promise<T>): LazyService<T> {
  let loading: Promise<T> | null = null;
  const service = () =>
    (loading ??= load().catch((error: unknown) => {
      loading = null; // a failed download (offline before the service worker cached it) may succeed later
      throw error;
    }));
  return new Proxy({} as LazyService<T>, {
    get(_target, key) {
      if (key === proxyMarker) return true;
      if (key === 'loaded') return () => loading;
      if (typeof key !== 'string' || key === 'then') return undefined; // never mistaken for a promise
      return async (...args: unknown[]) => {
        const target = await service();
        const member = (target as Record<string, unknown>)[key];
        if (typeof member !== 'function') throw new TypeError(`${key} is not something the hub can do`);
        return member.apply(target, args);
      };
    },
  });
}
