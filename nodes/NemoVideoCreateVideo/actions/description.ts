import type { INodeProperties } from 'n8n-workflow';

import { fromAiDefault } from '../../shared/descriptions';
import { DEFAULT_DURATION_SECONDS, MAX_DURATION_SECONDS, MUSIC_GENRES } from './request';

/** The fields of Create Video: where the images are, what the video should be, what to return. */

const imageSource: INodeProperties = {
	displayName: 'Images From',
	name: 'source',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Binary Files',
			value: 'binary',
			description: 'Files carried by the input items (Read Files from Disk, Google Drive, HTTP Request, a form…)',
		},
		{
			name: 'URLs',
			value: 'url',
			description: 'Public http(s) addresses NemoVideo downloads itself; what an AI agent tool uses',
		},
	],
	default: 'binary',
};

const urls: INodeProperties = {
	displayName: 'Image URLs',
	name: 'urls',
	type: 'string',
	typeOptions: { rows: 2 },
	default: '',
	required: true,
	placeholder: 'e.g. https://example.com/photo.jpg',
	displayOptions: { show: { source: ['url'] } },
	description:
		'Public http(s) addresses of the images, one per line or separated by commas; an expression may return an array',
};

export const properties: INodeProperties[] = [
	{ ...imageSource, displayOptions: { show: { '@tool': [false] } } },
	{ ...imageSource, default: 'url', displayOptions: { show: { '@tool': [true] } } },
	{
		displayName: 'Input Binary Fields',
		name: 'inputBinaryFields',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data, image2',
		displayOptions: { show: { source: ['binary'] } },
		description: 'Name of the binary field holding each item’s image, or several names separated by commas',
	},
	{ ...urls, displayOptions: { show: { source: ['url'], '@tool': [false] } } },
	{
		...urls,
		default: fromAiDefault('imageUrls', 'Public http(s) URLs of the images to turn into a video, separated by commas'),
		displayOptions: { show: { source: ['url'], '@tool': [true] } },
	},
	{
		displayName: 'Videos',
		name: 'mode',
		type: 'options',
		options: [
			{
				name: 'One Video From All Items',
				value: 'one',
				description:
					'All input items’ images in one video (one edit, one render); the settings of the first item apply',
			},
			{
				name: 'One Video per Item',
				value: 'perItem',
				description: 'Each input item’s images become their own video (one edit each)',
			},
		],
		default: 'one',
	},
	{
		displayName: 'Duration (Seconds)',
		name: 'durationSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_DURATION_SECONDS, numberPrecision: 1 },
		default: DEFAULT_DURATION_SECONDS,
		description: 'Length of the video',
	},
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: '16:9 Landscape, 1920×1080 (1080p)', value: 'landscape' },
			{ name: '9:16 Vertical, 1080×1920 (Reels, TikTok, Shorts)', value: 'vertical' },
			{ name: '1:1 Square, 1080×1080', value: 'square' },
		],
		default: 'landscape',
	},
	{
		displayName: 'Transitions',
		name: 'transitions',
		type: 'options',
		options: [
			{ name: 'Crossfade', value: 'crossfade' },
			{ name: 'Dissolve', value: 'dissolve' },
			{ name: 'Fade', value: 'fade' },
			{ name: 'None', value: 'none' },
			{ name: 'Slide', value: 'slide' },
		],
		default: 'crossfade',
		description: 'Between the photos of a slideshow',
	},
	{
		displayName: 'Background Music',
		name: 'backgroundMusic',
		type: 'boolean',
		default: false,
		description: 'Whether to add a background music track',
	},
	{
		displayName: 'Music Genre',
		name: 'musicGenre',
		type: 'options',
		options: MUSIC_GENRES.map((genre) => ({ name: genre, value: genre })),
		default: 'Lo-fi',
		displayOptions: { show: { backgroundMusic: [true] } },
	},
	{
		displayName: 'Music Volume (%)',
		name: 'musicVolume',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100 },
		default: 35,
		displayOptions: { show: { backgroundMusic: [true] } },
		description: 'Loudness of the music under the video, in percent',
	},
	{
		displayName: 'Title Text',
		name: 'title',
		type: 'string',
		default: '',
		placeholder: 'e.g. Summer Collection',
		description: 'A title shown at the start of the video; empty: no title',
	},
	{
		displayName: 'Animate Single Image',
		name: 'animate',
		type: 'boolean',
		default: false,
		description:
			'Whether to turn one image into a generated clip with motion (about 100 credits and 100–300 s on NemoVideo) instead of a slideshow (about 50 credits)',
	},
	{
		displayName: 'Additional Instructions',
		name: 'instructions',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'e.g. Start with the close-up photo and keep the colours warm',
		description: 'Free text added after the instruction built from the fields above',
	},
	{
		displayName: 'On Mismatch',
		name: 'onMismatch',
		type: 'options',
		options: [
			{ name: 'Warn', value: 'warn', description: 'Return the video with the failed checks listed (and a warning)' },
			{ name: 'Fail', value: 'fail', description: 'Fail the item, naming each check that failed' },
			{
				name: 'Correct Once',
				value: 'correct',
				description: 'Send one correction edit (about 50 credits more) before rendering, then check again',
			},
		],
		default: 'warn',
		description: 'What to do when the video is not what was asked (duration, resolution, music, title)',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'Binary File and URL', value: 'both' },
			{ name: 'Binary File Only', value: 'binary' },
			{ name: 'URL Only', value: 'url', description: 'Fastest; what AI agents get' },
		],
		default: 'both',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'outputBinaryField',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { output: ['both', 'binary'] } },
		hint: 'The name of the output binary field to put the MP4 in',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. product-video.mp4',
				description: 'Name of the MP4. Default: the render ID with .mp4.',
			},
			{
				displayName: 'Render Max Wait (Seconds)',
				name: 'renderMaxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 600,
				description: 'How long to wait for the render (usually 30–90 s) before cancelling it and failing the item',
			},
			{
				displayName: 'Videos in Flight',
				name: 'videosInFlight',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10 },
				default: 1,
				description:
					'One Video per Item only: how many items’ videos are made at once (each in its own session). Outputs keep the input order; a rate limit (HTTP 429) seen by one makes the others wait too.',
			},
			{
				displayName: 'Task Name',
				name: 'taskName',
				type: 'string',
				default: 'n8n video',
				description: 'Name of the NemoVideo project (session) the video is made in',
			},
		],
	},
];
