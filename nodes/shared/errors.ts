import {
	NodeApiError,
	NodeOperationError,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

import { NemoVideoError } from './transport';

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
		const nodeError =
			error.kind === 'cancelled'
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
