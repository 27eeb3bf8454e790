import type { INodeTypeDescription } from 'n8n-workflow';

import { ICON } from '../../shared/descriptions';
import * as measure from './measure.operation';
import * as report from './report.operation';

export const versionDescription: INodeTypeDescription = {
	displayName: 'NemoVideo Measure Video',
	name: 'nemoVideoMeasureVideo',
	icon: ICON,
	group: ['transform'],
	version: 1,
	subtitle: '={{ $parameter.operation === "report" ? "Build report" : "Measure" }}',
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
				{
					name: 'Build Report',
					value: 'report',
					action: 'Build a report of measured videos',
					description:
						'One item with a table (CSV) of all measured items and a bar chart (SVG) of one metric, by group and series',
				},
			],
			default: 'measure',
		},
		...measure.description,
		...report.description,
	],
};

export const operations = { measure: measure.execute, report: report.execute };
