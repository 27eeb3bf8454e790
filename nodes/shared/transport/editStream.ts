import { isRecord } from './envelope';
import { NemoVideoError } from './errors';
import { DEFAULT_MAX_EVENT_CHARS, sseMessages, type SseMessage } from './sse';

/**
 * Folds the events of an edit's SSE stream (`/run_sse`) into one typed result, keeping memory
 * bounded however long the stream runs: only the reply text (capped), a bounded list of tool
 * events and counters are kept. No I/O and no n8n here; `readEditStream` adds the socket.
 *
 * Shapes understood (see nemovideo-api.md, "The edit stream"):
 * - `{"type":"text","content":"…"}` chunks: concatenated into one message;
 * - ADK events `{"content":{"parts":[{"text":"…"}]},"partial":true}`: incremental chunks; the
 *   following non-partial event carries the full text of that message and replaces the chunks
 *   (so nothing is doubled); chunks never followed by a final event are kept as they are;
 * - tool calls and results: `{"type":"tool_call","name","args"}`, `{"type":"tool_result","name",
 *   "result"}`, ADK `functionCall {id,name,args}` / `functionResponse {id,name,response}` parts;
 * - `{"type":"heartbeat"}`, empty `data:` lines and `: comment` lines (keep-alives);
 * - `{"type":"error"}` or ADK `errorMessage`: kept (a few) as agent errors.
 *
 * Messages of distinct turns (text before and after tool work, or a dialect change) are joined
 * with a blank line.
 *
 * Decoding JSON is nearly all the cost of the fold, and ADK partial chunks are usually thrown away
 * when their final event arrives. So an event that is plainly an ADK partial text chunk (it has
 * `"partial":true` and none of the keys `type`, `function…`, `error…`; inside JSON strings quotes
 * are escaped, so these can only match the event's own keys) is kept as raw text, bounded, and
 * decoded only if no final text replaces it. Reply, tool calls and counts come out the same as
 * when every event is decoded (a malformed chunk that a final replaces counts as a chunk).
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

export interface ToolCallRecord {
	name: string;
	/** ADK function call id, when the stream gives one. */
	id?: string;
	/** `called`: no result seen (yet); `answered`: the result arrived. */
	status: 'called' | 'answered';
	arguments?: unknown;
	result?: unknown;
}

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

const HEARTBEAT = '{"type":"heartbeat"}';
const PARTIAL_FLAG = '"partial":true';
const NOT_A_PLAIN_PARTIAL = /"type"|"function|"error/;
const MESSAGE_SEPARATOR = '\n\n';

type Pending = 'none' | 'typed' | 'partial';

/** The fold itself: feed it messages with `add`, read the result with `result()` at the end. */
export class EditStreamFold {
	private readonly limits: EditStreamLimits;
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
	private pendingKind: Pending = 'none';
	private readonly tools: ToolCallRecord[] = [];
	private readonly toolsById = new Map<string, ToolCallRecord>();
	private toolCallsOmitted = 0;
	private readonly agentErrors: string[] = [];
	/** Raw ADK partial chunks not decoded yet (see the class comment). */
	private deferred: string[] = [];
	private deferredChars = 0;

	private readonly deferPartials: boolean;

	/** `deferPartials: false` decodes every event at once (the reference the tests compare with). */
	constructor(limits: Partial<EditStreamLimits> = {}, options: { deferPartials?: boolean } = {}) {
		this.limits = { ...DEFAULT_EDIT_STREAM_LIMITS, ...limits };
		this.deferPartials = options.deferPartials ?? true;
	}

	add(message: SseMessage): void {
		const data = message.data;
		this.counts.events++;
		if (data === '') {
			this.counts.emptyData++;
			return;
		}
		if (data === HEARTBEAT) {
			this.counts.heartbeats++;
			return;
		}
		if (this.deferPartials && data.includes(PARTIAL_FLAG) && !NOT_A_PLAIN_PARTIAL.test(data)) {
			this.deferred.push(data);
			this.deferredChars += data.length;
			if (this.deferredChars > this.limits.maxReplyChars) this.decodeDeferred();
			return;
		}
		const value = this.decode(data);
		if (value === undefined) return;
		if (this.deferred.length > 0) {
			if (finalText(value) !== undefined) {
				// Replaced by this final text: the chunks never need decoding.
				this.counts.partialChunks += this.deferred.length;
				this.deferred = [];
				this.deferredChars = 0;
			} else {
				this.decodeDeferred();
			}
		}
		this.dispatch(value, data.length);
	}

