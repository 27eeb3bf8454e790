import type { INodeTypeDescription } from 'n8n-workflow';

import { CREDENTIALS, ICON } from '../../shared/descriptions';
import * as upload from './upload.operation';

export const versionDescription: INodeTypeDescription = {
	displayName: 'NemoVideo Upload',
	name: 'nemoVideoUpload',
	icon: ICON,
	group: ['transform'],
	version: 1,
	subtitle: '={{ $parameter["source"] === "url" ? "Upload from URLs" : "Upload binary files" }}',
	description:
		'Upload images, video or audio into a NemoVideo session, from binary data or from URLs (AI agent tools: use URLs)',
	defaults: { name: 'NemoVideo Upload' },
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
					name: 'Upload',
					value: 'upload',
					action: 'Upload files to a session',
					description: 'Send files (binary data, or URLs NemoVideo downloads) into a session; returns their CDN URLs and media details',
				},
			],
			default: 'upload',
		},
		...upload.description,
	],
};

export const operations = { upload: upload.execute };
