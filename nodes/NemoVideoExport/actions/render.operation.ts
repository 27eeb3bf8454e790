import { randomBytes } from 'node:crypto';

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
import {
	getRender,
	getSessionState,
	NemoVideoError,
	startRender,
	type NemoVideoClient,
	type RenderJob,
} from '../../shared/transport';
import { adaptiveSchedule, pollUntilDone } from '../../shared/transport/renderPolling';
import { sessionIdParameter } from '../../shared/validation';
import {
	binaryPropertyParameter,
	binaryPropertyProperty,
	cancelQuietly,
	describeVideo,
	explainRenderLookup,
	fileNameFor,
	FINAL_RENDER_STATUSES,
	fileNameOption,
	isCancelled,
	storeRenderedVideo,
	videoMetrics,
	type CancelOutcome,
	type StoredVideo,
} from './common';

const DEFAULT_MAX_WAIT_SECONDS = 600;
/** One status request may take this long (the transport retries it inside this budget). */
const POLL_TIMEOUT_MS = 15_000;
/** Status polls that may fail in a row (each already retried by the transport) before giving up. */
const TOLERATED_POLL_FAILURES = 2;
const TRANSIENT = new Set(['network', 'server', 'timeout', 'protocol', 'rateLimit']);
const TRAIL_LIMIT = 50;

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
		return [{ json: { renderId: submitted.renderId, status: 'completed', url: url ?? null, durationSeconds: video?.durationSeconds ?? null, summary } }];
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
		if (stored.fallbackReason) json.downloadNote = `The result URL failed (${stored.fallbackReason}); the video came from NemoVideo's download endpoint.`;
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

interface Submitted {
	renderId: string;
	job: RenderJob;
	/** Date.now() just before the submit that was accepted. */
	submittedAt: number;
}

