import type { INodeTypeDescription } from 'n8n-workflow';

import { CREDENTIALS, ICON, withToolDefaults } from '../../shared/descriptions';
import * as sendPrompt from './sendPrompt.operation';

export const versionDescription: INodeTypeDescription = {
	displayName: 'NemoVideo Edit',
	name: 'nemoVideoEdit',
	icon: ICON,
	group: ['transform'],
	version: 1,
	subtitle: 'Send prompt',
	description:
		'Tell the NemoVideo agent what to make or change (e.g. "turn these photos into a 15-second video with music"); returns its reply, the tools it used and the resulting timeline',
	defaults: { name: 'NemoVideo Edit' },
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
					name: 'Send Prompt',
					value: 'sendPrompt',
					action: 'Send a prompt to the video agent',
					description:
						'Send an instruction to the session’s video agent, wait for it to finish, and report its reply and the timeline',
				},
			],
			default: 'sendPrompt',
		},
		...withToolDefaults(sendPrompt.description),
	],
};

/** Edit sends one prompt per session and prompt among its items (Options → One Request per Item turns it off). */
export const operations = { sendPrompt: sendPrompt.grouped };
