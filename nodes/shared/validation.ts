import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** Reads a required text parameter, trimmed; refuses an empty value before anything is sent. */
export function requiredText(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
	label: string,
	fix: string,
): string {
	const raw = ctx.getNodeParameter(name, itemIndex, '');
	const value = typeof raw === 'string' ? raw.trim() : raw === null || raw === undefined ? '' : String(raw).trim();
	if (value === '') {
		throw new NodeOperationError(ctx.getNode(), `${label} is empty`, { itemIndex, description: fix });
	}
	return value;
}

export function sessionIdParameter(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredText(
		ctx,
		'sessionId',
		itemIndex,
		'Session ID',
		'Wire in the sessionId from a NemoVideo Session "Create" step, e.g. {{ $json.sessionId }}, or paste an existing session ID.',
	);
}
