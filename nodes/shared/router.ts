import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { nemoVideoClient } from './client';
import { errorItemJson, toNodeError } from './errors';
import { NemoVideoError, type NemoVideoClient } from './transport';

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
 * The item loop every NemoVideo node shares: picks the operation, pairs each output with its input
 * item, and turns failures into n8n errors (or error items when the node continues on fail).
 */
export async function route(
	this: IExecuteFunctions,
	operations: Record<string, Operation | BatchOperation>,
): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	const client = await nemoVideoClient(this);
	const items = this.getInputData();
	if (typeof execute !== 'function') return [await routeBatches.call(this, execute, client, items.length)];
	const output: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const results = await execute.call(this, itemIndex, client);
			for (const result of results) output.push({ ...result, pairedItem: { item: itemIndex } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, (text) => client.redact(text));
			if (!this.continueOnFail() || isCancellation(this, error)) throw nodeError;
			output.push({ json: errorItemJson(nodeError), pairedItem: { item: itemIndex } });
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
		if (throwIt && (!this.continueOnFail() || isCancellation(this, error))) throw nodeError;
		results[itemIndex] = [{ json: errorItemJson(nodeError) }];
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

	return results.flatMap((outputs, itemIndex) =>
		(outputs ?? []).map((result) => ({ ...result, pairedItem: { item: itemIndex } })),
	);
}

/**
 * A stopped or timed-out execution ends the node, even when it continues on fail: an error item
 * per remaining item would only repeat the cancel, and n8n must see it to record the run as canceled.
 */
function isCancellation(ctx: IExecuteFunctions, error: unknown): boolean {
	if (error instanceof NemoVideoError && error.kind === 'cancelled') return true;
	return ctx.getExecutionCancelSignal()?.aborted === true;
}
