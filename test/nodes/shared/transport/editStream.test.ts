import { request } from 'undici';

import type { Simulator } from '../../../../simulator';
import { EditStreamFold, readEditStream, sseMessages } from '../../../../nodes/shared/transport';
import { isPlainPartialText } from '../../../../nodes/shared/transport/editEvents';
import { foldEditStream, ReferenceEditStreamFold } from '../../../helpers/editStream';
import { quietSimulator } from '../../../helpers/simulator';

/** Bytes delivered in the given pieces, like a socket would. */
async function* pieces(bytes: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
	let previous = 0;
	for (const cut of [...cuts, bytes.length]) {
		yield bytes.subarray(previous, cut);
		previous = cut;
	}
}

async function fold(text: string, cuts: number[] = [], limits = {}) {
	const bytes = Buffer.from(text, 'utf8');
	const folder = new EditStreamFold(limits);
	for await (const message of sseMessages(pieces(bytes, cuts), { onComment: () => folder.comment() }))
		folder.add(message);
	return folder.result();
}

const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
const adk = (parts: unknown[], extra: object = {}) =>
	data({ content: { parts, role: 'model' }, author: 'nemo_agent', ...extra });

describe('edit stream fold: event shapes', () => {
	it('concatenates {type:"text"} chunks into one message', async () => {
		const result = await fold(
			data({ type: 'text', content: 'Sure! I’ll turn ' }) +
				data({ type: 'text', content: 'your 3 photos into a video.' }),
		);
		expect(result.reply).toBe('Sure! I’ll turn your 3 photos into a video.');
		expect(result.counts).toMatchObject({ textChunks: 2, messages: 1, textChars: result.reply.length });
		expect(result.silent).toBe(false);
	});

	it('ADK partial chunks followed by the final full text give the text once', async () => {
		const result = await fold(
			adk([{ text: 'Done! Preview ' }], { partial: true }) +
				adk([{ text: 'it in the timeline.' }], { partial: true }) +
				adk([{ text: 'Done! Preview it in the timeline.' }]),
		);
		expect(result.reply).toBe('Done! Preview it in the timeline.');
		expect(result.counts).toMatchObject({ partialChunks: 2, finalTexts: 1, messages: 1 });
	});

	it('the final ADK text wins over its chunks, also with an explicit partial:false', async () => {
		const result = await fold(
			adk([{ text: 'Draft' }], { partial: true }) + adk([{ text: 'Draft ready.' }], { partial: false }),
		);
		expect(result.reply).toBe('Draft ready.');
	});

	it('ADK chunks without a final event are kept as they are', async () => {
		const result = await fold(
			adk([{ text: 'Half ' }], { partial: true }) + adk([{ text: 'a message' }], { partial: true }),
		);
		expect(result.reply).toBe('Half a message');
		expect(result.counts.messages).toBe(1);
	});

	it('an empty final text does not erase the chunks before it', async () => {
		const result = await fold(adk([{ text: 'Kept.' }], { partial: true }) + adk([{ text: '' }]));
		expect(result.reply).toBe('Kept.');
	});

	it('text before and after tool work are separate turns, joined by a blank line', async () => {
		const simple =
			data({ type: 'text', content: 'Sure! Making it.' }) +
			data({ type: 'tool_call', name: 'build_timeline', args: { duration_ms: 15000 } }) +
			data({ type: 'heartbeat' }) +
			data({ type: 'tool_result', name: 'build_timeline', result: { ok: true } }) +
			data({ type: 'text', content: 'Done! Click Export.' });
		const adkStream =
			adk([{ text: 'Sure!' }], { partial: true }) +
			adk([{ text: 'Sure! Making it.' }]) +
			adk([{ functionCall: { id: 'c1', name: 'build_timeline', args: { duration_ms: 15000 } } }]) +
			data({
				content: {
					parts: [{ functionResponse: { id: 'c1', name: 'build_timeline', response: { ok: true } } }],
					role: 'user',
				},
			}) +
			adk([{ text: 'Done! ' }], { partial: true }) +
			adk([{ text: 'Click Export.' }], { partial: true }) +
			adk([{ text: 'Done! Click Export.' }]);
		for (const stream of [simple, adkStream]) {
			const result = await fold(stream);
			expect(result.reply).toBe('Sure! Making it.\n\nDone! Click Export.');
			expect(result.counts.messages).toBe(2);
			expect(result.toolCalls).toEqual([
				expect.objectContaining({
					name: 'build_timeline',
					status: 'answered',
					arguments: { duration_ms: 15000 },
					result: { ok: true },
				}),
			]);
		}
	});

	it('pairs results with calls by id, else by the latest unanswered call of that name', async () => {
		const result = await fold(
			adk([{ functionCall: { id: 'a', name: 'add_bgm', args: { n: 1 } } }]) +
				adk([{ functionCall: { id: 'b', name: 'add_bgm', args: { n: 2 } } }]) +
				data({ content: { parts: [{ functionResponse: { id: 'a', name: 'add_bgm', response: { for: 'a' } } }] } }) +
				data({ type: 'tool_call', name: 'add_title', args: { text: 'Hi' } }) +
				data({ type: 'tool_result', name: 'add_title', result: { ok: true } }) +
				data({ type: 'tool_result', name: 'set_canvas', result: { orphan: true } }),
		);
		expect(result.toolCalls).toEqual([
			{ name: 'add_bgm', id: 'a', status: 'answered', arguments: { n: 1 }, result: { for: 'a' } },
			{ name: 'add_bgm', id: 'b', status: 'called', arguments: { n: 2 } },
			{ name: 'add_title', status: 'answered', arguments: { text: 'Hi' }, result: { ok: true } },
			{ name: 'set_canvas', status: 'answered', result: { orphan: true } },
		]);
		expect(result.counts).toMatchObject({ toolCalls: 3, toolResults: 3 });
	});

	it('counts heartbeats, empty data lines, comments, unknown and broken events without keeping them', async () => {
		const result = await fold(
			': stream open\n\n' +
				data({ type: 'heartbeat' }) +
				'data:\n\n' +
				'data: {"type":"heartbeat"}\n\n' +
				': ping\n\n' +
				data({ type: 'progress', value: 40 }) +
				'data: {not json\n\n' +
				data(['a list']),
		);
		expect(result.counts).toMatchObject({
			events: 6,
			heartbeats: 2,
			emptyData: 1,
			comments: 2,
			other: 2,
			invalid: 1,
			messages: 0,
		});
		expect(result).toMatchObject({ reply: '', silent: true, toolCalls: [] });
	});

	it('keeps agent errors (a few) from {type:"error"} and ADK errorMessage', async () => {
		const result = await fold(
			data({ type: 'error', message: 'render backend busy' }) +
				data({ errorCode: 'MALFORMED', errorMessage: 'model failed' }),
		);
		expect(result.agentErrors).toEqual(['render backend busy', 'model failed']);
		expect(result.counts.errors).toBe(2);
	});

	it('ignores ADK thought parts and function calls previewed in partial events', async () => {
		const result = await fold(
			adk([{ text: 'thinking…', thought: true }, { text: 'Hello' }], { partial: true }) +
				adk([{ functionCall: { id: 'x', name: 'preview' } }], { partial: true }) +
				adk([{ text: 'Hello.' }]),
		);
		expect(result.reply).toBe('Hello.');
		expect(result.toolCalls).toEqual([]);
	});
});

