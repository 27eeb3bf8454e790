import { isRecord } from './envelope';
import { editEvents, isPlainPartialText } from './editEvents';
import { EditReplyFold, type EditStreamLimits, type EditStreamResult } from './editFold';
import type { SseMessage } from './sse';

/**
 * SSE messages in, the folded result out: decodes each event, has `editEvents` read it and
 * `EditReplyFold` fold it. Feed it messages with `add`, read the result with `result()` at the end.
 *
 * Decoding JSON is nearly all the cost of the fold, and ADK partial chunks are usually thrown away
 * when their final text arrives. So an event that is exactly a plain ADK partial text chunk
 * (`isPlainPartialText`, checked without decoding) is kept as raw text, bounded, and decoded only
 * if no final text replaces it. Reply, tool calls and counts come out the same as when every
 * event is decoded (a malformed chunk that a final replaces counts as a chunk).
 */
export class EditStreamFold {
	private readonly fold: EditReplyFold;
	/** Raw ADK partial chunks not decoded yet. */
	private deferred: string[] = [];
	private deferredChars = 0;

	constructor(limits: Partial<EditStreamLimits> = {}) {
		this.fold = new EditReplyFold(limits);
	}

	add(message: SseMessage): void {
		const data = message.data;
		this.fold.tally('events');
		if (data === '') return this.fold.tally('emptyData');
		if (data === HEARTBEAT) return this.fold.tally('heartbeats');
		if (this.defers(data)) {
			this.deferred.push(data);
			this.deferredChars += data.length;
			if (this.deferredChars > this.fold.limits.maxReplyChars) this.decodeDeferred();
			return;
		}
		const value = this.decode(data);
		if (value === undefined) return;
		const events = editEvents(value);
		if (this.deferred.length > 0) {
			if (events.some((event) => event.kind === 'finalText' && event.text !== '')) {
				// Replaced by this final text: the chunks never need decoding.
				this.fold.tally('partialChunks', this.deferred.length);
				this.deferred = [];
				this.deferredChars = 0;
			} else {
				this.decodeDeferred();
			}
		}
		this.fold.apply(events, data.length);
	}

	comment(): void {
		this.fold.tally('comments');
	}

	/** Ends the fold (decodes chunks still waiting for a final text) and returns the result. */
	result(): EditStreamResult {
		this.decodeDeferred();
		return this.fold.result();
	}

	/** Whether an event may wait undecoded (the tests' reference overrides it to decode them all). */
	protected defers(data: string): boolean {
		return isPlainPartialText(data);
	}

	private decode(data: string): Record<string, unknown> | undefined {
		let value: unknown;
		try {
			value = JSON.parse(data);
		} catch {
			this.fold.tally('invalid');
			return undefined;
		}
		if (isRecord(value)) return value;
		this.fold.tally('other');
		return undefined;
	}

	private decodeDeferred(): void {
		const deferred = this.deferred;
		this.deferred = [];
		this.deferredChars = 0;
		for (const data of deferred) {
			const value = this.decode(data);
			if (value !== undefined) this.fold.apply(editEvents(value), data.length);
		}
	}
}

const HEARTBEAT = '{"type":"heartbeat"}';
