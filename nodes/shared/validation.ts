import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { resolveSessionId } from './sessionId';

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

/** The item's Session ID; when empty, the session of the NemoVideo Session node before this one (see sessionId.ts). */
export function sessionIdParameter(ctx: IExecuteFunctions, itemIndex: number): string {
	return resolveSessionId(ctx, itemIndex);
}
