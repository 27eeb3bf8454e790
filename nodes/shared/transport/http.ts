import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';

import { lazyModule } from './lazyModule';

const undici = lazyModule(() => require('undici') as typeof import('undici'));

/** The HTTP call the transport makes; injectable so the transport can run against anything. */
export type HttpFunction = (url: string, options: HttpRequestOptions) => Promise<HttpResponse>;

export interface HttpRequestOptions {
	method: string;
	headers: Record<string, string>;
	body?: string | Buffer | Readable | null;
	signal: AbortSignal;
	/** Idle limits: waiting for response headers, and between body chunks. */
	headersTimeoutMs: number;
	bodyTimeoutMs: number;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Readable & AsyncIterable<Uint8Array> & { text(): Promise<string>; dump(): Promise<void> };
}

export const undiciHttp: HttpFunction = async (url, options) => {
	const response = await undici().request(url, {
		method: options.method as 'GET',
		headers: options.headers,
		body: options.body ?? undefined,
		signal: options.signal,
		headersTimeout: options.headersTimeoutMs,
		bodyTimeout: options.bodyTimeoutMs,
	});
	return { status: response.statusCode, headers: response.headers, body: response.body };
};

/** Waits, unless the signal fires first. */
export type SleepFunction = (ms: number, signal: AbortSignal) => Promise<void>;

export const abortableSleep: SleepFunction = async (ms, signal) => {
	await delay(ms, undefined, { signal });
};

export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}
