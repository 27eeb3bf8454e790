import { isRecord } from './envelope';
import { JSON_NUMBER, JSON_STRING, JSON_TRUE, jsonArray, jsonObject, jsonShape } from './jsonShape';

/**
 * The dialect parsers of the edit stream (`/run_sse`): one decoded event in, what it means out.
 * This is the one place that knows event shapes (see nemovideo-api.md, "The edit stream"); the
 * fold (`editFold.ts`) only sees `EditEvent`s. To support a new shape, read it here (`isPlainPartialText` below
 * needs no change: a new shape has a key it does not allow, so it is decoded at once).
 *
 * - typed dialect: `{"type":"text","content":"…"}` chunks, `{"type":"tool_call","name","args"}`,
 *   `{"type":"tool_result","name","result"}`, `{"type":"heartbeat"}`, `{"type":"error"}`;
 * - ADK dialect: `{"content":{"parts":[{"text":"…"}]},"partial":true}` chunks, the following
 *   non-partial event with the full text, `functionCall {id,name,args}` / `functionResponse
 *   {id,name,response}` parts, `errorMessage`.
 */

export type EditEvent =
	| { kind: 'typedText'; text: string }
	| { kind: 'partialText'; text: string }
	| { kind: 'finalText'; text: string }
	/** A typed tool call ends a typed message; an ADK one ends nothing. */
	| { kind: 'toolCall'; dialect: 'typed' | 'adk'; name: unknown; args: unknown; id?: string }
	| { kind: 'toolResult'; name: unknown; result: unknown; id?: string }
	| { kind: 'heartbeat' }
	| { kind: 'agentError'; message: string }
	/** Valid JSON of a shape not listed above. */
	| { kind: 'other' };

/** What one decoded event means, in order; `[]` for an ADK partial that only previews tool calls. */
export function editEvents(value: Record<string, unknown>): EditEvent[] {
	if (typeof value.type === 'string') return typedEvents(value);
	if (isRecord(value.content) && Array.isArray(value.content.parts)) return adkEvents(value, value.content.parts);
	return [agentErrorOrOther(value)];
}

function typedEvents(value: Record<string, unknown>): EditEvent[] {
	switch (value.type) {
		case 'text': {
			const text =
				typeof value.content === 'string' ? value.content : typeof value.text === 'string' ? value.text : undefined;
			if (text === undefined) break;
			return [{ kind: 'typedText', text }];
		}
		case 'heartbeat':
			return [{ kind: 'heartbeat' }];
		case 'tool_call':
			return [{ kind: 'toolCall', dialect: 'typed', name: value.name, args: value.args ?? value.arguments }];
		case 'tool_result':
			return [{ kind: 'toolResult', name: value.name, result: value.result ?? value.response ?? value.output }];
	}
	return [agentErrorOrOther(value)];
}

function adkEvents(value: Record<string, unknown>, parts: unknown[]): EditEvent[] {
	const events: EditEvent[] = [];
	const partial = value.partial === true;
	const text = partsText(parts);
	if (text !== undefined) events.push({ kind: partial ? 'partialText' : 'finalText', text });
	let calls = false;
	for (const part of parts) {
		if (!isRecord(part)) continue;
		const call = part.functionCall ?? part.function_call;
		const response = part.functionResponse ?? part.function_response;
		if (part.functionCall || part.function_call || part.functionResponse || part.function_response) calls = true;
		// Partial events may preview function calls; the final event repeats them, so only it counts.
		if (partial) continue;
		if (isRecord(call))
			events.push({ kind: 'toolCall', dialect: 'adk', name: call.name, args: call.args, id: optionalId(call.id) });
		if (isRecord(response))
			events.push({ kind: 'toolResult', name: response.name, result: response.response, id: optionalId(response.id) });
	}
	const error = agentErrorMessage(value);
	if (error !== undefined) events.push({ kind: 'agentError', message: error });
	else if (text === undefined && !calls) events.push({ kind: 'other' });
	return events;
}

function agentErrorOrOther(value: Record<string, unknown>): EditEvent {
	const message = agentErrorMessage(value);
	return message === undefined ? { kind: 'other' } : { kind: 'agentError', message };
}

function agentErrorMessage(value: Record<string, unknown>): string | undefined {
	if (value.type === 'error') return text(value.message) ?? text(value.error) ?? text(value.content) ?? 'error';
	return (
		text(value.errorMessage) ??
		text(value.error_message) ??
		(text(value.errorCode) ? `error ${String(value.errorCode)}` : undefined)
	);
}

/** The text of ADK parts (thoughts left out); undefined when no part has text. */
function partsText(parts: unknown[]): string | undefined {
	let text: string | undefined;
	for (const part of parts) {
		if (isRecord(part) && typeof part.text === 'string' && part.thought !== true) text = (text ?? '') + part.text;
	}
	return text;
}

function optionalId(id: unknown): string | undefined {
	return typeof id === 'string' && id !== '' ? id : undefined;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

const EMPTY = jsonObject({});

/**
 * Whether an event is exactly what `adkEvents` reads as one `partialText` and nothing else: a text
 * chunk in the ADK envelope (`author`, ids, `timestamp`, `branch`, empty `actions`: nothing the
 * fold reads). Only such an event may be kept undecoded (`EditStreamFold`); any other key, anywhere,
 * fails the match, so a new shape carrying `"partial":true` is decoded at once.
 */
export const isPlainPartialText = jsonShape(
	jsonObject(
		{
			content: jsonObject({ role: JSON_STRING, parts: jsonArray(jsonObject({ text: JSON_STRING }, 'text')) }, 'parts'),
			partial: JSON_TRUE,
			author: JSON_STRING,
			id: JSON_STRING,
			invocationId: JSON_STRING,
			branch: JSON_STRING,
			timestamp: JSON_NUMBER,
			actions: jsonObject({
				stateDelta: EMPTY,
				artifactDelta: EMPTY,
				requestedAuthConfigs: EMPTY,
				requestedToolConfirmations: EMPTY,
			}),
		},
		'content',
	),
	['"partial":true'],
);