describe('edit stream fold: ADK chunks decoded only when needed', () => {
	const partial = (text: string) => adk([{ text }], { partial: true });

	it('chunks replaced by their final text are counted, and keep-alives between them change nothing', async () => {
		const result = await fold(
			partial('A') + data({ type: 'heartbeat' }) + 'data:\n\n' + partial('B') + ': ping\n\n' + adk([{ text: 'AB!' }]),
		);
		expect(result.reply).toBe('AB!');
		expect(result.counts).toMatchObject({
			partialChunks: 2,
			finalTexts: 1,
			heartbeats: 1,
			emptyData: 1,
			comments: 1,
			messages: 1,
		});
	});

	it('chunks followed by something else than a final are decoded in order before it', async () => {
		const result = await fold(
			partial('Working ') +
				partial('on it.') +
				data({ type: 'tool_result', name: 'build_timeline', result: { ok: true } }) +
				data({ type: 'text', content: 'Done.' }),
		);
		expect(result.reply).toBe('Working on it.\n\nDone.');
		expect(result.counts).toMatchObject({ partialChunks: 2, messages: 2, toolResults: 1 });
	});

	it('an event with "partial":true inside tool arguments is never mistaken for a chunk', async () => {
		const result = await fold(
			partial('Hi') +
				data({ type: 'tool_call', name: 'trim', args: { partial: true } }) +
				adk([{ functionCall: { id: 'f', name: 'cut', args: { partial: true } } }]) +
				adk([{ text: 'Hi.' }]),
		);
		expect(result.toolCalls).toEqual([
			expect.objectContaining({ name: 'trim', arguments: { partial: true } }),
			expect.objectContaining({ name: 'cut', id: 'f', arguments: { partial: true } }),
		]);
		// A tool call does not end an ADK message: the final text still replaces the chunk.
		expect(result.reply).toBe('Hi.');
	});

	it('a long run of chunks without a final stays bounded and keeps its text', async () => {
		let text = '';
		for (let index = 0; index < 300; index++) text += partial(`${index % 10}`);
		const result = await fold(text, [], { maxReplyChars: 1000 });
		expect(result.reply).toBe('0123456789'.repeat(30).slice(0, 1000));
		expect(result.counts).toMatchObject({ partialChunks: 300, messages: 1, textChars: 300 });
	});
});

