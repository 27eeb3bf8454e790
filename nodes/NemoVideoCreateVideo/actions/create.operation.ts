import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorItemJson, toNodeError } from '../../shared/nodeErrors';
import { inFlight, withSharedBackOff } from '../../shared/inFlight';
import type { BatchOperation } from '../../shared/router';
import { isToolRun } from '../../shared/toolRun';
import { isCancellation, type NemoVideoClient } from '../../shared/transport';
import type { Check } from './checks';
import { prepareImages, type ItemImages } from './images';
import { makeVideo, type OnMismatch, type VideoJob, type VideoResult } from './pipeline';
import { readRequest, requestJson } from './request';

/**
 * Photos in, MP4 out: every item's images and settings are checked first (nothing is sent for a
 * bad item); then one video is made from all items (default) or one per item.
 */

export interface Prepared {
	images: ItemImages;
	job: Omit<VideoJob, 'images'>;
	mode: 'one' | 'perItem';
	/** One Video per Item: how many of the items' videos are made at once (Options → Videos in Flight) */
	videosInFlight: number;
}

function readJob(ctx: IExecuteFunctions, itemIndex: number): Omit<VideoJob, 'images'> {
	const toolRun = isToolRun(ctx);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const onMismatch = ctx.getNodeParameter('onMismatch', itemIndex, 'warn') as OnMismatch;
	const output = toolRun ? 'url' : (ctx.getNodeParameter('output', itemIndex, 'both') as VideoJob['output']);
	const outputField =
		output === 'url' ? 'data' : String(ctx.getNodeParameter('outputBinaryField', itemIndex, 'data')).trim();
	if (outputField === '') {
		throw new NodeOperationError(ctx.getNode(), 'Put Output File in Field is empty', {
			itemIndex,
			description: 'Enter the name of the binary field the MP4 should go to, e.g. data, or set Output to URL Only.',
		});
	}
	const renderMaxWaitSeconds = Number(options.renderMaxWaitSeconds ?? 600);
	if (!Number.isFinite(renderMaxWaitSeconds) || renderMaxWaitSeconds <= 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Render Max Wait (Seconds) must be more than 0, not ${String(options.renderMaxWaitSeconds)}`,
			{
				itemIndex,
				description: 'Set Options → Render Max Wait (Seconds) e.g. to 600, or remove the option.',
			},
		);
	}
	return {
		itemIndex,
		request: readRequest(ctx, itemIndex),
		onMismatch: ['warn', 'fail', 'correct'].includes(onMismatch) ? onMismatch : 'warn',
		output,
		outputField,
		fileName: typeof options.fileName === 'string' ? options.fileName : '',
		renderMaxWaitSeconds,
		taskName: (typeof options.taskName === 'string' && options.taskName.trim()) || 'n8n video',
	};
}

export const execute: BatchOperation<Prepared> = {
	async prepare(this: IExecuteFunctions, itemIndex: number, client: NemoVideoClient): Promise<Prepared> {
		const job = readJob(this, itemIndex);
		const images = await prepareImages(this, itemIndex, client);
		const mode = this.getNodeParameter('mode', itemIndex, 'one') === 'perItem' ? 'perItem' : 'one';
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const videosInFlight = Math.max(1, Math.floor(Number(options.videosInFlight ?? 1)) || 1);
		return { images, job, mode, videosInFlight };
	},

	batchKey(this: IExecuteFunctions, prepared: Prepared): string | undefined {
		if (prepared.mode === 'one') return 'one video';
		// several videos at once: the items go to one send, which runs them through the pool
		return prepared.videosInFlight > 1 ? `videos in flight: ${prepared.videosInFlight}` : undefined;
	},

	async send(
		this: IExecuteFunctions,
		batch: Array<{ itemIndex: number; prepared: Prepared }>,
		client: NemoVideoClient,
	): Promise<INodeExecutionData[][]> {
		if (batch[0].prepared.mode === 'perItem' && batch.length > 1) return await videosInFlight(this, batch, client);
		return [await oneVideo.call(this, batch, client)];
	},
};

/**
 * One video per item, several at once: each item its own session, edit and render; outputs in input
 * order, each paired with its item; a 429 seen by one makes the others wait the same Retry-After.
 * A failed item fails the node (after the videos already being made finish) unless it continues on fail.
 */
async function videosInFlight(
	ctx: IExecuteFunctions,
	batch: Array<{ itemIndex: number; prepared: Prepared }>,
	client: NemoVideoClient,
): Promise<INodeExecutionData[][]> {
	const shared = withSharedBackOff(client);
	const continueOnFail = ctx.continueOnFail();
	const settled = await inFlight(
		batch,
		batch[0].prepared.videosInFlight,
		async (entry) => await oneVideo.call(ctx, [entry], shared),
		{
			stopOnError: !continueOnFail,
		},
	);
	const asNodeError = (error: unknown, itemIndex: number) =>
		toNodeError(ctx.getNode(), error, itemIndex, (text) => client.redact(text));
	return settled.map((outcome, position) => {
		if (outcome.ok) return outcome.value;
		if ('skipped' in outcome) return [];
		const cancelled = isCancellation(outcome.error, ctx.getExecutionCancelSignal());
		const failed = settled.findIndex((other) => !other.ok && 'error' in other);
		if (!continueOnFail || cancelled) {
			const first = settled[failed] as { error: unknown };
			throw asNodeError(cancelled ? outcome.error : first.error, batch[cancelled ? position : failed].itemIndex);
		}
		return [
			{
				json: errorItemJson(asNodeError(outcome.error, batch[position].itemIndex)),
				pairedItem: { item: batch[position].itemIndex },
			},
		];
	});
}

/** The video of the batch's items (all items, or one item in One Video per Item mode). */
async function oneVideo(
	this: IExecuteFunctions,
	batch: Array<{ itemIndex: number; prepared: Prepared }>,
	client: NemoVideoClient,
): Promise<INodeExecutionData[]> {
	const { job } = batch[0].prepared;
	const result = await makeVideo(this, { ...job, images: batch.map((entry) => entry.prepared.images) }, client);
	const failed = result.checks.filter((check) => !check.pass);
	if (failed.length > 0 && job.onMismatch === 'fail') {
		throw new NodeOperationError(
			this.getNode(),
			`The video is not what was asked: ${failed.map(describeCheck).join('; ')}`,
			{
				itemIndex: job.itemIndex,
				description: `The edit and render were done (session ${result.sessionId}, render ${String(result.rendered.json.renderId)}); they are not repeated. Set On Mismatch to "Correct Once" to send one correction edit, or to "Warn" to keep the video.`,
			},
		);
	}
	const item = isToolRun(this) ? toolItem(result, failed) : outputItem(result, failed, job);
	item.pairedItem =
		batch.length === 1 ? { item: batch[0].itemIndex } : batch.map((entry) => ({ item: entry.itemIndex }));
	return [item];
}

function describeCheck(check: Check): string {
	return `${check.name}: asked ${check.asked}, got ${check.got}`;
}

function outputItem(result: VideoResult, failed: Check[], job: Omit<VideoJob, 'images'>): INodeExecutionData {
	const rendered = result.rendered.json;
	const last = result.edits[result.edits.length - 1];
	const json: IDataObject = {
		sessionId: result.sessionId,
		renderId: rendered.renderId,
		status: rendered.status,
		...(rendered.url !== undefined ? { url: rendered.url } : {}),
		...(rendered.fileName !== undefined ? { fileName: rendered.fileName, mimeType: rendered.mimeType } : {}),
		fileSizeBytes: rendered.fileSizeBytes ?? null,
		summary: summaryOf(result, failed),
		allChecksPass: failed.length === 0,
		checks: result.checks,
		request: requestJson(job.request),
		instruction: result.instruction,
		reply: last.stream.reply,
		timeline: {
			summary: result.timeline.summary,
			durationSeconds: result.timeline.durationSeconds,
			width: result.timeline.width ?? null,
			height: result.timeline.height ?? null,
			title: result.timeline.title ?? null,
		},
		edits: result.edits.length,
		credits: { neededForFirstEdit: result.creditsNeeded, availableBefore: result.creditsAvailable },
		uploadedFiles: result.uploadedFiles,
		metrics: rendered.metrics,
	};
	if (result.correction) json.correction = result.correction;
	if (result.correctionSkipped) json.correctionSkipped = result.correctionSkipped;
	if (failed.length > 0) json.warning = `Not what was asked: ${failed.map(describeCheck).join('; ')}`;
	return { json, ...(result.rendered.binary ? { binary: result.rendered.binary } : {}) };
}

function summaryOf(result: VideoResult, failed: Check[]): string {
	const checks =
		failed.length === 0
			? 'every check passed'
			: `${failed.length} check(s) failed: ${failed.map(describeCheck).join('; ')}`;
	const corrected = result.correction ? ' after one correction edit' : '';
	return `${String(result.rendered.json.summary)}. ${result.timeline.summary}; ${checks}${corrected}.`;
}

/** What an AI agent gets: the URL and a short summary. */
function toolItem(result: VideoResult, failed: Check[]): INodeExecutionData {
	return {
		json: {
			url: result.rendered.json.url ?? null,
			renderId: result.rendered.json.renderId ?? null,
			sessionId: result.sessionId,
			summary: summaryOf(result, failed),
			allChecksPass: failed.length === 0,
		},
	};
}