/** A render ID unique per attempt: `render_<time base36>_<random>`. */
export function newRenderId(): string {
	return `render_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
}

function isDuplicateId(error: unknown): boolean {
	return error instanceof NemoVideoError && error.kind === 'request' && /duplicate|already exists|\bexists\b/i.test(error.message);
}

/**
 * Starts the render; a "render id already exists" answer gets a new ID and one more try. A start
 * that got no answer may still have started the render, so it is cancelled (see unansweredStart).
 */
async function submit(
	client: NemoVideoClient,
	input: { sessionId: string; draft: unknown; format: string; quality: string },
): Promise<Submitted> {
	for (let attempt = 1; ; attempt++) {
		const renderId = newRenderId();
		const submittedAt = Date.now();
		try {
			const job = await startRender(client, { renderId, ...input });
			return { renderId, job, submittedAt };
		} catch (error) {
			if (attempt < 2 && isDuplicateId(error)) continue;
			if (isCancelled(client, error)) {
				// The submit may have reached NemoVideo before the stop: do not leave a render behind.
				await cancelQuietly(client, renderId);
				throw error;
			}
			if (error instanceof NemoVideoError && (error.kind === 'network' || error.kind === 'timeout')) {
				throw await unansweredStart(client, error, renderId);
			}
			throw error;
		}
	}
}

/**
 * A start that broke off or timed out may or may not have reached NemoVideo, and the render's ID
 * is not in any answer or session state the user could look at. The node makes one best-effort
 * cancel so that no render runs on unwatched, and names the render ID and the outcome.
 */
async function unansweredStart(client: NemoVideoClient, error: NemoVideoError, renderId: string): Promise<NemoVideoError> {
	const outcome = await cancelQuietly(client, renderId);
	const again = 'Run the Render again (export costs no credits).';
	const hints: Record<CancelOutcome['result'], string> = {
		notFound: `Render ${renderId} had not started when the node checked, so most likely nothing is running. ${again} If in doubt, NemoVideo Export → Get Status with render ID ${renderId} shows whether it appeared later.`,
		cancelled: `The start had reached NemoVideo; the node cancelled render ${renderId} rather than leave it running unwatched. ${again}`,
		ended: /already completed/i.test(outcome.text)
			? `Render ${renderId} finished anyway: NemoVideo Export → Download with render ID ${renderId} gets the video. Or run the Render again.`
			: again,
		failed: `Render ${renderId} may still be running on NemoVideo: check it with NemoVideo Export → Get Status (render ID ${renderId}) and stop it with Cancel if it is not wanted, or run the Render again (export costs no credits). If this keeps happening, check the network between n8n and NemoVideo.`,
	};
	return new NemoVideoError(`Starting render ${renderId} got no answer: ${error.message}; ${outcome.text}`, {
		kind: error.kind,
		hint: hints[outcome.result],
		httpStatus: error.httpStatus,
		code: error.code,
		method: error.method,
		path: error.path,
	});
}

interface Finished {
	job: RenderJob;
	polls: number;
	elapsedMs: number;
	trail: IDataObject[];
}

/**
 * Polls until the render is final. A failed render, a render cancelled elsewhere, the max wait and
 * a stopped execution all end in an error; the last two cancel the render on NemoVideo first.
 */
async function waitForRender(client: NemoVideoClient, submitted: Submitted, maxWaitMs: number): Promise<Finished> {
	const { renderId } = submitted;
	const trail: IDataObject[] = [];
	const note = (job: RenderJob, ms: number) => {
		trail.push({ ms, status: job.status, progress: job.progress ?? null });
		if (trail.length > TRAIL_LIMIT) trail.splice(1, 1); // keep the first and the latest readings
	};
	note(submitted.job, 0);

	let result;
	try {
		result = await pollUntilDone<RenderJob>({
			poll: async () => await getRender(client, renderId, { timeoutMs: POLL_TIMEOUT_MS }),
			wait: async (ms) => await client.wait(ms),
			now: Date.now,
			schedule: adaptiveSchedule(),
			maxWaitMs,
			startedAt: submitted.submittedAt,
			first: submitted.job,
			observe: (job) => ({ final: FINAL_RENDER_STATUSES.has(job.status), progress: job.progress, status: job.status }),
			onPoll: note,
			tolerate: (error, failures) =>
				error instanceof NemoVideoError && TRANSIENT.has(error.kind) && failures <= TOLERATED_POLL_FAILURES,
		});
	} catch (error) {
		if (isCancelled(client, error)) {
			const outcome = await cancelQuietly(client, renderId);
			throw new NemoVideoError(`The execution was canceled while render ${renderId} was running; ${outcome.text}`, {
				kind: 'cancelled',
				hint: 'The workflow was stopped or timed out. Nothing more will be downloaded.',
			});
		}
		throw explainRenderLookup(error, renderId);
	}

	if (!result.final) {
		const outcome = await cancelQuietly(client, renderId);
		const last = result.last;
		const where = last ? ` (last status: ${last.status}${last.progress !== undefined ? `, ${last.progress}%` : ''})` : '';
		throw new NemoVideoError(
			`The render did not finish within ${Math.round(maxWaitMs / 1000)} s${where}; ${outcome.text}`,
			{
				kind: 'timeout',
				hint: 'Raise Options → Max Wait (Seconds), or turn off Wait for Completion and check later with Get Status (e.g. after a Wait node). Rendering costs no credits, so running it again is free.',
			},
		);
	}
	const job = result.value;
	if (job.status === 'failed') {
		throw new NemoVideoError(`NemoVideo could not render the video: ${job.error ?? 'no reason given'}`, {
			kind: 'render',
			hint: `Render ${renderId} failed on NemoVideo’s side. Check the timeline with NemoVideo Session → Get State, change it with NemoVideo Edit if needed, and render again (export costs no credits).`,
		});
	}
	if (job.status !== 'completed') {
		throw new NemoVideoError(`Render ${renderId} was cancelled on NemoVideo before it finished`, {
			kind: 'render',
			hint: 'Someone or something cancelled it (e.g. a NemoVideo Export "Cancel" step). Run the Render again.',
		});
	}
	return { job, polls: result.polls, elapsedMs: result.elapsedMs, trail };
}

