import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { getCreditsBalance, isAnonymous, type NemoVideoClient } from '../../shared/transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Minimum Available Credits',
		name: 'minimumAvailable',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'Fail the item when fewer credits than this are available, so a pipeline stops before spending. A generated clip costs about 100 credits, an editing session about 50, export is free. 0 turns the check off.',
	},
];

const displayOptions: IDisplayOptions = { show: { operation: ['getBalance'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
): Promise<INodeExecutionData[]> {
	const minimum = this.getNodeParameter('minimumAvailable', itemIndex, 0) as number;
	if (!Number.isFinite(minimum) || minimum < 0) {
		throw new NodeOperationError(this.getNode(), 'Minimum Available Credits must be 0 or more', {
			itemIndex,
			description: 'Enter how many credits the next steps need, or 0 to turn the check off.',
		});
	}
	const balance = await getCreditsBalance(client);
	if (balance.available < minimum) {
		throw new NodeOperationError(
			this.getNode(),
			`Only ${balance.available} NemoVideo credits available, fewer than the ${minimum} required`,
			{
				itemIndex,
				description: isAnonymous(client.connection)
					? 'The free anonymous credits are nearly used up. Register a NemoVideo account and put its API Token in the credential.'
					: 'Top up credits in your NemoVideo account, or lower Minimum Available Credits.',
			},
		);
	}
	return [{ json: { ...balance, sufficient: true, minimumAvailable: minimum } }];
}
