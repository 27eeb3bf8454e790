import { describeTimelineChange, summarizeDraft, type TimelineSummary } from '../../shared/timeline';
import {
	EditStreamFold,
	getSessionState,
	NemoVideoError,
	openEditStream,
	readEditStream,
	type EditStreamEnd,
	type EditStreamLimits,
	type EditStreamResult,
	type NemoVideoClient,
} from '../../shared/transport';

/**
 * One edit, end to end, without n8n: reads the timeline, sends the prompt once (never repeated:
 * a message may take effect even when its stream breaks), folds the stream, and reads the
 * timeline again to say what changed. Tests call it with short limits; the node with its own.
 */

export interface EditInput {
	sessionId: string;
	prompt: string;
	/** Overall deadline of the stream (the service's own limit is 15 minutes). */
	maxWaitMs: number;
	/** Longest silence (no byte at all, heartbeats included) before the stream counts as broken. */
	idleTimeoutMs: number;
	limits?: Partial<EditStreamLimits>;
}

export type EditEnd = EditStreamEnd | 'unexpectedAnswer';

export interface EditReport {
	sessionId: string;
	stream: EditStreamResult;
	end: EditEnd;
	/** Why the stream did not complete. */
	endReason?: string;
	bytes: number;
	durationMs: number;
	before: TimelineSummary;
	/** The timeline after the edit; undefined when it could not be read (see `stateError`). */
	after?: TimelineSummary;
	stateError?: string;
	/** What changed between before and after, in words; empty when nothing visible changed. */
	changes: string[];
}

export async function runEdit(client: NemoVideoClient, input: EditInput): Promise<EditReport> {
	const startedAt = Date.now();
	// Read first: an unknown session fails here (1002) before anything is sent, and a silent edit
	// can be described by comparing with this.
	const before = summarizeDraft((await getSessionState(client, input.sessionId)).draft);

	let brokenBeforeStream: { end: EditEnd; reason: string } | undefined;
	const sentAt = Date.now();
	let opened: Awaited<ReturnType<typeof openEditStream>>;
	try {
		opened = await openEditStream(client, {
			sessionId: input.sessionId,
			prompt: input.prompt,
			maxWaitMs: input.maxWaitMs,
			idleTimeoutMs: input.idleTimeoutMs,
		});
	} catch (error) {
		// Refusals (credits, session, token…) are answers: nothing was done. A broken connection or
		// a missing answer is not: the prompt may have arrived, so report it like a cut stream.
		if (error instanceof NemoVideoError && error.kind === 'server') {
			// A failing gateway may answer after the agent already took the prompt.
			throw new NemoVideoError(error.message, {
				kind: error.kind,
				httpStatus: error.httpStatus,
				code: error.code,
				method: error.method,
				path: error.path,
				hint: 'The prompt may or may not have been applied. It was not sent again: check the timeline (NemoVideo Session → Get State) before sending it again.',
			});
		}
		if (!(error instanceof NemoVideoError) || (error.kind !== 'network' && error.kind !== 'timeout')) throw error;
		opened = {};
		const overdue = Date.now() - sentAt >= input.maxWaitMs;
		brokenBeforeStream = {
			end: error.kind === 'network' ? 'cut' : overdue ? 'maxWait' : 'idle',
			reason: error.message,
		};
	}

	let stream: EditStreamResult;
	let end: EditEnd = 'complete';
	let endReason: string | undefined;
	let bytes = 0;
	if (brokenBeforeStream) {
		stream = new EditStreamFold(input.limits).result();
		end = brokenBeforeStream.end;
		endReason = brokenBeforeStream.reason;
	} else if (opened.stream && /html|xml/i.test(opened.stream.contentType)) {
		// A proxy's page, not the agent: the prompt may still have reached NemoVideo.
		await opened.stream.body.dump().catch(() => undefined);
		stream = new EditStreamFold(input.limits).result();
		end = 'unexpectedAnswer';
		endReason = `NemoVideo answered with ${opened.stream.contentType.split(';')[0]} (HTTP ${opened.stream.status}) instead of an event stream`;
	} else if (opened.stream) {
		const outcome = await readEditStream(opened.stream.body, {
			cancelSignal: client.cancelSignal,
			limits: input.limits,
		});
		stream = outcome.result;
		end = outcome.end;
		endReason = outcome.reason === undefined ? undefined : client.redact(outcome.reason);
		bytes = outcome.bytes;
	} else {
		// A JSON success answer instead of a stream: the edit was accepted without any event.
		stream = new EditStreamFold(input.limits).result();
	}

	let after: TimelineSummary | undefined;
	let stateError: string | undefined;
	try {
		after = summarizeDraft((await getSessionState(client, input.sessionId)).draft);
	} catch (error) {
		if (error instanceof NemoVideoError && error.kind === 'cancelled') throw error;
		stateError = client.redact(error instanceof Error ? error.message : String(error));
	}

	return {
		sessionId: input.sessionId,
		stream,
		end,
		endReason,
		bytes,
		durationMs: Date.now() - startedAt,
		before,
		after,
		stateError,
		changes: after ? describeTimelineChange(before, after) : [],
	};
}
