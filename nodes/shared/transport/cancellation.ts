import { NemoVideoError } from './errors';

/**
 * The one way a stopped or timed-out execution becomes an error. n8n's WorkflowExecute records a
 * run as canceled (not failed) only when the node's error message says "canceled": the type of
 * `message` makes the word required.
 */
export function canceledError(message: `${string}canceled${string}`, hint: string): NemoVideoError {
	return new NemoVideoError(message, { kind: 'cancelled', hint });
}

/**
 * Whether `error` is a cancel, or `signal` (the execution's cancel signal) has fired: then whatever
 * was thrown (an abort, a broken stream) is the consequence of the stop.
 */
export function isCancellation(error: unknown, signal?: AbortSignal): boolean {
	return (error instanceof NemoVideoError && error.kind === 'cancelled') || signal?.aborted === true;
}
