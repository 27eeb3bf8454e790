import type { ClientOptions, CallSpec, OpenedStream, TokenSource } from './callSpec';
import { attributionHeaders, isAnonymous, isOwnOrigin, type NemoVideoConnection } from './connection';
import { excerpt, parseJson, unwrapEnvelope } from './envelope';
import { describeFailure, isTokenRejection, redact, type FailedResponse } from './errors';
import {
	abortableSleep,
	headerValue,
	undiciHttp,
	type HttpFunction,
	type HttpResponse,
	type SleepFunction,
} from './http';
import { backoffDelay, DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry';
import {
	cancelledError,
	describePath,
	protocolError,
	transportError,
	withContext,
	type ErrorScope,
} from './transportError';

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * One NemoVideo client per node run: builds requests, adds auth and attribution headers, unwraps
 * envelopes, maps errors, retries by the rules in retry.ts, and keeps streamed bodies as streams.
 */
export class NemoVideoClient {
	readonly connection: NemoVideoConnection;
	private readonly tokens: TokenSource;
	private readonly signal?: AbortSignal;
	private readonly http: HttpFunction;
	private readonly sleep: SleepFunction;
	private readonly retry: RetryPolicy;
	private readonly timeoutMs: number;
	private readonly usedTokens = new Set<string>();
	private readonly scope: ErrorScope;

	constructor(options: ClientOptions) {
		this.connection = options.connection;
		this.tokens = options.tokens;
		this.signal = options.signal;
		this.http = options.http ?? undiciHttp;
		this.sleep = options.sleep ?? abortableSleep;
		this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.scope = { redact: (text) => this.redact(text), baseUrl: this.connection.baseUrl, signal: this.signal };
	}

	/** Sends a call and returns the unwrapped `data` of its JSON answer. */
	async call<T = unknown>(spec: CallSpec): Promise<T> {
		const outcome = await this.send(spec, false);
		return outcome.data as T;
	}

	/**
	 * Sends a call whose successful answer is a stream (SSE, file). Error answers are read and
	 * mapped like any call; a JSON success answer is returned as `data` instead of a stream.
	 */
	async open(spec: CallSpec): Promise<{ stream?: OpenedStream; data?: unknown }> {
		return await this.send(spec, true);
	}

	/** Lets callers wait between polls with the same cancel behaviour as the transport. */
	async wait(ms: number): Promise<void> {
		try {
			await this.sleep(ms, this.signal ?? new AbortController().signal);
		} catch (error) {
			throw cancelledError(error);
		}
	}

	get cancelSignal(): AbortSignal | undefined {
		return this.signal;
	}

	/**
	 * A client for one best-effort call that must still go out after the execution was stopped
	 * (cancelling a render the stopped node started): same connection and tokens, not tied to the
	 * cancel signal. Instead each call is one attempt with no retry waits, within `timeoutMs`.
	 */
	detached(timeoutMs = 2000): NemoVideoClient {
		return new NemoVideoClient({
			connection: this.connection,
			tokens: this.tokens,
			http: this.http,
			sleep: this.sleep,
			retry: { ...this.retry, maxAttempts: 1, rateLimitMaxWaitMs: 0 },
			timeoutMs,
		});
	}

	/** Makes any text safe to show: removes every token this client has used. */
	redact(text: string): string {
		return redact(text, [...this.usedTokens, this.connection.apiToken, this.connection.sessionToken]);
	}

	private async send(spec: CallSpec, streaming: boolean): Promise<{ stream?: OpenedStream; data?: unknown }> {
		const safeToRepeat = spec.safeToRepeat ?? spec.method === 'GET';
		const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
		const deadlineAt = Date.now() + timeoutMs;
		const deadline = AbortSignal.timeout(timeoutMs);
		const signal = this.signal ? AbortSignal.any([this.signal, deadline]) : deadline;
		/** Waits between attempts, cut short by a cancel (cancelled) or the call's deadline (timeout). */
		const pause = async (ms: number) => {
			try {
				await this.sleep(ms, signal);
			} catch (error) {
				throw transportError(this.scope, error, spec, deadline);
			}
		};
		let attempt = 0;
		let refreshedToken = false;
		let waitedForRateLimit = false;
		const ownOrigin = this.isOwnOrigin(spec);
		let token = spec.auth === false || !ownOrigin ? undefined : await this.tokens.token();

		for (;;) {
			attempt++;
			if (token) this.usedTokens.add(token);
			const requestBody = spec.body?.open();
			let response: HttpResponse;
			try {
				response = await this.http(this.url(spec), {
					method: spec.method,
					headers: { ...this.headers(spec, token, ownOrigin), ...requestBody?.headers },
					body: spec.json !== undefined ? JSON.stringify(spec.json) : requestBody?.body,
					signal,
					headersTimeoutMs: spec.idleTimeoutMs ?? spec.timeoutMs ?? this.timeoutMs,
					bodyTimeoutMs: spec.idleTimeoutMs ?? spec.timeoutMs ?? this.timeoutMs,
				});
			} catch (error) {
				const failure = transportError(this.scope, error, spec, deadline);
				if (failure.kind === 'network' && safeToRepeat && this.canReplay(spec) && attempt < this.retry.maxAttempts) {
					await pause(backoffDelay(this.retry, attempt));
					continue;
				}
				throw failure;
			}

			const contentType = headerValue(response.headers, 'content-type') ?? '';
			const success = response.status >= 200 && response.status < 300;
			if (streaming && success && !/json/i.test(contentType)) {
				return { stream: this.opened(response, contentType) };
			}

			const text = await this.readText(response, spec, deadline);
			const parsed = parseJson(text);
			let failure: FailedResponse;
			if (success) {
				if (parsed === undefined) {
					if (safeToRepeat && attempt < this.retry.maxAttempts) {
						await pause(backoffDelay(this.retry, attempt));
						continue;
					}
					throw protocolError(this.scope, spec, excerpt(text));
				}
				const unwrapped = unwrapEnvelope(parsed);
				if (unwrapped.ok) return { data: unwrapped.data };
				failure = this.failure(response, unwrapped.code, unwrapped.message, parsed);
			} else {
				const unwrapped = parsed === undefined ? undefined : unwrapEnvelope(parsed);
				const message = unwrapped && !unwrapped.ok ? unwrapped.message : excerpt(text) || undefined;
				failure = this.failure(response, unwrapped && !unwrapped.ok ? unwrapped.code : undefined, message, parsed);
			}

			if (token && !refreshedToken && isTokenRejection(failure.httpStatus, failure.code) && this.canReplay(spec)) {
				refreshedToken = true;
				const next = await this.tokens.refresh(token);
				if (next) {
					token = next;
					continue;
				}
			}
			if (failure.httpStatus === 429 && !waitedForRateLimit && this.canReplay(spec)) {
				const waitMs = failure.retryAfterMs ?? this.retry.rateLimitDefaultMs;
				// A wait that would outlast the call's deadline is not started: the 429 itself is the
				// answer (nothing was done), not a timeout that 'may have taken effect'.
				if (waitMs <= this.retry.rateLimitMaxWaitMs && waitMs < deadlineAt - Date.now()) {
					waitedForRateLimit = true;
					await pause(waitMs);
					continue;
				}
			}
			if (
				isRetryableStatus(failure.httpStatus) &&
				safeToRepeat &&
				this.canReplay(spec) &&
				attempt < this.retry.maxAttempts
			) {
				await pause(backoffDelay(this.retry, attempt));
				continue;
			}
			throw withContext(
				this.scope,
				describeFailure({ ...failure, method: spec.method, path: describePath(spec) }),
				spec,
			);
		}
	}

	private url(spec: CallSpec): string {
		const url = new URL(/^https?:\/\//.test(spec.path) ? spec.path : `${this.connection.baseUrl}${spec.path}`);
		for (const [key, value] of Object.entries(spec.query ?? {})) {
			if (value !== undefined) url.searchParams.set(key, String(value));
		}
		return url.toString();
	}

	/** Token, Client ID and attribution headers go only to the base URL's origin. */
	private headers(spec: CallSpec, token: string | undefined, ownOrigin: boolean): Record<string, string> {
		const headers: Record<string, string> = { accept: spec.accept ?? 'application/json' };
		if (ownOrigin) {
			Object.assign(headers, attributionHeaders(this.connection));
			if (this.connection.clientId) headers['x-client-id'] = this.connection.clientId;
			if (token) headers.authorization = `Bearer ${token}`;
		}
		if (spec.json !== undefined) headers['content-type'] = 'application/json';
		return headers;
	}

	private isOwnOrigin(spec: CallSpec): boolean {
		return !/^https?:\/\//.test(spec.path) || isOwnOrigin(this.connection, spec.path);
	}

	private canReplay(spec: CallSpec): boolean {
		return spec.body === undefined || spec.body.replayable;
	}

	private failure(
		response: HttpResponse,
		code: number | undefined,
		message: string | undefined,
		body?: unknown,
	): FailedResponse {
		return {
			body,
			tokenReplaced: this.tokens.replaced?.() === true,
			httpStatus: response.status,
			code,
			serverMessage: message === undefined ? undefined : this.redact(message),
			retryAfterMs: parseRetryAfter(headerValue(response.headers, 'retry-after')),
			anonymous: isAnonymous(this.connection),
			userId: this.connection.userId || undefined,
		};
	}

	private opened(response: HttpResponse, contentType: string): OpenedStream {
		const length = Number(headerValue(response.headers, 'content-length'));
		return {
			status: response.status,
			contentType,
			contentLength: Number.isFinite(length) && length >= 0 ? length : undefined,
			body: response.body,
		};
	}

	private async readText(response: HttpResponse, spec: CallSpec, deadline: AbortSignal): Promise<string> {
		try {
			return await response.body.text();
		} catch (error) {
			throw transportError(this.scope, error, spec, deadline);
		}
	}
}
