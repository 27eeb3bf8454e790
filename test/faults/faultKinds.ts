/**
 * The faults the simulator injects, and what a user should see for each kind of target. A fault
 * that the service answers without acting (429, 5xx, a proxy's HTML page, a truncated answer, a
 * reset before the body) leaves nothing behind; whether the node may send again depends on the
 * target: reads and cancels may, uploads only after the session's state shows the file is not
 * there, creating calls never.
 */
import type { Simulator } from '../../simulator';
import type { Target } from './targets';

export type Expected =
	| { outcome: 'success' }
	/** Fails the item with a message matching `message`; nothing is sent twice. */
	| { outcome: 'error'; message: RegExp }
	| { outcome: 'cancelled' };

export interface FaultKind {
	name: string;
	/** Injects the fault on the target's route (after the target's own set-up calls). */
	inject(sim: Simulator, target: Target): void;
	expected(target: Target): Expected;
	/** The run is stopped by the user once the target's route was hit. */
	stopWhenHit?: boolean;
	/** A bad input: refused before any request reaches the route under test. */
	refusedLocally?: boolean;
	/** The credential is anonymous, with a stored token the service has expired. */
	expiredAnonymousToken?: boolean;
}

const success: Expected = { outcome: 'success' };
/** A creating call that failed in a way that may hide success: the user is told to check first. */
const mayHaveActed: Expected = {
	outcome: 'error',
	message: /may (still )?have|check the session|before sending it again|NemoVideo had no render/i,
};
const retriedOrConfirmed = (target: Target): Expected => (target.kind === 'create' ? mayHaveActed : success);
/**
 * A 5xx answer: reads and cancels are retried; a creating call fails once, naming it. An upload is
 * confirmed by the session's state and sent again when missing, except behind a gateway's 502,
 * where NemoVideo may still be storing it: then the user is told what was found and when to look again.
 */
const serverError =
	(status: number) =>
	(target: Target): Expected => {
		if (target.kind === 'create') return { outcome: 'error', message: new RegExp(`HTTP ${status}`) };
		if (target.kind === 'upload' && status === 502)
			return {
				outcome: 'error',
				message: /not in the session yet .* may still be working on it, so it was not sent again/,
			};
		return success;
	};

const on = (target: Target) => ({ method: target.method, path: target.route });

export const FAULT_KINDS: FaultKind[] = [
	{
		name: '429 with Retry-After: 1',
		inject: (sim, target) =>
			sim.injectFault({
				...on(target),
				kind: 'status',
				status: 429,
				retryAfter: 1,
				body: { code: 429, message: 'slow down' },
			}),
		expected: () => success,
	},
	{
		name: '429 without Retry-After',
		inject: (sim, target) =>
			sim.injectFault({ ...on(target), kind: 'status', status: 429, body: { code: 429, message: 'slow down' } }),
		expected: () => success,
	},
	{
		name: 'HTTP 503 once',
		inject: (sim, target) => sim.injectFault({ ...on(target), kind: 'status', status: 503 }),
		expected: serverError(503),
	},
	{
		name: "a proxy's HTML 502 page",
		inject: (sim, target) => sim.injectFault({ ...on(target), kind: 'html', status: 502 }),
		expected: serverError(502),
	},
	{
		name: 'HTTP 200 with truncated JSON',
		inject: (sim, target) => sim.injectFault({ ...on(target), kind: 'malformedJson' }),
		expected: (target) => (target.kind === 'create' ? { outcome: 'error', message: /not valid JSON/ } : success),
	},
	{
		name: 'connection reset before the body',
		inject: (sim, target) => sim.injectFault({ ...on(target), kind: 'reset', afterBytes: 0 }),
		expected: retriedOrConfirmed,
	},
	{
		name: 'hang, stopped by the user',
		inject: (sim, target) => sim.injectFault({ ...on(target), kind: 'delay', delayMs: 600_000 }),
		expected: () => ({ outcome: 'cancelled' }),
		stopWhenHit: true,
	},
	{
		name: 'stored anonymous token expired',
		inject: () => undefined,
		// The new token belongs to a new user: a session made with the old one is out of its reach.
		expected: (target) =>
			target.sessionBound ? { outcome: 'error', message: /new token belongs to a new NemoVideo user/ } : success,
		expiredAnonymousToken: true,
	},
];
