import type { INodeTypeDescription } from 'n8n-workflow';

import { CREDENTIALS, ICON } from '../../shared/descriptions';
import * as cancel from './cancel.operation';
import * as download from './download.operation';
import * as getStatus from './getStatus.operation';
import * as render from './render.operation';

export const versionDescription: INodeTypeDescription = {
	displayName: 'NemoVideo Export',
	name: 'nemoVideoExport',
	icon: ICON,
	group: ['output'],
	version: 1,
	subtitle: '={{ {"render":"Render video","getStatus":"Get render status","download":"Download video","cancel":"Cancel render"}[$parameter["operation"]] }}',
	description: 'Render a NemoVideo session’s timeline to MP4, wait for it, and download the video',
	defaults: { name: 'NemoVideo Export' },
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
					name: 'Cancel',
					value: 'cancel',
					action: 'Cancel a render',
					description: 'Stop a running render',
				},
				{
					name: 'Download',
					value: 'download',
					action: 'Download a rendered video',
					description: 'Fetch a finished render’s MP4 into a binary field, by render ID or URL',
				},
				{
					name: 'Get Status',
					value: 'getStatus',
					action: 'Get the status of a render',
					description: 'Check a render once: status, progress and, when completed, its URL',
				},
				{
					name: 'Render',
					value: 'render',
					action: 'Render a video',
					description: 'Render the session’s current timeline to MP4 (free), wait for it and return the video',
				},
			],
			default: 'render',
		},
		...render.description,
		...getStatus.description,
		...download.description,
		...cancel.description,
	],
};

export const operations = {
	render: render.execute,
	getStatus: getStatus.execute,
	download: download.execute,
	cancel: cancel.execute,
};
