import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { isToolRun } from '../../shared/toolRun';
import { getRender, NemoVideoError, type NemoVideoClient } from '../../shared/transport';
import { checkUrl } from '../../shared/urls';
import { requiredText } from '../../shared/validation';
import {
	binaryPropertyParameter,
	binaryPropertyProperty,
	describeVideo,
	explainRenderLookup,
	fileNameFor,
	fileNameOption,
	renderIdParameter,
	renderIdProperty,
	storeRenderedVideo,
	videoMetrics,
} from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Download By',
		name: 'downloadBy',
		type: 'options',
		options: [
			{
				name: 'Render ID',
				value: 'renderId',
				description: 'Look the render up; falls back to the authenticated download endpoint if its URL fails',
			},
			{ name: 'URL', value: 'url', description: 'Fetch a video URL as it is' },
		],
		default: 'renderId',
	},
	{ ...renderIdProperty, displayOptions: { show: { downloadBy: ['renderId'] } } },
	{
		displayName: 'Video URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '={{ $json.url }}',
		placeholder: 'e.g. https://cdn.example.com/renders/render_x.mp4',
		description: 'Address of the rendered video, e.g. from a "Render" or "Get Status" step',
		displayOptions: { show: { downloadBy: ['url'] } },
	},
	binaryPropertyProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [fileNameOption],
	},
];

const displayOptions: IDisplayOptions = { show: { operation: ['download'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
): Promise<INodeExecutionData[]> {
	const downloadBy = this.getNodeParameter('downloadBy', itemIndex, 'renderId') as string;
	const toolRun = isToolRun(this);
	const binaryPropertyName = toolRun ? 'data' : binaryPropertyParameter(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as { fileName?: string };

	let renderId: string | undefined;
	let url: string | undefined;
	if (downloadBy === 'url') {
		const raw = requiredText(
			this,
			'url',
			itemIndex,
			'Video URL',
			'Wire in the url field of a NemoVideo Export "Render" or "Get Status" step.',
		);
		url = requireHttpUrl(this, raw, itemIndex);
	} else {
		renderId = renderIdParameter(this, itemIndex);
		let job;
		try {
			job = await getRender(client, renderId);
		} catch (error) {
			throw explainRenderLookup(error, renderId);
		}
		if (job.status !== 'completed') {
			const progress = job.progress !== undefined ? `, ${job.progress}%` : '';
			throw new NemoVideoError(`Render ${renderId} is not finished (status: ${job.status}${progress})`, {
				kind: 'render',
				hint:
					job.status === 'failed'
						? `It failed on NemoVideo (${job.error ?? 'no reason given'}): render again.`
						: 'Wait until Get Status says completed (e.g. with a Wait node), or use Render with Wait for Completion on.',
			});
		}
		url = job.url;
	}

	if (toolRun) {
		return [
			{
				json: {
					renderId: renderId ?? null,
					url: url ?? null,
					summary: url
						? `The video is at ${url}`
						: `Render ${renderId} is ready; download it in a workflow (no URL was given).`,
				},
			},
		];
	}

	const fallbackName = renderId
		? `${renderId}.mp4`
		: (url && decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '')) || 'video.mp4';
	const stored = await storeRenderedVideo(this, client, { url, renderId }, fileNameFor(options.fileName, fallbackName));
	const json: IDataObject = {
		renderId: renderId ?? null,
		url: url ?? null,
		fileName: stored.binary.fileName ?? null,
		mimeType: stored.binary.mimeType,
		fileSizeBytes: stored.bytes,
		summary: `Downloaded ${describeVideo(stored.video, stored.bytes)}`,
		metrics: {
			bytes: stored.bytes,
			downloadMs: stored.downloadMs,
			downloadSource: stored.downloadSource,
			...videoMetrics(stored),
		},
	};
	if (stored.fallbackReason)
		json.downloadNote = `The result URL failed (${stored.fallbackReason}); the video came from NemoVideo's download endpoint.`;
	return [{ json, binary: { [binaryPropertyName]: stored.binary } }];
}

function requireHttpUrl(ctx: IExecuteFunctions, value: string, itemIndex: number): string {
	const check = checkUrl(value, { anyFile: true });
	if (check.ok) return check.url;
	if (check.reason === 'percentEscape') {
		throw new NodeOperationError(
			ctx.getNode(),
			`Video URL has a malformed percent-escape ("${check.bad}"): "${value}"`,
			{
				itemIndex,
				description:
					'Correct the Video URL: write a literal % as %25, or wire in the url field of a NemoVideo Export "Render" or "Get Status" step unchanged.',
			},
		);
	}
	throw new NodeOperationError(ctx.getNode(), `Video URL is not a web address: "${value}"`, {
		itemIndex,
		description:
			'Enter the http(s) URL of the rendered video, e.g. the url field of a NemoVideo Export "Render" or "Get Status" step.',
	});
}