describe('edit stream fold: bytes as they arrive', () => {
	const reply = '好的！我会把你的3个素材做成一个15秒的视频 🎬✨，加上流畅的转场。点击导出按钮下载MP4。';
	const stream = (nl: string) =>
		[
			`data: ${JSON.stringify({ type: 'text', content: reply.slice(0, 9) })}`,
			'',
			': ping',
			'',
			`data:${JSON.stringify({ type: 'text', content: reply.slice(9) })}`,
			'',
			`data: ${JSON.stringify({ content: { parts: [{ text: '🎵 完成了！' }] }, partial: true })}`,
			'',
			`data: ${JSON.stringify({ content: { parts: [{ text: '🎵 完成了！' }] } })}`,
			'',
			'',
		].join(nl);

	it.each([
		['LF', '\n'],
		['CRLF', '\r\n'],
	])('Chinese text and emoji split at every byte offset decode whole (%s)', async (_name, nl) => {
		const text = stream(nl);
		const length = Buffer.byteLength(text);
		for (let cut = 1; cut < length; cut++) {
			const result = await fold(text, [cut]);
			expect(result.reply).toBe(`${reply}\n\n🎵 完成了！`);
			expect(result.counts.comments).toBe(1);
		}
	});

	it('one byte at a time works too', async () => {
		const text = stream('\r\n');
		const bytes = Buffer.byteLength(text);
		const result = await fold(
			text,
			Array.from({ length: bytes - 1 }, (_, index) => index + 1),
		);
		expect(result.reply).toBe(`${reply}\n\n🎵 完成了！`);
	});

	it('the last event counts even when the stream closes without a blank line', async () => {
		const result = await fold('data: {"type":"text","content":"last words"}');
		expect(result.reply).toBe('last words');
	});
});

