import { isRecord } from './envelope';

/** What went wrong, in terms a workflow can act on. */
export type NemoVideoErrorKind =
	| 'auth'
	| 'clientId'
	| 'sessionNotFound'
	| 'credits'
	| 'fileType'
	| 'fileSize'
	| 'plan'
	| 'rateLimit'
	| 'server'
	| 'network'
	| 'timeout'
	| 'cancelled'
	| 'protocol'
	| 'render'
	| 'request';

/** What the service accepts: HEIC is advertised by the product pages, but the service answers 4001 for it. */
export const ACCEPTED_FORMATS =
	'images jpg, jpeg, png, gif, webp; video mp4, mov, avi, webm, mkv; audio mp3, wav, m4a, aac';

export interface NemoVideoErrorDetails {
	kind: NemoVideoErrorKind;
	/** What to do next, shown as the error's description in n8n. */
	hint: string;
	httpStatus?: number;
	code?: number;
	retryAfterMs?: number;
	method?: string;
	path?: string;
	/** This run replaced a rejected anonymous token: the new token is a new user, who cannot see the old one's work. */
	tokenReplaced?: boolean;
}

/** An API failure with a message safe to show: it never contains a token (see `redact`). */
export class NemoVideoError extends Error {
	readonly kind: NemoVideoErrorKind;
	readonly hint: string;
	readonly httpStatus?: number;
	readonly code?: number;
	readonly retryAfterMs?: number;
	readonly method?: string;
	readonly path?: string;
	readonly tokenReplaced?: boolean;

	constructor(message: string, details: NemoVideoErrorDetails) {
		super(message);
		this.name = 'NemoVideoError';
		this.kind = details.kind;
		this.hint = details.hint;
		this.httpStatus = details.httpStatus;
		this.code = details.code;
		this.retryAfterMs = details.retryAfterMs;
		this.method = details.method;
		this.path = details.path;
		this.tokenReplaced = details.tokenReplaced;
	}
}

/**
 * The error again in other words: a new message and hint (a kind, a call…) over every detail of
 * `error` (status, code, retry delay, call, token replaced), which `change` may override.
 */
export function rephrased(
	error: NemoVideoError,
	message: string,
	change: Partial<NemoVideoErrorDetails> & { hint: string },
): NemoVideoError {
	return new NemoVideoError(message, {
		kind: error.kind,
		httpStatus: error.httpStatus,
		code: error.code,
		retryAfterMs: error.retryAfterMs,
		method: error.method,
		path: error.path,
		tokenReplaced: error.tokenReplaced,
		...change,
	});
}

export interface FailedResponse {
	httpStatus: number;
	code?: number;
	serverMessage?: string;
	retryAfterMs?: number;
	anonymous: boolean;
	userId?: string;
	/** The call that failed: hints name what fits it (no "check the Session ID" on Session Create). */
	method?: string;
	path?: string;
	/** The parsed answer, for links the service sends with an error (`data.bind`, `data.topup_url`). */
	body?: unknown;
	/** Whether this run replaced a rejected anonymous token (the new token is a new NemoVideo user). */
	tokenReplaced?: boolean;
}

const TOKEN_CODES = new Set([1001, 1010, 1011]);

export function isTokenRejection(httpStatus: number, code?: number): boolean {
	return httpStatus === 401 || (code !== undefined && TOKEN_CODES.has(code));
}

/** Maps a NemoVideo error answer (envelope code or bare HTTP status) to an actionable error. */
export function describeFailure(failure: FailedResponse): NemoVideoError {
	const { httpStatus, code, serverMessage, retryAfterMs } = failure;
	const said = serverMessage ? ` (NemoVideo said: ${serverMessage})` : '';
	const at = { httpStatus, code, retryAfterMs, tokenReplaced: failure.tokenReplaced };

	if (isTokenRejection(httpStatus, code)) {
		return new NemoVideoError(`NemoVideo rejected the token${said}`, {
			kind: 'auth',
			...at,
			hint: failure.anonymous
				? 'The anonymous token expired or was revoked and a fresh one could not be used. Check the credential’s Client ID and Base URL, or enter an API Token.'
				: 'Check the API Token in the NemoVideo credential: it may be mistyped, expired or revoked. Clear it to use a free anonymous token instead.',
		});
	}
	switch (code) {
		case 1002:
			return new NemoVideoError(`NemoVideo session not found${said}`, {
				kind: 'sessionNotFound',
				...at,
				hint: sessionNotFoundHint(failure),
			});
		case 2001:
			return new NemoVideoError(`Not enough NemoVideo credits${said}`, {
				kind: 'credits',
				...at,
				hint: creditsHint(failure),
			});
		case 4001:
			return new NemoVideoError(`NemoVideo does not accept this file type${said}`, {
				kind: 'fileType',
				...at,
				hint: `Accepted formats: ${ACCEPTED_FORMATS}. Convert the file, or check that its extension matches its content.`,
			});
		case 4002:
			return new NemoVideoError(`File too large for NemoVideo (limit 200 MB)${said}`, {
				kind: 'fileSize',
				...at,
				hint: 'Compress or resize the file below 200 MB (for example re-encode video at a lower bitrate) and try again.',
			});
	}
	if (httpStatus === 400 && /client/i.test(serverMessage ?? '')) {
		return new NemoVideoError(`NemoVideo needs a client ID${said}`, {
			kind: 'clientId',
			...at,
			hint: 'Set the Client ID field of the NemoVideo credential to a UUID and keep it stable.',
		});
	}
	if (httpStatus === 402) {
		return new NemoVideoError(`NemoVideo refused the request with HTTP 402${said}`, {
			kind: 'plan',
			...at,
			hint: 'This is not a credits problem: the account’s plan tier does not allow this export, or the attribution headers (Skill Source, Skill Version, Skill Platform in the credential) are missing. Fill those fields, or upgrade the plan.',
		});
	}
	if (httpStatus === 429) {
		const wait = retryAfterMs !== undefined ? ` for about ${Math.ceil(retryAfterMs / 1000)} s` : '';
		return new NemoVideoError(`NemoVideo is rate limiting requests${said}`, {
			kind: 'rateLimit',
			...at,
			hint: `Wait${wait} before running again, or space out executions.`,
		});
	}
	if (httpStatus >= 500) {
		return new NemoVideoError(`NemoVideo had a server error (HTTP ${httpStatus})${said}`, {
			kind: 'server',
			...at,
			hint: 'The service had a temporary problem. Try again in a few minutes.',
		});
	}
	const codeText = code !== undefined && code !== 0 ? `code ${code}` : `HTTP ${httpStatus}`;
	return new NemoVideoError(`NemoVideo refused the request (${codeText})${said}`, {
		kind: 'request',
		...at,
		hint: 'Check the node’s parameters. If they look right, the NemoVideo API may have changed.',
	});
}

