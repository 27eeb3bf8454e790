import type { Readable } from 'node:stream';

import type { NemoVideoConnection } from './connection';
import type { HttpFunction, HttpResponse, SleepFunction } from './http';
import type { RetryPolicy } from './retry';

/** The client's inputs and what one call says: kept apart so callers can type calls without the client. */

/** Where bearer tokens come from; the n8n layer backs this with the credential's stored token. */
export interface TokenSource {
	token(): Promise<string>;
	/**
	 * Called once when the service rejected `rejected`; returns the token to retry with (a fresh
	 * one, or the same one when it proved valid after all), or undefined to give up.
	 */
	refresh(rejected: string): Promise<string | undefined>;
	/** Whether a refresh replaced a rejected token with a new one (a new user, for anonymous tokens). */
	replaced?(): boolean;
}

export interface ClientOptions {
	connection: NemoVideoConnection;
	tokens: TokenSource;
	/** The execution's cancel signal: aborts every call, stream and wait. */
	signal?: AbortSignal;
	http?: HttpFunction;
	sleep?: SleepFunction;
	retry?: RetryPolicy;
	/** Default deadline of one call, all attempts and waits included. */
	timeoutMs?: number;
}

export interface RequestBody {
	body: string | Buffer | Readable;
	headers: Record<string, string>;
}

export interface CallSpec {
	method: 'GET' | 'POST';
	/** Path below the base URL, or an absolute URL (result files on a CDN). */
	path: string;
	query?: Record<string, string | number | undefined>;
	json?: unknown;
	/** A body made afresh for each attempt; `replayable` false when it can be sent only once. */
	body?: { open(): RequestBody; replayable: boolean };
	/** Whether repeating the call after a 5xx or broken connection is harmless. Default: GET only. */
	safeToRepeat?: boolean;
	/** Overall deadline for this call; for streams, until the body has been read. */
	timeoutMs?: number;
	/** Longest silence allowed while waiting for headers or between body chunks. */
	idleTimeoutMs?: number;
	accept?: string;
	/**
	 * False for unauthenticated calls (anonymous token, CDN downloads). An absolute URL on another
	 * origin than the base URL never gets the token, Client ID or attribution headers, whatever this says.
	 */
	auth?: boolean;
}

export interface OpenedStream {
	status: number;
	contentType: string;
	contentLength?: number;
	body: HttpResponse['body'];
}
