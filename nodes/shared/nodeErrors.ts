import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { canceledError, isCancellation, NemoVideoError } from './transport';
import { seconds, type TokenOutcome } from './transport/anonymousToken';

/**
 * Converts anything an operation threw into the n8n error shown to the user: API failures become
 * NodeApiError with the transport's hint as description; everything else NodeOperationError.
 * Messages pass through `redact` (the client's, which knows every token it used) so none leaks.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	redact: (text: string) => string,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.message = redact(error.message);
		if (error.description) error.description = redact(error.description);
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	if (error instanceof NemoVideoError) {
		const message = redact(error.message);
		const hint = redact(error.hint);
		// Not `code`: NodeApiError would read an envelope code (2001…) as the HTTP code.
		const response: JsonObject = { message, kind: error.kind };
		if (error.code !== undefined) response.nemoVideoCode = error.code;
		if (error.httpStatus !== undefined) response.httpStatus = error.httpStatus;
		if (error.path !== undefined) response.path = error.path;
		const nodeError = isCancellation(error)
			? new NodeOperationError(node, message, { itemIndex, description: hint })
			: new NodeApiError(node, response, {
					message,
					description: hint,
					// An envelope error arrives on HTTP 200; only a failing status is worth showing.
					httpCode: error.httpStatus !== undefined && error.httpStatus >= 400 ? String(error.httpStatus) : undefined,
					itemIndex,
				});
		// n8n swaps a message mentioning ECONNREFUSED, ECONNRESET, ETIMEDOUT… for its own generic
		// text; ours already says what happened and what to do.
		nodeError.message = message;
		nodeError.description = hint;
		return nodeError;
	}
	const message = redact(error instanceof Error ? error.message : String(error));
	return new NodeOperationError(node, message, { itemIndex });
}

/** The JSON a failed item carries when the node continues on fail. */
export function errorItemJson(error: NodeApiError | NodeOperationError): JsonObject {
	const json: JsonObject = { error: error.message };
	if (error.description) json.description = error.description;
	const kind = (error as NodeApiError).errorResponse?.kind;
	if (kind !== undefined) json.errorKind = kind as string;
	if ((error as NodeApiError).httpCode) json.httpCode = (error as NodeApiError).httpCode;
	return json;
}

/** Why a usable anonymous token could not be had; see CredentialTokens in client.ts. */
export type TokenProblem =
	| { kind: 'cancelled' }
	| { kind: 'deadline'; ms: number }
	| { kind: 'outcome'; outcome: Exclude<TokenOutcome, { kind: 'issued' } | { kind: 'clientRefused' }> }
	| { kind: 'clientIdSpent'; hadToken: boolean; said: string; clientId: string }
	| { kind: 'probeTimeout'; ms: number }
	| { kind: 'none' }
	| { kind: 'unexpected'; message: string };

const TOKEN_PATH = { method: 'POST', path: '/api/auth/anonymous-token' };
const REACH_HINT =
	'Check the Base URL in the NemoVideo credential and that this n8n can reach it, then run again. With a registered NemoVideo account, enter its API Token instead.';
const NEW_CLIENT_ID_HINT =
	'Either enter a new UUID in the credential’s Client ID field (a new anonymous token is a new NemoVideo user: 100 fresh credits, and sessions made with the old token are not visible to it), or enter a registered account’s API Token.';

/** The error a node shows when it could not get an anonymous token. Never contains a token. */
export function tokenError(problem: TokenProblem): NemoVideoError {
	switch (problem.kind) {
		case 'cancelled':
			return canceledError(
				'The execution was canceled while getting a NemoVideo token',
				'The workflow was stopped or timed out; the token request was abandoned.',
			);
		case 'deadline':
			return new NemoVideoError(`Getting an anonymous NemoVideo token took longer than ${seconds(problem.ms)}`, {
				kind: 'timeout',
				...TOKEN_PATH,
				hint: `NemoVideo’s token endpoint or the token check did not answer in time. ${REACH_HINT}`,
			});
		case 'clientIdSpent':
			return new NemoVideoError(
				problem.hadToken
					? 'NemoVideo rejected the credential’s anonymous token (expired or revoked) and will not issue a new one for its Client ID: one anonymous token per client per 7 days'
					: 'Could not get an anonymous NemoVideo token: NemoVideo already issued one for this credential’s Client ID in the last 7 days, and this credential does not hold it (one anonymous token per client per 7 days)',
				{ kind: 'auth', httpStatus: 429, ...TOKEN_PATH, hint: NEW_CLIENT_ID_HINT },
			);
		case 'probeTimeout':
			return new NemoVideoError(
				`NemoVideo did not answer the token check in time (no answer within ${seconds(problem.ms)})`,
				{
					kind: 'timeout',
					method: 'GET',
					path: '/api/credits/balance/simple',
					hint: `The credential’s token could not be checked or replaced. ${REACH_HINT}`,
				},
			);
		case 'none':
			return new NemoVideoError('NemoVideo answered the token request without a token', {
				kind: 'auth',
				...TOKEN_PATH,
				hint: REACH_HINT,
			});
		case 'unexpected':
			return new NemoVideoError(`Could not get an anonymous NemoVideo token: ${problem.message}`, {
				kind: 'auth',
				...TOKEN_PATH,
				hint: REACH_HINT,
			});
	}
	const { outcome } = problem;
	if (outcome.kind === 'ipLimited') {
		const wait =
			outcome.retryAfterMs !== undefined ? `about ${Math.ceil(outcome.retryAfterMs / 60_000)} min` : 'up to an hour';
		return new NemoVideoError('NemoVideo refused a new anonymous token: too many were issued to this IP address', {
			kind: 'rateLimit',
			httpStatus: 429,
			retryAfterMs: outcome.retryAfterMs,
			...TOKEN_PATH,
			hint: `Anonymous tokens are limited to five per IP address per hour. Wait ${wait} and run again, or enter a registered account’s API Token.`,
		});
	}
	if (outcome.timedOut) {
		return new NemoVideoError(`NemoVideo’s token endpoint did not answer (${outcome.message})`, {
			kind: 'timeout',
			...TOKEN_PATH,
			hint: `No anonymous token was obtained. ${REACH_HINT}`,
		});
	}
	return new NemoVideoError(`NemoVideo did not issue an anonymous token (${outcome.message})`, {
		kind: 'auth',
		...TOKEN_PATH,
		hint: REACH_HINT,
	});
}
