import type { EventSourceMessage, ParseError } from 'eventsource-parser';

import { NemoVideoError } from './errors';
import { lazyModule } from './lazyModule';

const eventsourceParser = lazyModule(() => require('eventsource-parser') as typeof import('eventsource-parser'));

export type SseMessage = EventSourceMessage;

/**
 * Longest event (in characters) buffered while waiting for its closing blank line. A stream that
 * never sends one would otherwise grow memory for as long as it runs (up to 15 minutes).
 */
export const DEFAULT_MAX_EVENT_CHARS = 8 * 1024 * 1024;

/**
 * Turns a byte stream into SSE messages as they arrive (bytes -> text -> events). Multi-byte
 * characters split across chunks are decoded whole; only the current partial event is buffered,
 * up to `maxEventChars`: beyond that the stream is abandoned with a `protocol` NemoVideoError
 * (after the events that arrived whole). Breaking out of the loop, or that error, stops reading
 * the body. `onComment` sees `: comment` lines (keep-alives).
 */
export async function* sseMessages(
	body: AsyncIterable<Uint8Array>,
	options: { onComment?: (comment: string) => void; maxEventChars?: number } = {},
): AsyncGenerator<SseMessage> {
	const maxEventChars = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS;
	const decoder = new TextDecoder('utf-8');
	const ready: SseMessage[] = [];
	let overflow: ParseError | undefined;
	const parser = eventsourceParser().createParser({
		onEvent: (message) => ready.push(message),
		onComment: options.onComment,
		maxBufferSize: maxEventChars,
		// Other parse errors (unknown fields, a bad `retry`) are skipped, as browsers do.
		onError: (error) => {
			if (error.type === 'max-buffer-size-exceeded') overflow = error;
		},
	});
	const overflowError = () =>
		new NemoVideoError(
			`NemoVideo sent an event longer than ${describeChars(maxEventChars)} without ending it, so the stream was closed`,
			{
				kind: 'protocol',
				hint: 'The event stream is malformed (no blank line between events). A proxy between n8n and NemoVideo may be altering it; check the Base URL.',
			},
		);
	for await (const chunk of body) {
		parser.feed(decoder.decode(chunk, { stream: true }));
		while (ready.length > 0) yield ready.shift() as SseMessage;
		if (overflow) throw overflowError();
	}
	parser.feed(decoder.decode());
	if (overflow) throw overflowError();
	// A stream that closes without a final blank line still delivers its last event.
	parser.feed('\n\n');
	while (ready.length > 0) yield ready.shift() as SseMessage;
}

function describeChars(chars: number): string {
	const mib = chars / (1024 * 1024);
	return Number.isInteger(mib) ? `${mib} MiB` : `${chars} characters`;
}
