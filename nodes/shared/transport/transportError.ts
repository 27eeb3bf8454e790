import { canceledError } from './cancellation';
import { brokenPostHint, NemoVideoError, rephrased, timeoutHint } from './errors';
import type { CallSpec } from './callSpec';

/** What the client's errors need to know about it: how to redact, where it calls, its cancel signal. */
export interface ErrorScope {
	redact(text: string): string;
	baseUrl: string;
	signal?: AbortSignal;
}

/** Turns a thrown network, timeout or abort error into a NemoVideoError. */
export function transportError(
	scope: ErrorScope,
	error: unknown,
	spec: CallSpec,
	deadline: AbortSignal,
): NemoVideoError {
	if (scope.signal?.aborted) return cancelledError(error);
	const code = (error as { code?: string })?.code ?? '';
	const where = `${spec.method} ${describePath(spec)}`;
	if (deadline.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
		return withContext(
			scope,
			new NemoVideoError(`NemoVideo did not answer in time (${where})`, {
				kind: 'timeout',
				hint: timeoutHint(spec.method, describePath(spec), spec.safeToRepeat === true),
			}),
			spec,
		);
	}
	const reason = scope.redact(String((error as Error)?.message ?? error));
	const unreachable = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/.test(`${code} ${reason}`);
	return withContext(
		scope,
		new NemoVideoError(`Could not reach NemoVideo (${where}): ${reason}`, {
			kind: 'network',
			hint: unreachable
				? `Check the Base URL in the NemoVideo credential (${scope.baseUrl}) and that this n8n can reach it.`
				: spec.method === 'POST' && spec.safeToRepeat !== true
					? brokenPostHint(describePath(spec))
					: 'The connection broke. Try again; if it keeps failing, check the network between n8n and NemoVideo.',
		}),
		spec,
	);
}

/** A wait or call cut short by the execution's cancel signal (an error that is already ours stays). */
export function cancelledError(error: unknown): NemoVideoError {
	if (error instanceof NemoVideoError) return error;
	return canceledError(
		'The execution was canceled while waiting for NemoVideo',
		'The workflow was stopped or timed out; nothing more was sent.',
	);
}

export function protocolError(scope: ErrorScope, spec: CallSpec, excerpt: string): NemoVideoError {
	return withContext(
		scope,
		new NemoVideoError(`NemoVideo sent an answer that is not valid JSON: ${scope.redact(excerpt) || '(empty)'}`, {
			kind: 'protocol',
			hint: 'A proxy or the service returned something unexpected. Check the Base URL, then try again.',
		}),
		spec,
	);
}

/** The error, redacted, naming the call it came from. */
export function withContext(scope: ErrorScope, error: NemoVideoError, spec: CallSpec): NemoVideoError {
	return rephrased(error, scope.redact(error.message), {
		hint: scope.redact(error.hint),
		method: spec.method,
		path: describePath(spec),
	});
}

/** The path without query string or host, for messages (result URLs may carry signatures). */
export function describePath(spec: CallSpec): string {
	return /^https?:\/\//.test(spec.path) ? new URL(spec.path).pathname : spec.path;
}
