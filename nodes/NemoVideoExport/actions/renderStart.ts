import { randomBytes } from 'node:crypto';

import {
	isCancellation,
	NemoVideoError,
	rephrased,
	startRender,
	type NemoVideoClient,
	type RenderJob,
} from '../../shared/transport';
import { cancelQuietly, type CancelOutcome } from './common';

export interface Submitted {
	renderId: string;
	job: RenderJob;
	/** Date.now() just before the submit that was accepted. */
	submittedAt: number;
}

/** A render ID unique per attempt: `render_<time base36>_<random>`. */
function newRenderId(): string {
	return `render_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
}

function isDuplicateId(error: unknown): boolean {
	return (
		error instanceof NemoVideoError &&
		error.kind === 'request' &&
		/duplicate|already exists|\bexists\b/i.test(error.message)
	);
}

/**
 * Starts the render; a "render id already exists" answer gets a new ID and one more try. A start
 * that got no answer may still have started the render, so it is cancelled (see unansweredStart).
 */
export async function submit(
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
			if (isCancellation(error, client.cancelSignal)) {
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
async function unansweredStart(
	client: NemoVideoClient,
	error: NemoVideoError,
	renderId: string,
): Promise<NemoVideoError> {
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
	return rephrased(error, `Starting render ${renderId} got no answer: ${error.message}; ${outcome.text}`, {
		hint: hints[outcome.result],
	});
}
