import { pipeline } from 'node:stream/promises';

import type { IBinaryData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { requiredText } from '../../shared/validation';
import {
	cancelRender,
	canceledError,
	isCancellation,
	NemoVideoError,
	openDownload,
	rephrased,
	type NemoVideoClient,
	type OpenedStream,
} from '../../shared/transport';
import { formatBytes } from '../../shared/formatBytes';
import { mp4InfoTap, type VideoInfo } from '../../shared/transport/mp4Info';

import { binaryStoreLimitError } from './binaryStoreLimit';

/** Download limits: a stalled transfer fails after a minute of silence; a slow one may take an hour. */
const DOWNLOAD_LIMITS = { timeoutMs: 60 * 60_000, idleTimeoutMs: 60_000 };

/** Render statuses that do not change any more; both spellings of cancelled, as services vary. */
export const FINAL_RENDER_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'canceled']);

export const renderIdProperty: INodeProperties = {
	displayName: 'Render ID',
	name: 'renderId',
	type: 'string',
	required: true,
	default: '={{ $json.renderId }}',
	placeholder: 'e.g. render_m3x1k2_9f1c2d3e4a5b',
	description: 'The render to work on, usually from a NemoVideo Export "Render" step (renderId field)',
};

export const binaryPropertyProperty: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	required: true,
	default: 'data',
	hint: 'The name of the output binary field to put the video in',
};

export const fileNameOption: INodeProperties = {
	displayName: 'File Name',
	name: 'fileName',
	type: 'string',
	default: '',
	placeholder: 'e.g. product-video.mp4',
	description: 'Name of the stored video file. Default: the render ID with .mp4.',
};

const RENDER_ID_FIX = 'Wire in the renderId from a NemoVideo Export "Render" step, e.g. {{ $json.renderId }}.';

/** The item's Render ID. NemoVideo's render IDs are `render_<unique>`: anything else is refused before a request is sent. */
export function renderIdParameter(ctx: IExecuteFunctions, itemIndex: number): string {
	const renderId = requiredText(ctx, 'renderId', itemIndex, 'Render ID', RENDER_ID_FIX);
	if (!/^render_[\w-]+$/.test(renderId)) {
		throw new NodeOperationError(ctx.getNode(), `Render ID "${renderId.slice(0, 80)}" is not a NemoVideo render ID`, {
			itemIndex,
			description: `Render IDs look like render_mwramila_82063a8b1641. ${RENDER_ID_FIX}`,
		});
	}
	return renderId;
}

export function binaryPropertyParameter(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredText(
		ctx,
		'binaryPropertyName',
		itemIndex,
		'Put Output File in Field',
		'Enter the name of the binary field the video should go to, e.g. data.',
	);
}

export function fileNameFor(raw: unknown, fallback: string): string {
	const name = typeof raw === 'string' ? raw.trim() : '';
	if (name === '') return fallback;
	return /\.[a-z0-9]{2,4}$/i.test(name) ? name : `${name}.mp4`;
}

export interface StoredVideo {
	binary: IBinaryData;
	bytes: number;
	downloadMs: number;
	/** Which address gave the file: the result URL, or the authenticated download endpoint. */
	downloadSource: 'url' | 'downloadEndpoint';
	/** Why the result URL was not used, when the endpoint was. */
	fallbackReason?: string;
	video?: VideoInfo;
	videoInfoError?: string;
}

/**
 * Streams a finished render into n8n's binary store, reading its MP4 header on the way. Tries the
 * result URL first; when that fails before any byte arrives and the render ID is known, uses the
 * authenticated download endpoint instead.
 */
export async function storeRenderedVideo(
	ctx: IExecuteFunctions,
	client: NemoVideoClient,
	source: { url?: string; renderId?: string },
	fileName: string,
): Promise<StoredVideo> {
	const started = Date.now();
	let opened: OpenedStream | undefined;
	let downloadSource: StoredVideo['downloadSource'] = 'url';
	let fallbackReason: string | undefined;
	if (source.url) {
		try {
			opened = await openDownload(client, { url: source.url }, DOWNLOAD_LIMITS);
		} catch (error) {
			if (!source.renderId || isCancellation(error, client.cancelSignal)) throw error;
			fallbackReason = client.redact((error as Error)?.message ?? String(error));
		}
	}
	if (!opened) {
		if (!source.renderId) throw new TypeError('storeRenderedVideo needs a URL or a render ID');
		downloadSource = 'downloadEndpoint';
		opened = await openDownload(client, { renderId: source.renderId }, DOWNLOAD_LIMITS);
	}

	const tap = mp4InfoTap();
	const mimeType = /^video\//i.test(opened.contentType) ? opened.contentType.split(';')[0].trim() : 'video/mp4';
	let binary: IBinaryData;
	try {
		[binary] = await Promise.all([
			ctx.helpers.prepareBinaryData(tap.stream, fileName, mimeType),
			pipeline(opened.body, tap.stream),
		]);
	} catch (error) {
		opened.body.destroy();
		tap.stream.destroy();
		throw binaryStoreLimitError(error, tap.bytes()) ?? transferError(client, error, tap.bytes());
	}
	const header = tap.result();
	return {
		binary,
		bytes: tap.bytes(),
		downloadMs: Date.now() - started,
		downloadSource,
		fallbackReason,
		video: header.info,
		videoInfoError: header.reason,
	};
}