const SESSION_CREATE = /^\/api\/tasks\//;

function sessionNotFoundHint(failure: FailedResponse): string {
	if (failure.path !== undefined && SESSION_CREATE.test(failure.path)) {
		return 'NemoVideo answered "session not found" to a request that creates a session, which takes no Session ID. Run again; if it keeps happening, check that the credential’s Base URL points at the NemoVideo API.';
	}
	if (failure.tokenReplaced) {
		return 'The credential’s anonymous token was rejected (expired or revoked) and replaced during this run. The new token belongs to a new NemoVideo user, which cannot see sessions made with the old one: create a new session with NemoVideo Session → Create and use its Session ID.';
	}
	if (failure.anonymous) {
		return 'Check the Session ID: it must come from a NemoVideo Session "Create" step made with this credential. If the credential has got a new anonymous token since (they last 7 days), the new token is a new NemoVideo user and cannot see the old sessions: create a new session.';
	}
	return 'Check the Session ID: it must come from a NemoVideo Session "Create" step made with this credential. Sessions of another account are not visible; create a new session.';
}

/** A link the service sent with the error: `data.<key>` or `<key>` at the top level, http(s) only. */
function linkIn(body: unknown, keys: string[]): string | undefined {
	const record = isRecord(body) ? body : {};
	const data = isRecord(record.data) ? record.data : {};
	for (const key of keys) {
		for (const value of [data[key], record[key]]) {
			if (typeof value === 'string' && /^https?:\/\/\S+$/.test(value.trim())) return value.trim();
		}
	}
	return undefined;
}

function creditsHint(failure: FailedResponse): string {
	const urls = (failure.serverMessage?.match(/https?:\/\/[^\s"'<>]+/g) ?? []).map((url) => url.replace(/[.,;)]+$/, ''));
	if (failure.anonymous) {
		const inMessage = urls.find((url) => /bind=|regist/i.test(url));
		const link = linkIn(failure.body, ['bind', 'bind_url', 'register_url', 'registerUrl']) ?? inMessage;
		const where = link ?? (failure.userId ? `the NemoVideo site with ?bind=${failure.userId}` : 'the NemoVideo site');
		return `The free anonymous credits are used up. Register at ${where} to keep this account’s work and get more credits, then put the account’s API Token in the credential.`;
	}
	const topUp = linkIn(failure.body, ['topup_url', 'topupUrl', 'top_up_url']) ?? urls[0];
	const where = topUp ? `at ${topUp}` : 'in your NemoVideo account';
	return `Top up credits ${where}, then run again. Use the NemoVideo Credits node before expensive steps to stop early.`;
}

/** What to do after a call got no answer in time. */
export function timeoutHint(method: string, path: string, safeToRepeat: boolean): string {
	if (method === 'POST' && !safeToRepeat)
		return `The request may still have taken effect. ${afterUnknownOutcome(path)}`;
	return 'The service is slow or unreachable. Try again later; if it keeps happening, check the credential’s Base URL and the network between n8n and NemoVideo.';
}

/** What to do after the connection broke during a call that must not simply be sent again. */
export function brokenPostHint(path: string): string {
	return `The connection broke; the request may have reached NemoVideo. ${afterUnknownOutcome(path)}`;
}

function afterUnknownOutcome(path: string): string {
	if (SESSION_CREATE.test(path))
		return 'A session may have been created without its ID reaching n8n: running again creates another one, which is harmless.';
	if (/^\/api\/render\//.test(path))
		return 'A render may have started: check it with NemoVideo Export → Get Status before starting another (rendering costs no credits).';
	if (/^\/run_sse/.test(path))
		return 'The edit may have been applied: check the session with NemoVideo Session → Get State before sending the prompt again.';
	return 'Check the session with NemoVideo Session → Get State before sending it again.';
}

/** Replaces every secret that could appear in a text (tokens, echoed headers) with a marker. */
export function redact(text: string, secrets: readonly string[]): string {
	let safe = text;
	for (const secret of secrets) {
		if (secret.length >= 6) safe = safe.split(secret).join('[redacted]');
	}
	return safe.replace(/\b(nmv_[a-z]+_)[A-Za-z0-9_-]{4,}/g, '$1[redacted]');
}
