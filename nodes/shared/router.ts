import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { nemoVideoClient } from './client';
import { errorItemJson, toNodeError } from './errors';
import type { NemoVideoClient } from './transport';

/** One operation of a node: handles input item `itemIndex` and returns its output items. */
export type Operation = (
	this: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
) => Promise<INodeExecutionData[]>;

/**
 * The item loop every NemoVideo node shares: picks the operation, pairs each output with its input
 * item, and turns failures into n8n errors (or error items when the node continues on fail).
 */
export async function route(
	this: IExecuteFunctions,
	operations: Record<string, Operation>,
): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	const client = await nemoVideoClient(this);
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const results = await execute.call(this, itemIndex, client);
			for (const result of results) output.push({ ...result, pairedItem: { item: itemIndex } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, (text) => client.redact(text));
			if (!this.continueOnFail()) throw nodeError;
			output.push({ json: errorItemJson(nodeError), pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
