import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { cancelRender, NemoVideoError, type NemoVideoClient } from '../../shared/transport';
import { explainRenderLookup, renderIdParameter, renderIdProperty } from './common';

const properties: INodeProperties[] = [renderIdProperty];

const displayOptions: IDisplayOptions = { show: { operation: ['cancel'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** Cancels a running render. One that already ended is not an error: the item says so. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
): Promise<INodeExecutionData[]> {
	const renderId = renderIdParameter(this, itemIndex);
	try {
		await cancelRender(client, renderId);
	} catch (error) {
		const ended = error instanceof NemoVideoError && error.message.match(/already (completed|failed|cancelled)/i);
		if (ended) {
			return [
				{
					json: {
						renderId,
						cancelled: false,
						status: ended[1].toLowerCase(),
						summary: `Render ${renderId} had already ${ended[1].toLowerCase()}; nothing to cancel.`,
					},
				},
			];
		}
		throw explainRenderLookup(error, renderId);
	}
	return [{ json: { renderId, cancelled: true, status: 'cancelled', summary: `Render ${renderId} was cancelled.` } }];
}
