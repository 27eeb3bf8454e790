import type { EditEvent } from './editEvents';
import { DEFAULT_MAX_EVENT_CHARS } from './sse';
import { ToolCallLog, type ToolCallRecord } from './editTools';

/**
 * Folds the meaning of an edit's events (`EditEvent`s, from `editEvents.ts`) into one typed
 * result, keeping memory bounded however long the stream runs: only the reply text (capped), a
 * bounded list of tool events and counters are kept. No decoding, no I/O and no n8n here.
 *
 * The two dialects' text: typed `text` chunks are concatenated into one message; ADK partial
 * chunks likewise, and the following final text replaces them (so nothing is doubled); chunks never
 * followed by a final text are kept as they are. Messages of distinct turns (text before and after
 * tool work, or a dialect change) are joined with a blank line.
 */

export interface EditStreamLimits {
	/** Longest reply kept (UTF-16 code units); beyond it the reply is cut and `replyTruncated` set. */
	maxReplyChars: number;
	/** Tool events kept: the most recent ones; older ones are only counted (`toolCallsOmitted`). */
	maxToolEvents: number;
	/** Largest JSON kept for one tool call's arguments or result; larger ones become a preview. */
	maxPayloadChars: number;
	/** Agent error messages kept. */
	maxErrors: number;
	/**
	 * Longest single event buffered while waiting for its end (`readEditStream`): a stream that
	 * passes it ends as `cut`, with the reason.
	 */
	maxEventChars: number;
}

export const DEFAULT_EDIT_STREAM_LIMITS: EditStreamLimits = {
	maxReplyChars: 1_000_000,
	maxToolEvents: 50,
	maxPayloadChars: 4_000,
	maxErrors: 5,
	maxEventChars: DEFAULT_MAX_EVENT_CHARS,
};

export interface EditStreamCounts {
	/** SSE events received (data events; comments are counted apart). */
	events: number;
	/** `{"type":"text"}` chunks. */
	textChunks: number;
	/** ADK `partial: true` text chunks. */
	partialChunks: number;
	/** ADK non-partial events carrying text. */
	finalTexts: number;
	toolCalls: number;
	toolResults: number;
	heartbeats: number;
	emptyData: number;
	comments: number;
	/** Agent error events. */
	errors: number;
	/** Valid JSON of a shape not listed above. */
	other: number;
	/** Data that is not JSON. */
	invalid: number;
	/** Messages (turns) of text the agent sent. */
	messages: number;
	/** Length of all message text, including any cut from the reply. */
	textChars: number;
}

export interface EditStreamResult {
	/** The agent's text, messages joined by a blank line; '' when it sent none. */
	reply: string;
	replyTruncated: boolean;
	/** True when the agent sent no text at all (about 30% of edits). */
	silent: boolean;
	toolCalls: ToolCallRecord[];
	toolCallsOmitted: number;
	agentErrors: string[];
	counts: EditStreamCounts;
}

const MESSAGE_SEPARATOR = '\n\n';

export class EditReplyFold {
	readonly limits: EditStreamLimits;
	private readonly counts: EditStreamCounts = {
		events: 0,
		textChunks: 0,
		partialChunks: 0,
		finalTexts: 0,
		toolCalls: 0,
		toolResults: 0,
		heartbeats: 0,
		emptyData: 0,
		comments: 0,
		errors: 0,
		other: 0,
		invalid: 0,
		messages: 0,
		textChars: 0,
	};
	private reply = '';
	private replyTruncated = false;
	/** The message being assembled from chunks, already cut to what the reply can still take. */
	private pending = '';
	private pendingChars = 0;
	private pendingKind: 'none' | 'typed' | 'partial' = 'none';
	private readonly tools: ToolCallLog;
	private readonly agentErrors: string[] = [];

	constructor(limits: Partial<EditStreamLimits> = {}) {
		this.limits = { ...DEFAULT_EDIT_STREAM_LIMITS, ...limits };
		this.tools = new ToolCallLog(this.limits);
	}

	/** Counts what needs no event (an SSE event, empty data, a comment, data that is not JSON…). */
	tally(count: keyof EditStreamCounts, by = 1): void {
		this.counts[count] += by;
	}

	/** The events of one SSE event; `size` (its length) bounds the tool payloads kept. */
	apply(events: EditEvent[], size: number): void {
		for (const event of events) this.applyOne(event, size);
	}

	/** Ends the fold (keeps chunks never followed by a final text) and returns the result. */
	result(): EditStreamResult {
		this.flush();
		return {
			reply: this.reply,
			replyTruncated: this.replyTruncated,
			silent: this.counts.messages === 0,
			toolCalls: this.tools.records(),
			toolCallsOmitted: this.tools.omitted,
			agentErrors: [...this.agentErrors],
			counts: { ...this.counts },
		};
	}

	private applyOne(event: EditEvent, size: number): void {
		switch (event.kind) {
			case 'typedText':
				this.counts.textChunks++;
				if (this.pendingKind === 'partial') this.flush();
				this.pendingKind = 'typed';
				this.append(event.text);
				return;
			case 'partialText':
				this.counts.partialChunks++;
				if (this.pendingKind === 'typed') this.flush();
				this.pendingKind = 'partial';
				this.append(event.text);
				return;
			case 'finalText':
				this.counts.finalTexts++;
				// The final text replaces the partial chunks of the same message (an empty one does not).
				if (this.pendingKind === 'typed' || event.text === '') this.flush();
				this.discardPending();
				this.pendingKind = 'partial';
				this.append(event.text);
				this.flush();
				return;
			case 'toolCall':
				// A typed tool call ends a typed message: the text after it is the next turn.
				if (event.dialect === 'typed' && this.pendingKind === 'typed') this.flush();
				this.counts.toolCalls++;
				this.tools.call(event.name, event.args, event.id, size);
				return;
			case 'toolResult':
				this.flush();
				this.counts.toolResults++;
				this.tools.result(event.name, event.result, event.id, size);
				return;
			case 'heartbeat':
				this.counts.heartbeats++;
				return;
			case 'agentError':
				this.counts.errors++;
				if (this.agentErrors.length < this.limits.maxErrors) this.agentErrors.push(event.message.slice(0, 1000));
				return;
			case 'other':
				this.counts.other++;
				return;
		}
	}

	private append(text: string): void {
		this.pendingChars += text.length;
		const room = this.room();
		if (this.pending.length >= room) {
			if (text.length > 0) this.replyTruncated = true;
			return;
		}
		if (this.pending.length + text.length > room) {
			this.pending += text.slice(0, room - this.pending.length);
			this.replyTruncated = true;
		} else {
			this.pending += text;
		}
	}

	/** Characters the pending message may still take, the separator before it included. */
	private room(): number {
		const separator = this.reply.length > 0 ? MESSAGE_SEPARATOR.length : 0;
		return Math.max(0, this.limits.maxReplyChars - this.reply.length - separator);
	}

	private flush(): void {
		if (this.pendingKind !== 'none' && this.pendingChars > 0) {
			this.counts.messages++;
			this.counts.textChars += this.pendingChars;
			if (this.pending.length > 0) {
				this.reply += (this.reply.length > 0 ? MESSAGE_SEPARATOR : '') + this.pending;
			}
		}
		this.discardPending();
	}

	private discardPending(): void {
		this.pending = '';
		this.pendingChars = 0;
		this.pendingKind = 'none';
	}
}