describe('edit stream fold: bounded memory', () => {
	it('keeps only the latest tool events and says how many were left out', async () => {
		let text = '';
		for (let index = 0; index < 120; index++) {
			text +=
				data({ type: 'tool_call', name: `tool_${index}`, args: { index } }) +
				data({ type: 'tool_result', name: `tool_${index}`, result: { index } });
		}
		const result = await fold(text, [], { maxToolEvents: 50 });
		expect(result.toolCalls).toHaveLength(50);
		expect(result.toolCalls[0]).toMatchObject({ name: 'tool_70', status: 'answered', result: { index: 70 } });
		expect(result.toolCalls[49]).toMatchObject({ name: 'tool_119', status: 'answered' });
		expect(result.toolCallsOmitted).toBe(70);
		expect(result.counts).toMatchObject({ toolCalls: 120, toolResults: 120 });
	});

	it('replaces a big tool payload with a short preview', async () => {
		const big = { frames: 'x'.repeat(10_000) };
		const result = await fold(data({ type: 'tool_result', name: 'analyze_media', result: big }), [], {
			maxPayloadChars: 500,
		});
		expect(result.toolCalls[0].result).toEqual({
			truncated: true,
			chars: JSON.stringify(big).length,
			preview: JSON.stringify(big).slice(0, 500),
		});
	});

	it('cuts the reply at the limit, flags it, and still counts all text', async () => {
		let text = '';
		for (let index = 0; index < 100; index++)
			text += data({ type: 'text', content: '0123456789' }) + data({ type: 'tool_call', name: 't' });
		const result = await fold(text, [], { maxReplyChars: 105 });
		expect(result.reply.length).toBe(105);
		expect(result.reply.startsWith('0123456789\n\n0123456789')).toBe(true);
		expect(result.replyTruncated).toBe(true);
		expect(result.counts).toMatchObject({ messages: 100, textChars: 1000 });
	});
});

describe('edit stream fold against the simulator’s mixed sample stream', () => {
	let simulator: Simulator;
	beforeAll(async () => {
		simulator = await quietSimulator();
	});
	afterAll(async () => await simulator.close());

	it('finds every event and message the simulator says it sent (random splits, both dialects)', async () => {
		const query = 'bytes=2000000&seed=11';
		const summary = (await (await request(`${simulator.url}/__sim/sse-sample?${query}&summary=1`)).body.json()) as {
			bytes: number;
			events: Record<string, number>;
			messages: number;
			textChars: number;
		};
		const response = await request(`${simulator.url}/__sim/sse-sample?${query}`);
		const outcome = await readEditStream(response.body);
		const { counts } = outcome.result;
		const events = summary.events;

		expect(outcome).toMatchObject({ end: 'complete', bytes: summary.bytes });
		expect(counts).toMatchObject({
			textChunks: events.text,
			partialChunks: events.adkPartial,
			finalTexts: events.adkFinal,
			toolCalls: events.toolCall + events.functionCall,
			toolResults: events.toolResult + events.functionResponse,
			heartbeats: events.heartbeat,
			emptyData: events.empty,
			comments: events.comment,
			other: 0,
			invalid: 0,
			textChars: summary.textChars,
		});
		// Two typed messages in a row, with nothing but keep-alives between them, read as one turn.
		expect(counts.messages).toBeLessThanOrEqual(summary.messages);
		expect(counts.messages).toBeGreaterThan(summary.messages / 2);
		// Bounded: thousands of tool events and ~1 MB of text arrived; 50 and the 1 MB cap are kept.
		expect(counts.toolCalls).toBeGreaterThan(1000);
		expect(outcome.result.toolCalls).toHaveLength(50);
		expect(outcome.result.reply.length).toBeLessThanOrEqual(1_000_000);
	});

	it('deferring ADK chunks gives exactly the result of decoding every event', async () => {
		const url = `${simulator.url}/__sim/sse-sample?bytes=1500000&seed=23`;
		const limits = { maxReplyChars: 50_000_000 };
		const deferred = await foldEditStream(sseMessages((await request(url)).body), limits, new EditStreamFold(limits));
		const reference = await foldEditStream(
			sseMessages((await request(url)).body),
			limits,
			new ReferenceEditStreamFold(limits),
		);
		expect(deferred.counts.partialChunks).toBeGreaterThan(1000);
		expect(deferred).toEqual(reference);
	});

	it('a data line that never ends is dropped at the event size limit (8 MiB): the stream ends as cut, saying why', async () => {
		const sent = 12 * 1024 * 1024;
		const response = await request(`${simulator.url}/__sim/sse-unterminated?bytes=${sent}`);
		const outcome = await readEditStream(response.body);

		expect(outcome.end).toBe('cut');
		expect(outcome.reason).toMatch(/event longer than 8 MiB without ending it/);
		// What arrived whole before it is kept; reading stopped soon after the limit.
		expect(outcome.result.reply).toBe('Working on it.');
		expect(outcome.bytes).toBeGreaterThan(8 * 1024 * 1024);
		expect(outcome.bytes).toBeLessThan(sent);
	});

	it('the limit is a setting; events under it pass whole', async () => {
		const cut = await readEditStream((await request(`${simulator.url}/__sim/sse-unterminated?bytes=5000`)).body, {
			limits: { maxEventChars: 1000 },
		});
		expect(cut).toMatchObject({ end: 'cut', reason: expect.stringMatching(/longer than 1000 characters/) });

		const event = data({ type: 'text', content: 'y'.repeat(900) });
		const whole = await foldEditStream(
			sseMessages(pieces(Buffer.from(event + event), [500, 1000, 1500]), { maxEventChars: 1000 }),
		);
		expect(whole.reply).toBe('y'.repeat(1800));
	});

	it('foldEditStream gives the same result as readEditStream on the same bytes', async () => {
		const url = `${simulator.url}/__sim/sse-sample?bytes=300000&seed=5`;
		const viaRead = await readEditStream((await request(url)).body);
		const viaFold = await foldEditStream(sseMessages((await request(url)).body));
		expect(viaFold.reply).toBe(viaRead.result.reply);
		expect({ ...viaFold.counts, comments: 0 }).toEqual({ ...viaRead.result.counts, comments: 0 });
	});
});

