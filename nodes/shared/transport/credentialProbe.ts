import { attributionHeaders, type NemoVideoConnection } from './connection';
import { isRecord, parseJson } from './envelope';
import { isTokenRejection } from './errors';
import { headerValue, undiciHttp, type HttpFunction } from './http';

/** What the credential test shows: `ok` with a line about the account, or the reason it failed. */
export interface ProbeOutcome {
	ok: boolean;
	message: string;
}

export interface ProbeOptions {
	http?: HttpFunction;
	/** Deadline of the whole probe; a credential test is a click in the editor, not a long wait. */
	timeoutMs?: number;
}

const BALANCE_PATH = '/api/credits/balance/simple';
const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/**
 * Checks a credential the way the editor's "Test" button should: the Base URL must answer as a
 * NemoVideo API (a JSON envelope with a numeric `code`), and the token must be accepted (`code` 0).
 * With no API Token and no stored anonymous token, an unauthenticated balance call proves the API
 * is there without spending the client's one anonymous token a week: the token is obtained and
 * stored when a node first runs. Never throws; no token appears in a message.
 */
export async function probeCredential(
	connection: NemoVideoConnection,
	options: ProbeOptions = {},
): Promise<ProbeOutcome> {
	const baseUrl = connection.baseUrl;
	if (!/^https?:\/\/[^/]/i.test(baseUrl)) {
		return {
			ok: false,
			message: `The Base URL "${baseUrl}" is not an http(s) address: use https://mega-api-prod.nemovideo.ai or your simulator's address`,
		};
	}
	const token = connection.apiToken || connection.sessionToken;
	const answer = await getBalance(connection, token, options);
	if ('unreachable' in answer) return { ok: false, message: answer.unreachable };

	const { status, body, html } = answer;
	if (!isRecord(body) || typeof body.code !== 'number') {
		const what = html
			? 'an HTML page'
			: body === undefined
				? 'something that is not JSON'
				: 'JSON without a NemoVideo "code"';
		return {
			ok: false,
			message: `${baseUrl} is not a NemoVideo API: it answered ${BALANCE_PATH} with ${what} (HTTP ${status}). Check the Base URL (the service is https://mega-api-prod.nemovideo.ai).`,
		};
	}
	if (status === 200 && body.code === 0) return { ok: true, message: accepted(connection, body.data) };

	if (isTokenRejection(status, body.code)) {
		if (connection.apiToken) {
			return {
				ok: false,
				message:
					'NemoVideo rejected the token: check the API Token (mistyped, expired or revoked), or clear it to use a free anonymous token',
			};
		}
		// No API Token: an anonymous token is obtained by the first node run, so a missing or
		// expired stored one is not a failure of the credential.
		return {
			ok: true,
			message: connection.sessionToken
				? `${baseUrl} is a NemoVideo API. The stored anonymous token has expired; a new one is obtained when a node next runs.`
				: `${baseUrl} is a NemoVideo API. A free anonymous token (100 credits, valid 7 days) is obtained and stored when a node first runs.`,
		};
	}
	const said = typeof body.message === 'string' && body.message !== '' ? `: ${body.message}` : '';
	if (status === 429)
		return {
			ok: false,
			message: `NemoVideo is rate-limiting this client (HTTP 429${said}). Wait a minute and test again.`,
		};
	return {
		ok: false,
		message: `NemoVideo answered HTTP ${status}, code ${body.code}${said}. Try again later; if it persists, check the Base URL.`,
	};
}

type BalanceAnswer = { status: number; body: unknown; html: boolean } | { unreachable: string };

async function getBalance(
	connection: NemoVideoConnection,
	token: string,
	options: ProbeOptions,
): Promise<BalanceAnswer> {
	const http = options.http ?? undiciHttp;
	const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
	const headers: Record<string, string> = { accept: 'application/json', ...attributionHeaders(connection) };
	if (connection.clientId) headers['x-client-id'] = connection.clientId;
	if (token) headers.authorization = `Bearer ${token}`;
	try {
		const response = await http(`${connection.baseUrl}${BALANCE_PATH}`, {
			method: 'GET',
			headers,
			signal: AbortSignal.timeout(timeoutMs),
			headersTimeoutMs: timeoutMs,
			bodyTimeoutMs: timeoutMs,
		});
		const text = await response.body.text();
		const html =
			/html/i.test(headerValue(response.headers, 'content-type') ?? '') || /^\s*<(!doctype|html)/i.test(text);
		return { status: response.status, body: parseJson(text), html };
	} catch (error) {
		return { unreachable: unreachableMessage(connection.baseUrl, error, timeoutMs) };
	}
}

function unreachableMessage(baseUrl: string, error: unknown, timeoutMs: number): string {
	const code = String(
		(error as { code?: unknown })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code ?? '',
	);
	const name = (error as Error)?.name ?? '';
	const why =
		name === 'TimeoutError' || name === 'AbortError' || /^UND_ERR_.*TIMEOUT/.test(code)
			? `no answer within ${formatSeconds(timeoutMs)}`
			: code === 'ECONNREFUSED'
				? 'nothing is listening at that address'
				: code === 'ENOTFOUND' || code === 'EAI_AGAIN'
					? 'the host name does not resolve'
					: code === 'ECONNRESET'
						? 'the connection was closed before an answer'
						: /CERT|SSL|TLS/i.test(code)
							? 'its TLS certificate was not accepted'
							: 'the connection failed';
	return `Can't reach ${baseUrl}: ${why}. Check the Base URL and that this n8n can reach it.`;
}

function accepted(connection: NemoVideoConnection, data: unknown): string {
	const available = isRecord(data) ? Number(data.available) : Number.NaN;
	const credits = Number.isFinite(available) ? `${available} credits available` : 'token accepted';
	return `Connected to NemoVideo (${connection.apiToken ? 'API Token' : 'anonymous token'}): ${credits}.`;
}

function formatSeconds(ms: number): string {
	return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
