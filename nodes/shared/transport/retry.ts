/**
 * When a failed call may be sent again. A rejected token or a 429 means the service did not act,
 * so any call may be repeated once; a 5xx or a broken connection may hide a call that took effect,
 * so only calls that are safe to repeat (GETs, replayable uploads) are retried, with backoff.
 */
export interface RetryPolicy {
	/** Attempts for safe-to-repeat calls hitting 5xx or network errors (first try included). */
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Wait after a 429 without Retry-After (the contract says 30 s). */
	rateLimitDefaultMs: number;
	/** A Retry-After longer than this is not waited for: the error tells the user instead. */
	rateLimitMaxWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 3,
	baseDelayMs: 500,
	maxDelayMs: 5000,
	rateLimitDefaultMs: 30_000,
	rateLimitMaxWaitMs: 120_000,
};

/** Exponential backoff with full jitter, capped. `attempt` counts from 1. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Retry-After as milliseconds: delta seconds or an HTTP date; undefined when absent or unusable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function isRetryableStatus(status: number): boolean {
	return status === 500 || status === 502 || status === 503 || status === 504;
}
