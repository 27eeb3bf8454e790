import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { deepCopy, NodeOperationError, type NodeApiError } from 'n8n-workflow';

import { nemoVideoClient } from './credentialClient';
import { errorItemJson, toNodeError } from './nodeErrors';
import { isToolRun } from './toolRun';
import { isCancellation, type NemoVideoClient } from './transport';

/** One operation of a node: handles input item `itemIndex` and returns its output items. */
export type Operation = (
	this: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
) => Promise<INodeExecutionData[]>;

/**
 * An operation that checks every item before sending anything, and may send several items in one
 * request. `prepare` reads and checks one item (throwing fails that item, before any request);
 * items with the same `batchKey` go to one `send` (undefined: the item goes alone), which returns
 * the output items of each entry, in the order given.
 */
export interface BatchOperation<T = unknown> {
	prepare(this: IExecuteFunctions, itemIndex: number, client: NemoVideoClient): Promise<T>;
	batchKey(this: IExecuteFunctions, prepared: T, itemIndex: number): string | undefined;
	send(
		this: IExecuteFunctions,
		batch: Array<{ itemIndex: number; prepared: T }>,
		client: NemoVideoClient,
	): Promise<INodeExecutionData[][]>;
}

/**
 * An operation that runs once per group of input items asking for the same thing (e.g. one prompt
 * per session): `groupKey` reads and checks one item before any request (throwing fails that item);
 * items with the same key share one run of `execute` for the first of them, and every item of the
 * group gets a copy of its output, paired to itself. Undefined: the item runs alone.
 */
export interface GroupedOperation {
	execute: Operation;
	groupKey(this: IExecuteFunctions, itemIndex: number): string | undefined;
}

/** The option (in the operation's Options collection) that turns grouping off for an item. */
export const ONE_REQUEST_PER_ITEM = 'oneRequestPerItem';

/**
 * Opts an operation into grouping: items whose `key` values are equal share one run, unless the
 * item's Options → One Request per Item is on. `key` reads the item's parameters the way the
 * operation does (and throws the same errors for bad ones, so a bad item fails before any request).
 */
export function oncePerGroup(
	execute: Operation,
	key: (this: IExecuteFunctions, itemIndex: number) => unknown[],
): GroupedOperation {
	return {
		execute,
		groupKey(this: IExecuteFunctions, itemIndex: number) {
			const parts = key.call(this, itemIndex);
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			if (options[ONE_REQUEST_PER_ITEM] === true) return undefined;
			return JSON.stringify(parts);
		},
	};
}

/** The item's Options collection without the grouping switch, for a group key. */
export function optionsForKey(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const { [ONE_REQUEST_PER_ITEM]: _ignored, ...rest } = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return rest;
}

/** The most of a failed tool's message an AI agent gets (the agent checks hold tool results to 2,000). */
const TOOL_ERROR_CHARS = 1_500;

/**
 * n8n 2.41's AI Agent (v3) hands the model only the message of a tool that failed, not the hint
 * under it, so as a tool the hint (what to do next) joins the message. n8n's other tool path adds
 * the hint itself unless the message already contains it, so it is never there twice.
 */
function withHintForAgent<E extends NodeApiError | NodeOperationError>(ctx: IExecuteFunctions, error: E): E {
	if (!isToolRun(ctx) || !error.description || error.message.includes(error.description)) return error;
	const joined = `${error.message.replace(/[\s.]+$/, '')}. ${error.description}`;
	error.message = joined.length > TOOL_ERROR_CHARS ? `${joined.slice(0, TOOL_ERROR_CHARS)}…` : joined;
	return error;
}

/**
 * The item loop every NemoVideo node shares: picks the operation, pairs each output with its input
 * item, and turns failures into n8n errors (or error items when the node continues on fail).
 * `clientFor` builds the NemoVideo client (a node without a NemoVideo credential passes its own).
 */
export async function route(
	this: IExecuteFunctions,
	operations: Record<string, Operation | BatchOperation | GroupedOperation>,
	clientFor: (ctx: IExecuteFunctions) => Promise<NemoVideoClient> = nemoVideoClient,
): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	const client = await clientFor(this);
	const items = this.getInputData();
	if (typeof execute !== 'function') {
		const batched = 'groupKey' in execute ? grouped(execute) : execute;
		return [await routeBatches.call(this, batched, client, items.length)];
	}
	const output: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const results = await execute.call(this, itemIndex, client);
			for (const result of results) output.push({ ...result, pairedItem: { item: itemIndex } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, (text) => client.redact(text));
			if (endsTheNode(this, error)) throw withHintForAgent(this, nodeError);
			output.push(errorItem(this, nodeError, itemIndex));
		}
	}
	return [output];
}

