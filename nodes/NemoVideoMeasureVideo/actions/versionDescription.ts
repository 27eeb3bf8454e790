import type { INodeTypeDescription } from 'n8n-workflow';

import { ICON } from '../../shared/descriptions';
import * as measure from './measure.operation';

export const versionDescription: INodeTypeDescription = {
	displayName: 'NemoVideo Measure Video',
	name: 'nemoVideoMeasureVideo',
	icon: ICON,
	group: ['transform'],
	version: 1,
	subtitle: 'Measure',
	description:
		'Measure any video against its source images with standard metrics (SSIM, PSNR, flicker, motion, frozen and black frames, sharpness, bitrate), using the host’s ffmpeg',
	defaults: { name: 'Measure Video' },
	inputs: ['main'],
	outputs: ['main'],
	properties: [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Measure',
					value: 'measure',
					action: 'Measure a video',
					description: 'Fidelity to the source images, temporal quality, sharpness and bitrate of one video per item',
				},
			],
			default: 'measure',
		},
		...measure.description,
	],
};

export const operations = { measure: measure.execute };
