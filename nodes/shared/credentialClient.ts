import type { ICredentialDataDecryptedObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import {
	abortableSleep,
	connectionFromCredentials,
	isCancellation,
	isTokenRejection,
	NemoVideoClient,
	type NemoVideoConnection,
	type TokenSource,
} from './transport';
import { attachTokenAttempt, derivedClientId, TOKEN_LIMITS, type TokenAttempt } from './transport/anonymousToken';
import { isRecord } from './transport/envelope';
import { tokenError } from './nodeErrors';

export const CREDENTIAL_NAME = 'nemoVideoApi';

/**
 * Builds the transport client for one node run. The execution's cancel signal aborts its calls;
 * tokens come from the credential (see CredentialTokens). An anonymous credential without a
 * Client ID gets the one derived from the instance and credential IDs, the same on every worker.
 */
export async function nemoVideoClient(ctx: IExecuteFunctions): Promise<NemoVideoClient> {
	const connection = connectionFromCredentials(await ctx.getCredentials(CREDENTIAL_NAME));
	const reference = ctx.getNode().credentials?.[CREDENTIAL_NAME];
	const key = reference?.id ?? `name:${reference?.name ?? ''}`;
	if (!connection.apiToken && !connection.clientId) connection.clientId = derivedClientId(ctx.getInstanceId(), key);
	const signal = ctx.getExecutionCancelSignal();
	return new NemoVideoClient({ connection, tokens: new CredentialTokens(ctx, connection, key, signal), signal });
}

/** Token refreshes under way in this process, by credential: one runs, the others wait for it. */
const refreshes = new Map<string, Promise<string>>();

/**
 * Tokens from the credential. An API Token is used as is. The anonymous token lives in the
 * credential's hidden, expirable Session Token field: when it is empty or rejected, one cheap call
 * through n8n's authenticated helper makes n8n run the credential's preAuthentication and store
 * the new token, so every later execution reuses it (the service issues one per client per week).
 *
 * Concurrency: n8n has no lock around preAuthentication. In one process only one execution per
 * credential refreshes (`refreshes`); the others wait for it and read the stored credential. Across
 * processes (queue-mode workers) every worker uses the same Client ID, so a second worker's token
 * request gets HTTP 429 "this client already holds a valid token": it then re-reads the stored
 * credential, where the first worker's token appears (n8n's getCredentials reads the database on
 * every call), a few times with backoff within the deadline.
 *
 * n8n runs preAuthentication again only on HTTP 401. A token rejected inside an HTTP 200 envelope
 * (code 1001/1010/1011) is seen in the probe's answer, and the probe is sent once more with the
 * Session Token emptied. A probe that succeeds keeps the stored token. The connection is updated
 * in place, so the client sees the stored Client ID, token and user id.
 */
class CredentialTokens implements TokenSource {
	private replacedToken = false;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly connection: NemoVideoConnection,
		private readonly key: string,
		private readonly cancel?: AbortSignal,
	) {}

	async token(): Promise<string> {
		if (this.connection.apiToken) return this.connection.apiToken;
		if (this.connection.sessionToken) return this.connection.sessionToken;
		return await this.obtain('');
	}

	/** The token the credential holds after n8n re-checked it: new, or the same one if still accepted. */
	async refresh(rejected: string): Promise<string | undefined> {
		if (this.connection.apiToken) return undefined;
		const token = await this.obtain(rejected);
		if (token !== rejected) this.replacedToken = true;
		return token;
	}

	/** Whether this run replaced a rejected anonymous token (the new one is a new NemoVideo user). */
	replaced(): boolean {
		return this.replacedToken;
	}

	/** A usable token other than `rejected` ('' when there was none), within the deadline and cancel signal. */
	private async obtain(rejected: string): Promise<string> {
		const deadline = AbortSignal.timeout(TOKEN_LIMITS.deadlineMs);
		const signal = this.cancel ? AbortSignal.any([this.cancel, deadline]) : deadline;
		const named = (error: unknown): unknown => {
			if (this.cancel?.aborted) return tokenError({ kind: 'cancelled' });
			if (deadline.aborted) return tokenError({ kind: 'deadline', ms: TOKEN_LIMITS.deadlineMs });
			return error;
		};
		try {
			for (;;) {
				const running = refreshes.get(this.key);
				if (running) {
					try {
						await untilAborted(running, signal);
					} catch (error) {
						// The refreshing execution was stopped: this one takes over. Any other failure is shared.
						if (signal.aborted || !isCancellation(error)) throw error;
					}
					const adopted = await this.adoptStored(rejected);
					if (adopted) return adopted;
					continue;
				}
				const adopted = await this.adoptStored(rejected);
				if (adopted) return adopted;
				// Another execution may have started a refresh while the credential was being read.
				if (refreshes.has(this.key)) continue;
				const refresh = this.refreshThroughN8n(rejected, signal).catch((error: unknown) => {
					throw named(error);
				});
				refreshes.set(this.key, refresh);
				try {
					return await refresh;
				} finally {
					if (refreshes.get(this.key) === refresh) refreshes.delete(this.key);
				}
			}
		} catch (error) {
			throw named(error);
		}
	}

	/** The stored token when another execution has stored one since `rejected` was read. */
	private async adoptStored(rejected: string): Promise<string | undefined> {
		const stored = connectionFromCredentials(await this.ctx.getCredentials(CREDENTIAL_NAME));
		if (!stored.sessionToken || stored.sessionToken === rejected || stored.apiToken) return undefined;
		this.update(stored);
		return stored.sessionToken;
	}

	private async refreshThroughN8n(rejected: string, signal: AbortSignal): Promise<string> {
		const probe: IHttpRequestOptions = {
			method: 'GET',
			url: `${this.connection.baseUrl}/api/credits/balance/simple`,
			json: true,
			timeout: TOKEN_LIMITS.requestTimeoutMs,
			headers: { 'X-Client-Id': this.connection.clientId },
		};
		const attempt: TokenAttempt = { signal };
		try {
			const stored = await this.ctx.getCredentials(CREDENTIAL_NAME);
			// The same Client ID the node uses, so preAuthentication asks for (and stores) that one.
			const data = { ...stored, clientId: this.connection.clientId, sessionToken: rejected };
			const answer = await untilAborted(this.viaN8n(probe, attachTokenAttempt(data, attempt)), signal);
			if (rejectsToken(answer)) {
				const emptied = attachTokenAttempt({ ...data, sessionToken: '' }, attempt);
				await untilAborted(this.viaN8n(probe, emptied), signal);
			}
		} catch (error) {
			if (signal.aborted) throw error;
			const outcome = attempt.outcome;
			if (outcome?.kind === 'clientRefused') return await this.waitForStoredToken(rejected, signal, outcome.message);
			const stored = await this.adoptStored(rejected);
			if (stored) return stored;
			if (outcome && outcome.kind !== 'issued') throw tokenError({ kind: 'outcome', outcome });
			if (isTimeout(error)) throw tokenError({ kind: 'probeTimeout', ms: TOKEN_LIMITS.requestTimeoutMs });
			throw tokenError({ kind: 'unexpected', message: messageOf(error) });
		}
		this.update(connectionFromCredentials(await this.ctx.getCredentials(CREDENTIAL_NAME)));
		if (!this.connection.sessionToken) throw tokenError({ kind: 'none' });
		return this.connection.sessionToken;
	}

	/**
	 * The service refused a token for this Client ID: either another execution (maybe on another
	 * worker) just got it and is storing it, or the client's one token a week is spent.
	 */
	private async waitForStoredToken(rejected: string, signal: AbortSignal, said: string): Promise<string> {
		for (const delayMs of [0, ...TOKEN_LIMITS.rereadDelaysMs]) {
			if (delayMs > 0) await abortableSleep(delayMs, signal);
			const stored = await this.adoptStored(rejected);
			if (stored) return stored;
		}
		throw tokenError({ kind: 'clientIdSpent', hadToken: rejected !== '', said, clientId: this.connection.clientId });
	}

	private async viaN8n(probe: IHttpRequestOptions, data: ICredentialDataDecryptedObject): Promise<unknown> {
		const reference = this.ctx.getNode().credentials?.[CREDENTIAL_NAME];
		return await this.ctx.helpers.httpRequestWithAuthentication.call(
			this.ctx,
			CREDENTIAL_NAME,
			{ ...probe },
			{
				credentialsDecrypted: { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_NAME, data },
			},
		);
	}

	private update(stored: NemoVideoConnection): void {
		const clientId = stored.clientId || this.connection.clientId;
		Object.assign(this.connection, stored, { clientId });
	}
}

/** Waits for `promise`, or rejects as soon as `signal` aborts (the promise goes on unobserved). */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
	if (signal.aborted) throw signal.reason;
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	promise.catch(() => undefined);
	try {
		return await Promise.race([promise, aborted]);
	} finally {
		if (onAbort) signal.removeEventListener('abort', onAbort);
	}
}

/** Whether an answer's envelope says the token was rejected (code 1001/1010/1011 on HTTP 200). */
function rejectsToken(answer: unknown): boolean {
	return isRecord(answer) && typeof answer.code === 'number' && isTokenRejection(200, answer.code);
}

/** Whether n8n's helper gave up on a request for its timeout (axios: ECONNABORTED, "timeout of N ms exceeded"). */
function isTimeout(error: unknown): boolean {
	const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
	const text = [messageOf(error), (error as { code?: unknown })?.code, cause?.code, cause?.message]
		.map(String)
		.join(' ');
	return /timeout|timed out|ECONNABORTED|ETIMEDOUT/i.test(text);
}

function messageOf(error: unknown): string {
	const description = (error as { description?: unknown })?.description;
	const message = (error as Error)?.message ?? String(error);
	return typeof description === 'string' && description !== '' ? `${message} (${description})` : message;
}
