import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runEdit, type EditReport } from '../../NemoVideoEdit/actions/runEdit';
import {
	IDLE_TIMEOUT_MS,
	incompleteEditError,
	MAX_WAIT_MINUTES,
} from '../../NemoVideoEdit/actions/sendPrompt.operation';
import { execute as render } from '../../NemoVideoExport/actions/render.operation';
import { summarizeDraft, type TimelineSummary } from '../../shared/timeline';
import { createSession, getSessionState, type NemoVideoClient } from '../../shared/transport';
import { checkResult, correctionFor, type Check } from './checks';
import { withParameters } from './context';
import { checkCredits, notEnoughCredits } from './credits';
import { uploadImages, type ItemImages } from './images';
import { CORRECTION_CREDITS, creditsFor, instructionFor, type VideoRequest } from './request';

/**
 * One video, end to end: credits check → session → upload (one request) → edit (sent once) →
 * check the timeline against the request → (Correct: one correction edit) → render → check the MP4.
 */

export type OnMismatch = 'warn' | 'fail' | 'correct';

export interface VideoJob {
	itemIndex: number;
	request: VideoRequest;
	images: ItemImages[];
	onMismatch: OnMismatch;
	output: 'both' | 'binary' | 'url';
	outputField: string;
	fileName: string;
	renderMaxWaitSeconds: number;
	taskName: string;
}

export interface VideoResult {
	sessionId: string;
	instruction: string;
	edits: EditReport[];
	correction?: string;
	correctionSkipped?: string;
	creditsNeeded: number;
	creditsAvailable: number;
	uploadedFiles: IDataObject[];
	timeline: TimelineSummary;
	rendered: INodeExecutionData;
	checks: Check[];
}

const EDIT_WAIT_MS = MAX_WAIT_MINUTES * 60_000;

async function edit(
	client: NemoVideoClient,
	sessionId: string,
	prompt: string,
): Promise<{ report: EditReport; timeline: TimelineSummary }> {
	const report = await runEdit(client, { sessionId, prompt, maxWaitMs: EDIT_WAIT_MS, idleTimeoutMs: IDLE_TIMEOUT_MS });
	if (report.end !== 'complete') throw incompleteEditError(report, EDIT_WAIT_MS);
	const timeline = report.after ?? summarizeDraft((await getSessionState(client, sessionId)).draft);
	return { report, timeline };
}

function failedChecks(checks: Check[]): Check[] {
	return checks.filter((check) => !check.pass);
}

export async function makeVideo(ctx: IExecuteFunctions, job: VideoJob, client: NemoVideoClient): Promise<VideoResult> {
	const imageCount = job.images.reduce((sum, images) => sum + images.count, 0);
	if (job.request.animate && imageCount !== 1) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Animate Single Image needs exactly one image; this video has ${imageCount}`,
			{
				itemIndex: job.itemIndex,
				description:
					'Give one image (or set Videos to "One Video per Item"), or turn Animate Single Image off to make a slideshow.',
			},
		);
	}
	const needed = creditsFor(job.request);
	const credits = await checkCredits(client, needed);
	if (!credits.enough)
		throw notEnoughCredits(ctx, job.itemIndex, credits, job.request.animate ? 'an animated clip' : 'one edit');

	const { sessionId } = await createSession(client, { taskName: job.taskName, language: 'en' });
	const uploadedFiles = await uploadImages(ctx, job.images, sessionId, client);
	const instruction = instructionFor(job.request, imageCount);
	const first = await edit(client, sessionId, instruction);
	const edits = [first.report];
	let timeline = first.timeline;

	// Before rendering: what the timeline says (duration, canvas, music, title).
	let checks = checkResult(job.request, { timeline });
	let correction: string | undefined;
	let correctionSkipped: string | undefined;
	if (job.onMismatch === 'correct' && failedChecks(checks).length > 0) {
		const again = await checkCredits(client, CORRECTION_CREDITS);
		if (again.enough) {
			correction = correctionFor(job.request, failedChecks(checks));
			const fixed = await edit(client, sessionId, correction);
			edits.push(fixed.report);
			timeline = fixed.timeline;
		} else {
			correctionSkipped = `not enough credits for the correction edit (about ${CORRECTION_CREDITS} needed, ${again.available} available). ${again.fix}`;
		}
	}

	const overlay = withParameters(ctx, {
		sessionId,
		waitForCompletion: true,
		output: job.output,
		binaryPropertyName: job.outputField,
		options: { fileName: job.fileName, maxWaitSeconds: job.renderMaxWaitSeconds, quality: 'high' } as IDataObject,
	});
	const [rendered] = await render.call(overlay, job.itemIndex, client);

	// After rendering: the file's own duration and size where the video was downloaded.
	const metrics = (rendered.json.metrics ?? {}) as IDataObject;
	const downloaded = rendered.binary !== undefined;
	const video = {
		durationSeconds: (metrics.durationSeconds ?? rendered.json.durationSeconds ?? null) as number | null,
		width: downloaded ? ((metrics.width ?? null) as number | null) : null,
		height: downloaded ? ((metrics.height ?? null) as number | null) : null,
		source: downloaded ? ('mp4' as const) : ('render' as const),
	};
	checks = checkResult(job.request, { timeline, video });
	return {
		sessionId,
		instruction,
		edits,
		correction,
		correctionSkipped,
		creditsNeeded: needed,
		creditsAvailable: credits.available,
		uploadedFiles,
		timeline,
		rendered,
		checks,
	};
}
