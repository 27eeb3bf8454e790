import type { INodeTypeDescription } from 'n8n-workflow';

import { CREDENTIALS, ICON } from '../../shared/descriptions';
import * as getBalance from './getBalance.operation';

export const versionDescription: INodeTypeDescription = {
	displayName: 'NemoVideo Credits',
	name: 'nemoVideoCredits',
	icon: ICON,
	group: ['transform'],
	version: 1,
	subtitle: 'Get balance',
	description: 'Read the NemoVideo credits balance, optionally stopping when too few are left',
	defaults: { name: 'NemoVideo Credits' },
	usableAsTool: true,
	inputs: ['main'],
	outputs: ['main'],
	credentials: CREDENTIALS,
	properties: [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Get Balance',
					value: 'getBalance',
					action: 'Get the credits balance',
					description: 'Available, frozen (held by running edits) and total credits',
				},
			],
			default: 'getBalance',
		},
		...getBalance.description,
	],
};

export const operations = { getBalance: getBalance.execute };
