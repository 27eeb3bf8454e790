import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type SseMessage = EventSourceMessage;

/**
 * Turns a byte stream into SSE messages as they arrive (bytes -> text -> events). Multi-byte
 * characters split across chunks are decoded whole; only the current partial event is buffered.
 * Breaking out of the loop stops reading the body. `onComment` sees `: comment` lines (keep-alives).
 */
export async function* sseMessages(
	body: AsyncIterable<Uint8Array>,
	options: { onComment?: (comment: string) => void } = {},
): AsyncGenerator<SseMessage> {
	const decoder = new TextDecoder('utf-8');
	const ready: SseMessage[] = [];
	const parser = createParser({ onEvent: (message) => ready.push(message), onComment: options.onComment });
	for await (const chunk of body) {
		parser.feed(decoder.decode(chunk, { stream: true }));
		while (ready.length > 0) yield ready.shift() as SseMessage;
	}
	parser.feed(decoder.decode());
	// A stream that closes without a final blank line still delivers its last event.
	parser.feed('\n\n');
	while (ready.length > 0) yield ready.shift() as SseMessage;
}
