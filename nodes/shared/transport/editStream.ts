import { EditStreamFold } from './editDecode';
import { DEFAULT_EDIT_STREAM_LIMITS, type EditStreamLimits, type EditStreamResult } from './editFold';
import { canceledError } from './cancellation';
import { sseMessages } from './sse';

/**
 * How the stream ended: `complete` (the server closed it: the normal end, there is no end event),
 * `cut` (the connection broke, or an event grew past `maxEventChars`), `idle` (nothing at all arrived within the idle limit), `maxWait`
 * (the overall deadline passed).
 */
export type EditStreamEnd = 'complete' | 'cut' | 'idle' | 'maxWait';

export interface EditStreamOutcome {
	result: EditStreamResult;
	end: EditStreamEnd;
	/** Why the stream did not complete (a network error message; never contains a token). */
	reason?: string;
	bytes: number;
}

/**
 * Reads an opened edit stream (socket -> `sseMessages` -> `EditStreamFold`) to its end. A broken,
 * idle or overdue stream is not an exception here: what arrived is returned with `end` saying what
 * happened, because the edit may have taken effect and the caller must report it rather than send
 * the prompt again. Only the execution's cancel signal throws (a `cancelled` NemoVideoError).
 *
 * Idle and overall limits are the transport's (`openEditStream`'s `idleTimeoutMs`, reset by every
 * byte, and `maxWaitMs`); this function tells them apart by the error they cause.
 */
export async function readEditStream(
	body: AsyncIterable<Uint8Array>,
	options: { cancelSignal?: AbortSignal; limits?: Partial<EditStreamLimits> } = {},
): Promise<EditStreamOutcome> {
	const fold = new EditStreamFold(options.limits);
	const counted = { bytes: 0 };
	try {
		const maxEventChars = options.limits?.maxEventChars ?? DEFAULT_EDIT_STREAM_LIMITS.maxEventChars;
		for await (const message of sseMessages(countBytes(body, counted), {
			onComment: () => fold.comment(),
			maxEventChars,
		})) {
			fold.add(message);
		}
		return { result: fold.result(), end: 'complete', bytes: counted.bytes };
	} catch (error) {
		if (options.cancelSignal?.aborted) {
			throw canceledError(
				'The execution was canceled while the edit was streaming',
				'The workflow was stopped or timed out; the stream was closed. The edit may still have been applied: check the session state before sending it again.',
			);
		}
		return { result: fold.result(), end: endOf(error), reason: reasonOf(error), bytes: counted.bytes };
	}
}

async function* countBytes(body: AsyncIterable<Uint8Array>, counted: { bytes: number }): AsyncGenerator<Uint8Array> {
	for await (const chunk of body) {
		counted.bytes += chunk.byteLength;
		yield chunk;
	}
}

function endOf(error: unknown): EditStreamEnd {
	const name = (error as Error)?.name;
	const code = (error as { code?: unknown })?.code;
	if (name === 'TimeoutError') return 'maxWait';
	if (code === 'UND_ERR_BODY_TIMEOUT' || name === 'BodyTimeoutError') return 'idle';
	return 'cut';
}

function reasonOf(error: unknown): string {
	const message = (error as Error)?.message ?? String(error);
	const code = (error as { code?: unknown })?.code;
	return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}
