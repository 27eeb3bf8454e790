import type { NemoVideoClient } from './transport';
import { abortableSleep, headerValue, type HttpFunction } from './transport/http';
import { DEFAULT_RETRY_POLICY, parseRetryAfter } from './transport/retry';

/**
 * Independent jobs (one video per item) run a bounded number at a time, their results in input order,
 * and one 429 back-off shared by every job that uses the same credential.
 */

export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown } | { ok: false; skipped: true };

/**
 * Runs `run` on every entry with at most `limit` at once and returns each entry's outcome at its own
 * position. With `stopOnError`, a failure starts nothing new (the entries already running finish: a render
 * stopped half-way still costs its credits) and the entries never started come back `skipped`.
 */
export async function inFlight<T, R>(
	entries: readonly T[],
	limit: number,
	run: (entry: T, index: number) => Promise<R>,
	options: { stopOnError?: boolean } = {},
): Promise<Array<Settled<R>>> {
	const results: Array<Settled<R>> = entries.map(() => ({ ok: false, skipped: true }));
	let next = 0;
	let stopped = false;
	const worker = async () => {
		while (!stopped && next < entries.length) {
			const index = next++;
			try {
				results[index] = { ok: true, value: await run(entries[index], index) };
			} catch (error) {
				results[index] = { ok: false, error };
				if (options.stopOnError) stopped = true;
			}
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(limit) || 1, entries.length));
	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}

/**
 * One rate-limit back-off for several jobs: when any request gets HTTP 429, every request sent through
 * the gate after it waits until the Retry-After has passed (30 s without one, as the contract says),
 * instead of each job finding the limit for itself. The client's own one retry after a 429 is unchanged.
 */
export class SharedBackOff {
	private until = 0;

	constructor(
		private readonly defaultWaitMs = DEFAULT_RETRY_POLICY.rateLimitDefaultMs,
		private readonly sleep = abortableSleep,
		private readonly now = () => Date.now(),
	) {}

	/** When the next request may go (0: now). */
	get resumesAt(): number {
		return this.until;
	}

	wrap(http: HttpFunction): HttpFunction {
		return async (url, options) => {
			for (let wait = this.until - this.now(); wait > 0; wait = this.until - this.now())
				await this.sleep(wait, options.signal);
			const response = await http(url, options);
			if (response.status === 429) {
				const waitMs = parseRetryAfter(headerValue(response.headers, 'retry-after'), this.now()) ?? this.defaultWaitMs;
				this.until = Math.max(this.until, this.now() + waitMs);
			}
			return response;
		};
	}
}

const backOffs = new WeakMap<NemoVideoClient, SharedBackOff>();

/**
 * The node run's client (one credential) with its requests sent through that credential's shared
 * back-off; every job of the run gets the same gate. Everything else (tokens, signal, retries) is the client's own.
 */
export function withSharedBackOff(client: NemoVideoClient, backOff?: SharedBackOff): NemoVideoClient {
	let gate = backOff ?? backOffs.get(client);
	if (!gate) {
		gate = new SharedBackOff();
		backOffs.set(client, gate);
	}
	// the client's HTTP function (ClientOptions.http, kept as `http`); the derived client sends through the gate
	const own = (client as unknown as { http?: unknown }).http;
	if (typeof own !== 'function')
		throw new Error('NemoVideoClient no longer keeps its HTTP function as "http": update withSharedBackOff');
	return Object.create(client, { http: { value: gate.wrap(own as HttpFunction) } }) as NemoVideoClient;
}