	comment(): void {
		this.counts.comments++;
	}

	/** Ends the fold (flushes chunks still waiting for a final event) and returns the result. */
	result(): EditStreamResult {
		this.decodeDeferred();
		this.flush();
		return {
			reply: this.reply,
			replyTruncated: this.replyTruncated,
			silent: this.counts.messages === 0,
			toolCalls: this.tools.map((tool) => ({ ...tool })),
			toolCallsOmitted: this.toolCallsOmitted,
			agentErrors: [...this.agentErrors],
			counts: { ...this.counts },
		};
	}

	private decode(data: string): Record<string, unknown> | undefined {
		let value: unknown;
		try {
			value = JSON.parse(data);
		} catch {
			this.counts.invalid++;
			return undefined;
		}
		if (isRecord(value)) return value;
		this.counts.other++;
		return undefined;
	}

	private decodeDeferred(): void {
		const deferred = this.deferred;
		this.deferred = [];
		this.deferredChars = 0;
		for (const data of deferred) {
			const value = this.decode(data);
			if (value !== undefined) this.dispatch(value, data.length);
		}
	}

	private dispatch(value: Record<string, unknown>, size: number): void {
		if (typeof value.type === 'string') this.typed(value, size);
		else if (isRecord(value.content) && Array.isArray(value.content.parts)) this.adk(value, value.content.parts, size);
		else if (!this.agentError(value)) this.counts.other++;
	}

	private typed(value: Record<string, unknown>, size: number): void {
		switch (value.type) {
			case 'text': {
				const text = typeof value.content === 'string' ? value.content : typeof value.text === 'string' ? value.text : undefined;
				if (text === undefined) break;
				this.counts.textChunks++;
				if (this.pendingKind === 'partial') this.flush();
				this.pendingKind = 'typed';
				this.append(text);
				return;
			}
			case 'heartbeat':
				this.counts.heartbeats++;
				return;
			case 'tool_call':
				// A tool call ends a typed message: the text after it is the next turn.
				if (this.pendingKind === 'typed') this.flush();
				this.toolCall(value.name, value.args ?? value.arguments, undefined, size);
				return;
			case 'tool_result':
				this.flush();
				this.toolResult(value.name, value.result ?? value.response ?? value.output, undefined, size);
				return;
			case 'error':
				this.agentError(value);
				return;
		}
		if (!this.agentError(value)) this.counts.other++;
	}