describe('edit stream fold: which events wait undecoded', () => {
	it('only a plain ADK partial text chunk is kept undecoded; any other shape with "partial":true is decoded', () => {
		const plain = {
			content: { parts: [{ text: 'Hi "there"\\' }], role: 'model' },
			partial: true,
			author: 'nemo_agent',
			invocationId: 'e-1',
			timestamp: 1.5,
			actions: { stateDelta: {} },
		};
		expect(isPlainPartialText(JSON.stringify(plain))).toBe(true);
		const others = [
			{ ...plain, content: { parts: [{ text: 'x', thought: true }] } },
			{ ...plain, content: { parts: [{ inlineData: { mimeType: 'image/png' } }] } },
			{ ...plain, content: { parts: [{ text: 'x' }, { functionCall: { name: 'f' } }] } },
			{ ...plain, content: { parts: [{ text: 5 }] } },
			{ ...plain, content: { parts: [] } },
			{ ...plain, actions: { stateDelta: { key: 1 } } },
			{ ...plain, partial: false },
			{ ...plain, type: 'text' },
			{ ...plain, errorMessage: 'failed' },
			{ ...plain, newField: true },
			{ content: { partial: true, parts: [{ text: 'x' }] } },
		];
		for (const other of others) expect(isPlainPartialText(JSON.stringify(other))).toBe(false);
		// A key twice: JSON.parse keeps the last one, which must have the shape too.
		expect(isPlainPartialText('{"partial":true,"content":{"parts":[{"text":"a"}]},"content":{"role":"model"}}')).toBe(
			false,
		);
		expect(
			isPlainPartialText('{"partial":true,"content":{"parts":[{"text":"a"}],"parts":[{"text":"b"}]},"partial":true}'),
		).toBe(true);
		expect(isPlainPartialText('{"partial":true,"content":{"parts":[{"text":"a"}]}} x')).toBe(false);
	});

	it('a new shape carrying "partial":true before a final text is folded as the reference folds it', async () => {
		const stream =
			adk([{ text: 'Thinking', thought: true }], { partial: true }) +
			adk([{ inlineData: { mimeType: 'image/png' } }], { partial: true }) +
			adk([{ text: 'Chunk ' }], { partial: true, errorMessage: 'quota' }) +
			data({ partial: true, novel: { text: 'new kind' } }) +
			adk([{ text: 'Done.' }]);
		const messages = () => sseMessages(pieces(Buffer.from(stream), []));
		const lazy = await foldEditStream(messages());
		expect(lazy).toEqual(await foldEditStream(messages(), {}, new ReferenceEditStreamFold()));
		expect(lazy.counts).toMatchObject({ other: 3, errors: 1, partialChunks: 1, finalTexts: 1 });
	});
});
