/**
 * Reconnect and retry delays: exponential backoff with "full jitter" (a delay drawn uniformly
 * between 0 and the exponential cap, as in the AWS Architecture Blog's "Exponential Backoff And
 * Jitter"). When a server comes back, the hubs that lost it do not all knock in the same
 * instant: their retries spread evenly over the whole window instead of bunching at its end.
 */
export interface BackoffOptions {
  /** The cap of the first retry. */
  minMs: number;
  /** The cap never grows past this. */
  maxMs: number;
}

/** The cap for the `attempt`-th retry (0-based): min · 2^attempt, at most max. */
export function backoffCap(attempt: number, { minMs, maxMs }: BackoffOptions): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
}

/** A delay in [0, cap) for the `attempt`-th retry; `random` is Math.random unless a test seeds it. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  return random() * backoffCap(attempt, options);
}
