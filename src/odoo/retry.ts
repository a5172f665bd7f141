import { OdooError } from './errors.ts';

/**
 * ORM methods that only read: repeating them cannot change data twice. Anything else (create,
 * write, unlink, action_*, custom methods) is sent once, because a lost answer may hide a done job.
 */
export const READ_ONLY_METHODS: ReadonlySet<string> = new Set([
  'search', 'search_count', 'search_read', 'read', 'read_group', 'fields_get', 'name_search',
  'default_get', 'check_access_rights', 'has_group', 'context_get', 'web_search_read', 'web_read',
]);

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt; it doubles each time, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 250, maxDelayMs: 4_000 };

/** Only failures on the way (no answer, cut answer, gateway errors) are worth a second try. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof OdooError)) return false;
  if (error.kind === 'network' || error.kind === 'timeout') return true;
  return error.kind === 'server-error' && (error.details.status === 502 || error.details.status === 503 || error.details.status === 504);
}

export async function withRetry<T>(safe: boolean, policy: RetryPolicy, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!safe || attempt >= policy.attempts || !isTransient(error)) throw error;
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
    }
  }
}
