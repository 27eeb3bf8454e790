import type { INodeTypeDescription } from 'n8n-workflow';

import { CREDENTIALS, ICON } from '../../shared/descriptions';
import * as create from './create.operation';
import { properties } from './description';

export const versionDescription: INodeTypeDescription = {
	displayName: 'NemoVideo Create Video',
	name: 'nemoVideoCreateVideo',
	icon: ICON,
	group: ['transform'],
	version: 1,
	subtitle: '={{ $parameter["mode"] === "perItem" ? "One video per item" : "One video from all items" }}',
	description:
		'Photos in, MP4 out: uploads the images, asks the NemoVideo agent for the video you describe (duration, format, music, title), renders it and checks the result against the request',
	defaults: { name: 'NemoVideo Create Video' },
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
					name: 'Create Video',
					value: 'create',
					action: 'Create a video from images',
					description: 'Make an MP4 from the input images and check it against the request',
				},
			],
			default: 'create',
		},
		...properties,
	],
};

export const operations = { create: create.execute };
