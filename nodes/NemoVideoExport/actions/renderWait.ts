import type { IDataObject } from 'n8n-workflow';

import {
	canceledError,
	getRender,
	isCancellation,
	NemoVideoError,
	type NemoVideoClient,
	type RenderJob,
} from '../../shared/transport';
import { adaptiveSchedule, pollUntilDone } from '../../shared/transport/renderPolling';
import { cancelQuietly, explainRenderLookup, FINAL_RENDER_STATUSES, type CancelOutcome } from './common';
import type { Submitted } from './renderStart';

/** One status request may take this long (the transport retries it inside this budget). */
const POLL_TIMEOUT_MS = 15_000;
/** Status polls that may fail in a row (each already retried by the transport) before giving up. */
const TOLERATED_POLL_FAILURES = 2;
const TRANSIENT = new Set(['network', 'server', 'timeout', 'protocol', 'rateLimit']);
const TRAIL_LIMIT = 50;

export interface Finished {
	job: RenderJob;
	polls: number;
	elapsedMs: number;
	trail: IDataObject[];
}

/**
 * Polls until the render is final. A failed render, a render cancelled elsewhere, the max wait, a
 * status check that fails for good and a stopped execution all end in an error naming the render;
 * the last three cancel it on NemoVideo first (best effort), so no render runs on unwatched.
 */
export async function waitForRender(
	client: NemoVideoClient,
	submitted: Submitted,
	maxWaitMs: number,
): Promise<Finished> {
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
		if (isCancellation(error, client.cancelSignal)) {
			const outcome = await cancelQuietly(client, renderId);
			throw canceledError(
				`The execution was canceled while render ${renderId} was running; ${outcome.text}`,
				'The workflow was stopped or timed out. Nothing more will be downloaded.',
			);
		}
		throw await pollGaveUp(client, error, renderId);
	}

	if (!result.final) {
		const outcome = await cancelQuietly(client, renderId);
		const last = result.last;
		const where = last
			? ` (last status: ${last.status}${last.progress !== undefined ? `, ${last.progress}%` : ''})`
			: '';
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

/**
 * The status checks failed for good (repeated 5xx or network errors, or an answer such as 1002),
 * while the render may still be running: it is cancelled (best effort, like on Max Wait) and the
 * error names it and says what the cancel found. An unknown render ID gets its own words.
 */
async function pollGaveUp(client: NemoVideoClient, error: unknown, renderId: string): Promise<unknown> {
	const lookup = explainRenderLookup(error, renderId);
	if (lookup !== error || !(error instanceof NemoVideoError)) return lookup;
	const outcome = await cancelQuietly(client, renderId);
	const again = 'Rendering costs no credits, so running the Render again is free.';
	const afterCancel: Record<CancelOutcome['result'], string> = {
		cancelled: `The node cancelled render ${renderId} rather than leave it running unwatched. ${again}`,
		ended: /already completed/i.test(outcome.text)
			? `Render ${renderId} had finished: NemoVideo Export → Download with render ID ${renderId} gets the video.`
			: `Render ${renderId} had already ended. ${again}`,
		notFound: `NemoVideo no longer knows render ${renderId}, so nothing is left running. ${again}`,
		failed: `Render ${renderId} may still be running on NemoVideo: check it later with NemoVideo Export → Get Status (render ID ${renderId}); Download gets the video if it finished, Cancel stops it.`,
	};
	const transient = TRANSIENT.has(error.kind);
	const what = transient
		? `NemoVideo's status checks of render ${renderId} kept failing`
		: `NemoVideo refused the status check of render ${renderId}`;
	const base = transient
		? 'If this keeps happening, check the network between n8n and NemoVideo and the Base URL.'
		: error.hint;
	return new NemoVideoError(`${what}: ${error.message}; ${outcome.text}`, {
		kind: error.kind,
		hint: `${afterCancel[outcome.result]} ${base}`,
		httpStatus: error.httpStatus,
		code: error.code,
		method: error.method,
		path: error.path,
	});
}
