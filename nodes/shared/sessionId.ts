import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { createSession, type NemoVideoClient } from './transport';

/**
 * Where a node's Session ID comes from when the field is empty, e.g. `{{ $json.sessionId }}` right
 * after Read Files from Disk or a Google Drive download (their items carry no sessionId):
 * - the session of the nearest NemoVideo Session "Create" node before this one, read with the
 *   expression a user would write (`{{ $('NemoVideo Session').item.json.sessionId }}`);
 * - otherwise NemoVideo Upload creates one session for all its items (sessionIdOrNewSession);
 * - otherwise the error names the expression to put in the field.
 */

const SESSION_NODE = /\.nemoVideoSession$/;
const DEFAULT_SESSION_NODE = 'NemoVideo Session';

/** `{{ $('<node>').item.json.sessionId }}` for a node name (quotes escaped). */
export function sessionExpression(nodeName: string): string {
	return `{{ $('${nodeName.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}').item.json.sessionId }}`;
}

/** The nearest enabled NemoVideo Session "Create" node upstream of this node, if any. */
export function upstreamSessionNode(ctx: IExecuteFunctions): string | undefined {
	try {
		const parents = ctx.getParentNodes(ctx.getNode().name, { includeNodeParameters: true });
		const found = parents.find(
			(parent) =>
				!parent.disabled && SESSION_NODE.test(parent.type) && (parent.parameters?.operation ?? 'create') === 'create',
		);
		return found?.name;
	} catch {
		return undefined;
	}
}

function fieldValue(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = ctx.getNodeParameter('sessionId', itemIndex, '');
	return typeof raw === 'string' ? raw.trim() : raw === null || raw === undefined ? '' : String(raw).trim();
}

function fromSessionNode(ctx: IExecuteFunctions, itemIndex: number, nodeName: string): string | undefined {
	try {
		const value = ctx.evaluateExpression(sessionExpression(nodeName), itemIndex);
		return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
	} catch {
		return undefined;
	}
}

/** The error for an empty Session ID: says exactly what to put in the field. */
export function emptySessionIdError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	sessionNode?: string,
): NodeOperationError {
	if (sessionNode) {
		return new NodeOperationError(
			ctx.getNode(),
			`Session ID is empty, and the NemoVideo Session node "${sessionNode}" before this node gave no sessionId for item ${itemIndex}`,
			{
				itemIndex,
				description: `Set Session ID to ${sessionExpression(sessionNode)} (or {{ $('${sessionNode}').first().json.sessionId }} when all items use one session), and check that "${sessionNode}" ran and created a session.`,
			},
		);
	}
	return new NodeOperationError(ctx.getNode(), 'Session ID is empty', {
		itemIndex,
		description: `The input item has no sessionId (e.g. it comes from Read Files from Disk or a download). Put a NemoVideo Session node ("Create") before this node and set Session ID to ${sessionExpression(DEFAULT_SESSION_NODE)} (with that node's name), or put NemoVideo Upload before this node (it passes sessionId on), or paste an existing session ID. {{ $json.sessionId }} only works right after a NemoVideo node.`,
	});
}

/** The item's session: the field, else the Session node before this one; throws the fix otherwise. */
export function resolveSessionId(ctx: IExecuteFunctions, itemIndex: number): string {
	const value = fieldValue(ctx, itemIndex);
	if (value !== '') return value;
	const sessionNode = upstreamSessionNode(ctx);
	const found = sessionNode ? fromSessionNode(ctx, itemIndex, sessionNode) : undefined;
	if (found) return found;
	throw emptySessionIdError(ctx, itemIndex, sessionNode);
}

/** One new session per node run, shared by every item that has none (keyed by the run's context). */
const created = new WeakMap<object, Promise<string>>();

/**
 * Like resolveSessionId, but when the item has no session and no Session node comes before this
 * node, creates one session for the whole node run (every item without a session goes into it).
 */
export async function sessionIdOrNewSession(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
): Promise<string> {
	const value = fieldValue(ctx, itemIndex);
	if (value !== '') return value;
	const sessionNode = upstreamSessionNode(ctx);
	if (sessionNode) return resolveSessionId(ctx, itemIndex);
	let session = created.get(ctx);
	if (!session) {
		session = createSession(client, { taskName: 'n8n video', language: 'en' }).then((made) => made.sessionId);
		created.set(ctx, session);
		// A failed create is not cached: the next item's error says why too.
		session.catch(() => created.delete(ctx));
	}
	return await session;
}