/** The video's own figures, flat, for the metrics object (null when the header was unreadable). */
export function videoMetrics(stored: StoredVideo | undefined): IDataObject {
	const video = stored?.video;
	const metrics: IDataObject = {
		durationSeconds: video?.durationSeconds ?? null,
		width: video?.width ?? null,
		height: video?.height ?? null,
		frameRate: video?.frameRate ?? null,
		codec: video?.codec ?? null,
		codecName: video?.codecName ?? null,
		videoBitrateKbps: video?.videoBitrateKbps ?? null,
		audioCodec: video?.audioCodec ?? null,
	};
	if (stored?.videoInfoError) metrics.videoInfoError = stored.videoInfoError;
	return metrics;
}

/** e.g. `10 s H.264 1920x1080 25 fps, 28.6 KB`. */
export function describeVideo(video: Partial<VideoInfo> | undefined, bytes: number | undefined): string {
	const parts: string[] = [];
	if (video?.durationSeconds !== undefined) parts.push(`${video.durationSeconds} s`);
	if (video?.codecName) parts.push(video.codecName);
	if (video?.width && video.height) parts.push(`${video.width}x${video.height}`);
	if (video?.frameRate) parts.push(`${video.frameRate} fps`);
	const size = bytes === undefined ? '' : formatBytes(bytes);
	return [parts.join(' '), size].filter((part) => part !== '').join(', ');
}

/** One attempt, so that a stopped execution settles within about a second. */
const CANCEL_TIMEOUT_MS = 1000;

export interface CancelOutcome {
	/** cancelled: it was running and is now cancelled; notFound: NemoVideo has no such render. */
	result: 'cancelled' | 'ended' | 'notFound' | 'failed';
	/** What happened, in words for an error message. */
	text: string;
}

/**
 * Cancels a render without being stopped by the execution's cancel signal (it may be the reason
 * for cancelling): one attempt within CANCEL_TIMEOUT_MS. Never throws: says what happened. Spelled
 * "cancelled" like NemoVideo's status on purpose: n8n marks an execution as canceled (not failed)
 * when its error message contains "canceled", which a max-wait timeout must not do.
 */
export async function cancelQuietly(client: NemoVideoClient, renderId: string): Promise<CancelOutcome> {
	try {
		await cancelRender(client.detached(CANCEL_TIMEOUT_MS), renderId);
		return { result: 'cancelled', text: `the node cancelled render ${renderId} on NemoVideo` };
	} catch (error) {
		const message = client.redact((error as Error)?.message ?? String(error));
		if (/already (completed|failed|cancelled)/i.test(message)) {
			return { result: 'ended', text: `render ${renderId} had already ended on NemoVideo (${message})` };
		}
		if (error instanceof NemoVideoError && (error.httpStatus === 404 || /render not found/i.test(error.message))) {
			return { result: 'notFound', text: `NemoVideo had no render ${renderId} to cancel` };
		}
		return {
			result: 'failed',
			text: `cancelling render ${renderId} on NemoVideo failed (${message}); it may still finish there`,
		};
	}
}

/** Better words for "render not found" (unknown ID, or one made with another credential). */
export function explainRenderLookup(error: unknown, renderId: string): unknown {
	if (!(error instanceof NemoVideoError)) return error;
	if (error.httpStatus !== 404 && !/render not found/i.test(error.message)) return error;
	// About the Render ID, not the call: the failed call's method, path and retry delay are left out.
	return rephrased(error, `NemoVideo has no render "${renderId}"`, {
		kind: 'request',
		retryAfterMs: undefined,
		method: undefined,
		path: undefined,
		hint: error.tokenReplaced
			? 'The credential’s anonymous token was rejected (expired or revoked) and replaced during this run. The new token belongs to a new NemoVideo user, which cannot see renders started with the old one: render the video again (NemoVideo Session → Create, then Upload, Edit and Export).'
			: 'Check the Render ID: it must come from a NemoVideo Export "Render" step run with the same NemoVideo credential (renders of other accounts are not visible).',
	});
}

/** A failure while the file was streaming into the binary store, in words a user can act on. */
function transferError(client: NemoVideoClient, error: unknown, bytes: number): NemoVideoError {
	if (isCancellation(error, client.cancelSignal)) {
		return canceledError(
			'The execution was canceled while the video was downloading',
			'The workflow was stopped or timed out; the partial file was dropped.',
		);
	}
	if (error instanceof NemoVideoError) return error;
	const code = (error as { code?: string })?.code ?? '';
	const reason = client.redact((error as Error)?.message ?? String(error));
	const timeout = code === 'UND_ERR_BODY_TIMEOUT' || /timeout/i.test(`${code} ${reason}`);
	return new NemoVideoError(
		`The video download ${timeout ? 'stalled' : 'broke'} after ${formatBytes(bytes)}: ${reason}`,
		{
			kind: timeout ? 'timeout' : 'network',
			hint: 'The render is still available on NemoVideo: run the Download operation with its render ID to fetch it again.',
		},
	);
}
