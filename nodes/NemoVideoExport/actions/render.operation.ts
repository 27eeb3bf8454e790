import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { sessionIdProperty } from '../../shared/descriptions';
import { summarizeDraft, type TimelineSummary } from '../../shared/timeline';
import { isToolRun } from '../../shared/toolRun';
import { getSessionState, type NemoVideoClient } from '../../shared/transport';
import { sessionIdParameter } from '../../shared/validation';
import { submit } from './renderStart';
import { waitForRender } from './renderWait';
import {
	binaryPropertyParameter,
	binaryPropertyProperty,
	describeVideo,
	fileNameFor,
	fileNameOption,
	storeRenderedVideo,
	videoMetrics,
	type StoredVideo,
} from './common';

const DEFAULT_MAX_WAIT_SECONDS = 600;

const properties: INodeProperties[] = [
	sessionIdProperty,
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the video is ready and return it. Turn off to return the render ID at once and check later with Get Status (e.g. after a Wait node).',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'Binary File and URL',
				value: 'both',
				description: 'Download the MP4 into a binary field and also return its URL',
			},
			{
				name: 'Binary File Only',
				value: 'binary',
				description: 'Download the MP4 into a binary field; leave the (signed) URL out of the output',
			},
			{
				name: 'URL Only',
				value: 'url',
				description: 'Return the URL without downloading; fastest, and what AI agents get',
			},
		],
		default: 'both',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		...binaryPropertyProperty,
		displayOptions: { show: { waitForCompletion: [true], output: ['both', 'binary'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			fileNameOption,
			{
				displayName: 'Format',
				name: 'format',
				type: 'options',
				options: [{ name: 'MP4 (H.264)', value: 'mp4' }],
				default: 'mp4',
				description: 'Container and codec of the rendered file',
			},
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_WAIT_SECONDS,
				description:
					'How long to wait for the render before cancelling it on NemoVideo and failing the item. Renders usually take 30–90 seconds.',
			},
			{
				displayName: 'Quality',
				name: 'quality',
				type: 'options',
				options: [
					{ name: 'High', value: 'high' },
					{ name: 'Medium', value: 'medium' },
					{ name: 'Low', value: 'low' },
				],
				default: 'high',
				description: 'Render quality sent to NemoVideo ("high" is the documented value; output is 1080p by default)',
			},
		],
	},
];

const displayOptions: IDisplayOptions = { show: { operation: ['render'] } };

export const description = updateDisplayOptions(displayOptions, properties);

interface RenderOptions {
	fileName?: string;
	format?: string;
	maxWaitSeconds?: number;
	quality?: string;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
): Promise<INodeExecutionData[]> {
	const sessionId = sessionIdParameter(this, itemIndex);
	const waitForCompletion = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const toolRun = isToolRun(this);
	const output = !waitForCompletion || toolRun ? 'url' : (this.getNodeParameter('output', itemIndex, 'both') as string);
	const binaryPropertyName = output === 'url' ? undefined : binaryPropertyParameter(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as RenderOptions;
	const maxWaitSeconds = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
	if (!Number.isFinite(maxWaitSeconds) || maxWaitSeconds <= 0) {
		throw new NodeOperationError(this.getNode(), `Max Wait (Seconds) must be more than 0, not ${maxWaitSeconds}`, {
			itemIndex,
			description: 'Set Options → Max Wait (Seconds) to how long the node may wait, e.g. 600 for 10 minutes.',
		});
	}

	// Render the draft as it is now, and refuse one with nothing on it before sending anything.
	const state = await getSessionState(client, sessionId);
	const timeline = summarizeDraft(state.draft);
	if (!timeline.readyToExport) throw notReady(this, timeline, itemIndex);

	const submitted = await submit(client, {
		sessionId,
		draft: state.draft,
		format: options.format || 'mp4',
		quality: options.quality || 'high',
	});
	const base: IDataObject = { renderId: submitted.renderId, sessionId, timeline: timeline.summary };
	if (!waitForCompletion) {
		return [
			{
				json: {
					...base,
					status: submitted.job.status,
					progress: submitted.job.progress ?? 0,
					summary: `Render ${submitted.renderId} started; check it with Get Status.`,
				},
			},
		];
	}

	const done = await waitForRender(client, submitted, maxWaitSeconds * 1000);
	const url = done.job.url;
	let stored: StoredVideo | undefined;
	if (output !== 'url') {
		const fileName = fileNameFor(options.fileName, `${submitted.renderId}.mp4`);
		stored = await storeRenderedVideo(this, client, { url, renderId: submitted.renderId }, fileName);
	}
	const bytes = stored?.bytes ?? done.job.sizeBytes;
	const video = stored?.video ?? { durationSeconds: done.job.durationSeconds };
	const seconds = Math.round(done.elapsedMs / 100) / 10;
	const what = describeVideo(video, bytes);
	const summary = `Render ${submitted.renderId} is ready${what ? ` (${what})` : ''} after ${seconds} s${url && output !== 'binary' ? `: ${url}` : ''}`;

	if (toolRun) {
		return [
			{
				json: {
					renderId: submitted.renderId,
					status: 'completed',
					url: url ?? null,
					durationSeconds: video?.durationSeconds ?? null,
					summary,
				},
			},
		];
	}

	const json: IDataObject = {
		...base,
		status: 'completed',
		progress: 100,
		fileSizeBytes: bytes ?? null,
		summary,
		metrics: {
			submitToCompletionMs: done.elapsedMs,
			polls: done.polls,
			bytes: stored?.bytes ?? null,
			downloadMs: stored?.downloadMs ?? null,
			downloadSource: stored?.downloadSource ?? null,
			...videoMetrics(stored),
			...(stored ? {} : { durationSeconds: done.job.durationSeconds ?? null }),
			progressTrail: done.trail,
		},
	};
	if (output !== 'binary') json.url = url ?? null;
	if (stored) {
		json.fileName = stored.binary.fileName ?? null;
		json.mimeType = stored.binary.mimeType;
		if (stored.fallbackReason)
			json.downloadNote = `The result URL failed (${stored.fallbackReason}); the video came from NemoVideo's download endpoint.`;
		return [{ json, binary: { [binaryPropertyName as string]: stored.binary } }];
	}
	return [{ json }];
}

function notReady(ctx: IExecuteFunctions, timeline: TimelineSummary, itemIndex: number): NodeOperationError {
	const fix =
		'Add media with NemoVideo Upload and describe the video with NemoVideo Edit first, then render. NemoVideo Session → Get State shows readyToExport.';
	if (timeline.tracks.length === 0) {
		return new NodeOperationError(ctx.getNode(), 'Nothing to render yet: the session’s timeline has no tracks', {
			itemIndex,
			description: fix,
		});
	}
	return new NodeOperationError(
		ctx.getNode(),
		`Nothing to render yet: the session’s timeline has ${timeline.tracks.length} track(s) but no clips on them (${timeline.summary})`,
		{ itemIndex, description: fix },
	);
}