	private adk(value: Record<string, unknown>, parts: unknown[], size: number): void {
		const partial = value.partial === true;
		const text = partsText(parts);
		if (text !== undefined) {
			if (partial) {
				this.counts.partialChunks++;
				if (this.pendingKind === 'typed') this.flush();
				this.pendingKind = 'partial';
				this.append(text);
			} else {
				this.counts.finalTexts++;
				// The final text replaces the partial chunks of the same message (an empty one does not).
				if (this.pendingKind === 'typed' || text === '') this.flush();
				this.discardPending();
				this.pendingKind = 'partial';
				this.append(text);
				this.flush();
			}
		}
		// Partial events may preview function calls; the final event repeats them, so only it counts.
		if (!partial) {
			for (const part of parts) {
				if (!isRecord(part)) continue;
				const call = part.functionCall ?? part.function_call;
				const response = part.functionResponse ?? part.function_response;
				if (isRecord(call)) this.toolCall(call.name, call.args, optionalId(call.id), size);
				if (isRecord(response)) {
					this.flush();
					this.toolResult(response.name, response.response, optionalId(response.id), size);
				}
			}
		}
		const handled = text !== undefined || parts.some((part) => isRecord(part) && (part.functionCall || part.function_call || part.functionResponse || part.function_response));
		if (!this.agentError(value) && !handled) this.counts.other++;
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

	private toolCall(name: unknown, args: unknown, id: string | undefined, size: number): void {
		this.counts.toolCalls++;
		const record: ToolCallRecord = { name: toolName(name), status: 'called' };
		if (id !== undefined) record.id = id;
		if (args !== undefined) record.arguments = this.bounded(args, size);
		this.keep(record);
	}

	private toolResult(name: unknown, result: unknown, id: string | undefined, size: number): void {
		this.counts.toolResults++;
		const wanted = toolName(name);
		let record = id !== undefined ? this.toolsById.get(id) : undefined;
		if (!record) {
			for (let index = this.tools.length - 1; index >= 0; index--) {
				const candidate = this.tools[index];
				if (candidate.status === 'called' && candidate.name === wanted && (id === undefined || candidate.id === undefined)) {
					record = candidate;
					break;
				}
			}
		}
		if (!record) {
			// The call was never seen (or is no longer kept): keep the result on its own.
			record = { name: wanted, status: 'called' };
			if (id !== undefined) record.id = id;
			this.keep(record);
		}
		record.status = 'answered';
		record.result = this.bounded(result ?? null, size);
	}

	private keep(record: ToolCallRecord): void {
		this.tools.push(record);
		if (record.id !== undefined) this.toolsById.set(record.id, record);
		if (this.tools.length > this.limits.maxToolEvents) {
			const dropped = this.tools.shift() as ToolCallRecord;
			if (dropped.id !== undefined && this.toolsById.get(dropped.id) === dropped) this.toolsById.delete(dropped.id);
			this.toolCallsOmitted++;
		}
	}

	/** The value itself when small (the event's size bounds it), else a JSON preview. */
	private bounded(value: unknown, eventSize: number): unknown {
		if (eventSize <= this.limits.maxPayloadChars) return value;
		const json = JSON.stringify(value) ?? 'null';
		if (json.length <= this.limits.maxPayloadChars) return value;
		return { truncated: true, chars: json.length, preview: json.slice(0, this.limits.maxPayloadChars) };
	}

	private agentError(value: Record<string, unknown>): boolean {
		const message = value.type === 'error'
			? text(value.message) ?? text(value.error) ?? text(value.content) ?? 'error'
			: text(value.errorMessage) ?? text(value.error_message) ?? (text(value.errorCode) ? `error ${String(value.errorCode)}` : undefined);
		if (message === undefined) return false;
		this.counts.errors++;
		if (this.agentErrors.length < this.limits.maxErrors) this.agentErrors.push(message.slice(0, 1000));
		return true;
	}
}

/** Folds a whole message sequence (e.g. `sseMessages(body)`); for tests and benchmarks. */
export async function foldEditStream(
	messages: AsyncIterable<SseMessage>,
	limits: Partial<EditStreamLimits> = {},
	fold = new EditStreamFold(limits),
): Promise<EditStreamResult> {
	for await (const message of messages) fold.add(message);
	return fold.result();
}

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
 * Reads an opened edit stream to its end and folds it. A broken, idle or overdue stream is not an
 * exception here: what arrived is returned with `end` saying what happened, because the edit may
 * have taken effect and the caller must report it rather than send the prompt again. Only the
 * execution's cancel signal throws (a `cancelled` NemoVideoError).
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
		for await (const message of sseMessages(countBytes(body, counted), { onComment: () => fold.comment(), maxEventChars })) {
			fold.add(message);
		}
		return { result: fold.result(), end: 'complete', bytes: counted.bytes };
	} catch (error) {
		if (options.cancelSignal?.aborted) {
			// "canceled" in the message is how n8n's WorkflowExecute tells a cancel from a failure.
			throw new NemoVideoError('The execution was canceled while the edit was streaming', {
				kind: 'cancelled',
				hint: 'The workflow was stopped or timed out; the stream was closed. The edit may still have been applied: check the session state before sending it again.',
			});
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

/** The text of ADK parts (thoughts left out); undefined when no part has text. */
function partsText(parts: unknown[]): string | undefined {
	let text: string | undefined;
	for (const part of parts) {
		if (isRecord(part) && typeof part.text === 'string' && part.thought !== true) text = (text ?? '') + part.text;
	}
	return text;
}

/** The text of an ADK final (non-partial) event when it has some: it replaces the chunks before it. */
function finalText(value: Record<string, unknown>): string | undefined {
	if (typeof value.type === 'string' || value.partial === true || !isRecord(value.content) || !Array.isArray(value.content.parts)) return undefined;
	const text = partsText(value.content.parts);
	return text === '' ? undefined : text;
}

function toolName(name: unknown): string {
	return typeof name === 'string' && name !== '' ? name : 'unknown';
}

function optionalId(id: unknown): string | undefined {
	return typeof id === 'string' && id !== '' ? id : undefined;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
