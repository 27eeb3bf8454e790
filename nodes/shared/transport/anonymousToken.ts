/**
 * The anonymous-token request the credential's preAuthentication makes, and the channel between it
 * and the node execution that made n8n run it. n8n calls preAuthentication with the very data
 * object the node handed to `httpRequestWithAuthentication` (`credentialsDecrypted`), in the same
 * process, so a WeakMap keyed by that object carries the node's cancel signal and deadline in, and
 * the outcome (issued, refused for this Client ID, rate limited, timed out) back out. n8n-free.
 */
import { createHash } from 'node:crypto';

import { attributionHeaders, type NemoVideoConnection } from './connection';

/** Limits of the token calls. Mutable so tests can shorten them; nothing else changes them. */
export const TOKEN_LIMITS = {
	/** One request to the token endpoint, or one probe of a stored token. */
	requestTimeoutMs: 20_000,
	/** Getting a usable token, all requests and re-reads of the stored credential included. */
	deadlineMs: 60_000,
	/** Waits between re-reads of the stored credential after the service said another execution holds the token. */
	rereadDelaysMs: [100, 200, 400, 800, 1600],
};

export type TokenOutcome =
	| { kind: 'issued' }
	/** HTTP 429 about this Client ID: another execution holds its token, or the client's weekly token is spent. */
	| { kind: 'clientRefused'; message: string }
	/** HTTP 429 about the IP address (five anonymous tokens per IP per hour). */
	| { kind: 'ipLimited'; message: string; retryAfterMs?: number }
	| { kind: 'failed'; message: string; timedOut: boolean };

export interface TokenAttempt {
	/** Aborts the token calls when the node's execution is stopped or its token deadline passes. */
	signal?: AbortSignal;
	outcome?: TokenOutcome;
}

const attempts = new WeakMap<object, TokenAttempt>();

/** Ties a token attempt to the credential data the node passes to n8n; returns that data. */
export function attachTokenAttempt<T extends object>(credentialData: T, attempt: TokenAttempt): T {
	attempts.set(credentialData, attempt);
	return credentialData;
}

export function tokenAttemptOf(credentialData: object): TokenAttempt | undefined {
	return attempts.get(credentialData);
}

/**
 * A Client ID for a credential that has none: the same UUID on every n8n process that shares the
 * credential (the instance ID is the same on main and workers), different for other credentials
 * and other n8n installations. Shaped like a version 4 UUID.
 */
export function derivedClientId(instanceId: string, credentialId: string): string {
	const hex = createHash('sha256').update(`nemovideo-client-id\n${instanceId}\n${credentialId}`).digest('hex');
	const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The part of n8n's `httpRequest` helper these calls use. */
export type HelperRequest = (options: {
	method: 'GET' | 'POST';
	url: string;
	headers: Record<string, string>;
	json: true;
	timeout: number;
	abortSignal?: AbortSignal;
	ignoreHttpStatusErrors: true;
	returnFullResponse: true;
}) => Promise<unknown>;

interface FullResponse {
	statusCode?: number;
	headers?: Record<string, unknown>;
	body?: { code?: unknown; message?: unknown; data?: { token?: unknown; user_id?: unknown } };
}

/** Whether the service still accepts a stored anonymous token (a cheap credits call). */
export async function isTokenAccepted(
	request: HelperRequest,
	connection: NemoVideoConnection,
	attempt?: TokenAttempt,
): Promise<boolean> {
	const response = (await request({
		method: 'GET',
		url: `${connection.baseUrl}/api/credits/balance/simple`,
		headers: { authorization: `Bearer ${connection.sessionToken}`, ...attributionHeaders(connection) },
		json: true,
		timeout: TOKEN_LIMITS.requestTimeoutMs,
		abortSignal: attempt?.signal,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
	})) as FullResponse;
	return response.statusCode === 200 && response.body?.code === 0;
}

/**
 * Asks for an anonymous token for `clientId`. Returns the token and user id, or records what went
 * wrong in the attempt and throws an Error saying it.
 */
export async function requestAnonymousToken(
	request: HelperRequest,
	connection: NemoVideoConnection,
	clientId: string,
	attempt: TokenAttempt,
): Promise<{ token: string; userId: string }> {
	const fail = (outcome: Exclude<TokenOutcome, { kind: 'issued' }>): never => {
		attempt.outcome = outcome;
		throw new Error(`NemoVideo did not issue an anonymous token: ${outcome.message}`);
	};
	let response: FullResponse;
	try {
		response = (await request({
			method: 'POST',
			url: `${connection.baseUrl}/api/auth/anonymous-token`,
			headers: { 'x-client-id': clientId, ...attributionHeaders(connection) },
			json: true,
			timeout: TOKEN_LIMITS.requestTimeoutMs,
			abortSignal: attempt.signal,
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
		})) as FullResponse;
	} catch (error) {
		const text = `${(error as { code?: string })?.code ?? ''} ${(error as Error)?.message ?? String(error)}`;
		const timedOut = /timeout|ECONNABORTED|ETIMEDOUT/i.test(text);
		return fail({
			kind: 'failed',
			timedOut,
			message: timedOut
				? `no answer within ${seconds(TOKEN_LIMITS.requestTimeoutMs)}`
				: ((error as Error)?.message ?? String(error)),
		});
	}
	const body = response.body ?? {};
	const said = typeof body.message === 'string' ? body.message : '';
	if (response.statusCode === 429) {
		if (/\bIP\b/i.test(said)) {
			const retryAfter = Number(response.headers?.['retry-after']);
			return fail({
				kind: 'ipLimited',
				message: said,
				retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
			});
		}
		return fail({ kind: 'clientRefused', message: said || 'HTTP 429' });
	}
	const token = body.data?.token;
	if (response.statusCode !== 200 || body.code !== 0 || typeof token !== 'string' || token === '') {
		return fail({
			kind: 'failed',
			timedOut: false,
			message: `HTTP ${String(response.statusCode)}, code ${String(body.code)}: ${said || 'no message'}`,
		});
	}
	attempt.outcome = { kind: 'issued' };
	const userId = body.data?.user_id;
	return { token, userId: typeof userId === 'string' || typeof userId === 'number' ? String(userId) : '' };
}

export function seconds(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
