import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

/** The fields of Measure Video; what each figure means is in docs/measure-video.md. */
const fields: INodeProperties[] = [
	{
		displayName: 'Video',
		name: 'videoInput',
		type: 'options',
		options: [
			{ name: 'Binary Field', value: 'binary', description: 'An MP4 (or MOV, WebM…) in a binary field of the item' },
			{ name: 'URL', value: 'url', description: 'An address the video can be downloaded from' },
		],
		default: 'binary',
	},
	{
		displayName: 'Video Binary Field',
		name: 'videoBinaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { videoInput: ['binary'] } },
		description: 'The binary field holding the video, e.g. data from NemoVideo Export Render or Read Files from Disk',
	},
	{
		displayName: 'Video URL',
		name: 'videoUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/video.mp4',
		displayOptions: { show: { videoInput: ['url'] } },
		description: 'The video to measure, e.g. the URL of NemoVideo Export Render or of another generator’s output',
	},
	{
		displayName: 'Source Images',
		name: 'sourceInput',
		type: 'options',
		options: [
			{
				name: 'Binary Fields',
				value: 'binary',
				description: 'The image(s) the video was made from, in binary fields of the item',
			},
			{ name: 'URLs', value: 'url', description: 'The image(s) the video was made from, as addresses' },
			{ name: 'None', value: 'none', description: 'Skip fidelity (SSIM, PSNR); measure the video alone' },
		],
		default: 'binary',
		description:
			'What the video is compared with: the first frame with the first image, and every image with its best-matching frame',
	},
	{
		displayName: 'Image Binary Fields',
		name: 'sourceBinaryProperties',
		type: 'string',
		default: 'image',
		required: true,
		placeholder: 'image, image2',
		displayOptions: { show: { sourceInput: ['binary'] } },
		description: 'One binary field name per source image, in order, separated by commas',
	},
	{
		displayName: 'Image URLs',
		name: 'sourceUrls',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'https://example.com/1.jpg\nhttps://example.com/2.jpg',
		displayOptions: { show: { sourceInput: ['url'] } },
		description: 'One URL per source image, in order, one per line',
	},
	{
		displayName: 'Expected Duration (Seconds)',
		name: 'expectedDurationSeconds',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 0,
		description: 'The duration the request asked for, to compare with the video’s; 0 to not check',
	},
	{
		displayName: 'Expected Resolution',
		name: 'expectedResolution',
		type: 'string',
		default: '',
		placeholder: '1920x1080',
		description: 'The resolution the request asked for (WIDTHxHEIGHT); empty to not check',
	},
	{
		displayName: 'Expected Frame Rate',
		name: 'expectedFrameRate',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 3 },
		default: 0,
		description: 'The frame rate the request asked for (frames per second, ±0.1); 0 to not check',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Duration Tolerance (Seconds)',
				name: 'durationToleranceSeconds',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 0.5,
				description: 'How far the duration may be from Expected Duration and still match',
			},
			{
				displayName: 'FFmpeg Path',
				name: 'ffmpegPath',
				type: 'string',
				default: '',
				placeholder: '/usr/bin/ffmpeg',
				description:
					'The ffmpeg binary, or the folder holding ffmpeg and ffprobe. Empty: ffmpeg and ffprobe from the PATH of the n8n process.',
			},
			{
				displayName: 'Image Fit',
				name: 'fit',
				type: 'options',
				options: [
					{
						name: 'Contain (Letterbox)',
						value: 'contain',
						description:
							'Image scaled to fit inside the frame, aspect kept, centred; only the area it covers is compared',
					},
					{
						name: 'Cover (Crop)',
						value: 'cover',
						description: 'Image scaled to fill the frame, aspect kept, centred and cropped',
					},
					{ name: 'Stretch', value: 'stretch', description: 'Image scaled to the frame’s size, aspect ignored' },
				],
				default: 'contain',
				description: 'How a source image whose aspect differs from the video’s is laid onto the frame before comparing',
			},
			{
				displayName: 'Include Input Fields',
				name: 'includeInputFields',
				type: 'boolean',
				default: true,
				description:
					'Whether the output keeps the input item’s fields (e.g. renderId, the video URL, or a label naming the generator or prompt variant) beside the measurement; the measurement’s own fields (quality, sources, temporal, video, request, run, analysis, summary) replace input fields of the same name',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 600,
				description: 'Longest time one video may take to download and measure; ffmpeg is stopped after it',
			},
		],
	},
];

export const properties = updateDisplayOptions({ show: { operation: ['measure'] } }, fields);
