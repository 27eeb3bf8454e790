import type { IExecuteFunctions, INodeTypeDescription } from 'n8n-workflow';

import { CREDENTIALS, ICON, oneRequestPerItemOption, withOption, withToolDefaults } from '../../shared/descriptions';
import { oncePerGroup, optionsForKey } from '../../shared/router';
import { sessionIdParameter } from '../../shared/validation';
import * as cancel from './cancel.operation';
import * as download from './download.operation';
import * as getStatus from './getStatus.operation';
import * as render from './render.operation';

const renderOncePerItemOption = oneRequestPerItemOption(
	'Whether to start one render for every input item. Off (default): input items with the same Session ID and settings share one render (the timeline is the same), and every one of them gets the video.',
);

export const versionDescription: INodeTypeDescription = {
	displayName: 'NemoVideo Export',
	name: 'nemoVideoExport',
	icon: ICON,
	group: ['output'],
	version: 1,
	subtitle:
		'={{ {"render":"Render video","getStatus":"Get render status","download":"Download video","cancel":"Cancel render"}[$parameter["operation"]] }}',
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
		...withToolDefaults(withOption(render.description, renderOncePerItemOption)),
		...withToolDefaults(getStatus.description),
		...withToolDefaults(download.description),
		...withToolDefaults(cancel.description),
	],
};

/**
 * Render runs once per session among its items (the session's timeline is one video); Options →
 * One Request per Item turns that off.
 */
const renderOncePerSession = oncePerGroup(render.execute, function (this: IExecuteFunctions, itemIndex: number) {
	const waitForCompletion = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const output = waitForCompletion ? this.getNodeParameter('output', itemIndex, 'both') : 'url';
	const field = output === 'url' ? null : this.getNodeParameter('binaryPropertyName', itemIndex, 'data');
	return [sessionIdParameter(this, itemIndex), waitForCompletion, output, field, optionsForKey(this, itemIndex)];
});

export const operations = {
	render: renderOncePerSession,
	getStatus: getStatus.execute,
	download: download.execute,
	cancel: cancel.execute,
};