/**
 * Prepares every item (a failing item stops the node before any request, or becomes an error item
 * when the node continues on fail), then sends the batches. Outputs keep the input order and each
 * is paired with its own input item; a failed batch fails each of its items.
 */
async function routeBatches(
	this: IExecuteFunctions,
	operation: BatchOperation,
	client: NemoVideoClient,
	itemCount: number,
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[][] = [];
	const fail = (error: unknown, itemIndex: number, throwIt: boolean) => {
		const nodeError = toNodeError(this.getNode(), error, itemIndex, (text) => client.redact(text));
		if (throwIt && endsTheNode(this, error)) throw withHintForAgent(this, nodeError);
		results[itemIndex] = [errorItem(this, nodeError, itemIndex)];
	};

	const batches: Array<Array<{ itemIndex: number; prepared: unknown }>> = [];
	const byKey = new Map<string, Array<{ itemIndex: number; prepared: unknown }>>();
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			const prepared = await operation.prepare.call(this, itemIndex, client);
			const key = operation.batchKey.call(this, prepared, itemIndex);
			let batch = key === undefined ? undefined : byKey.get(key);
			if (!batch) {
				batch = [];
				batches.push(batch);
				if (key !== undefined) byKey.set(key, batch);
			}
			batch.push({ itemIndex, prepared });
		} catch (error) {
			fail(error, itemIndex, true);
		}
	}

	for (const batch of batches) {
		try {
			const outputs = await operation.send.call(this, batch, client);
			batch.forEach((entry, position) => (results[entry.itemIndex] = outputs[position] ?? []));
		} catch (error) {
			fail(error, batch[0].itemIndex, true);
			for (const entry of batch) fail(error, entry.itemIndex, false);
		}
	}

	// An output made from several items (e.g. one video from all photos) may name them all.
	return results.flatMap((outputs, itemIndex) =>
		(outputs ?? []).map((result) => ({ ...result, pairedItem: result.pairedItem ?? { item: itemIndex } })),
	);
}

/**
 * A grouped operation as a batch: the group's first item runs, and the others get copies of its
 * output (their own json objects, so a later node changing one item does not change the others).
 */
function grouped(operation: GroupedOperation): BatchOperation<string | undefined> {
	return {
		async prepare(this: IExecuteFunctions, itemIndex: number) {
			return operation.groupKey.call(this, itemIndex);
		},
		batchKey: (key) => key,
		async send(this: IExecuteFunctions, batch, client) {
			const results = await operation.execute.call(this, batch[0].itemIndex, client);
			return batch.map((_, position) =>
				position === 0
					? results
					: results.map((result) => ({
							...result,
							json: deepCopy(result.json),
							...(result.binary ? { binary: { ...result.binary } } : {}),
						})),
			);
		},
	};
}

/**
 * A failed item under continue on fail. Under "On Error → Continue (using error output)" n8n moves
 * an item to the error output only when its json holds nothing but error/message/details (setting
 * the item's `error` would make n8n replace the json with the bare message, hint lost), so there
 * the hint, kind and codes go under `details`.
 */
function errorItem(
	ctx: IExecuteFunctions,
	nodeError: ReturnType<typeof toNodeError>,
	itemIndex: number,
): INodeExecutionData {
	const json = errorItemJson(nodeError);
	if (ctx.getNode().onError !== 'continueErrorOutput') return { json, pairedItem: { item: itemIndex } };
	const { error, ...details } = json;
	return { json: { error, details }, pairedItem: { item: itemIndex } };
}

/**
 * A stopped or timed-out execution ends the node, even when it continues on fail: an error item
 * per remaining item would only repeat the cancel, and n8n must see it to record the run as canceled.
 */
function endsTheNode(ctx: IExecuteFunctions, error: unknown): boolean {
	return !ctx.continueOnFail() || isCancellation(error, ctx.getExecutionCancelSignal());
}
