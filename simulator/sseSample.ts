/**
 * Deterministic big SSE streams for parser benchmarks: mixed event shapes (both dialects, heartbeats, comments, empty
 * data lines, multi-byte text), generated lazily event by event so N bytes are never held in memory.
 */
import { createHash } from 'crypto';
import type { ServerResponse } from 'http';
import { deriveRng, type Rng } from './rng';
import { SseWriter } from './sseWriter';

const WORDS = [
	'Your',
	'timeline',
	'now',
	'has',
	'three',
	'tracks',
	'and',
	'a',
	'smooth',
	'crossfade',
	'between',
	'each',
	'photo.',
	'Preview',
	'in',
	'the',
	'timeline',
	'then',
	'click',
	'Export.',
	'café',
	'naïve',
	'déjà',
	'vu',
	'—',
	'…',
	'🎬',
	'✨',
	'🎵',
	'点击导出',
	'视频',
	'背景音乐',
	'转场',
	'拖拽片段',
	'打开面板',
	'完成了！',
	'1080p',
	'MP4',
	'Lo-fi',
	'35%',
	'"Urban Dreams"',
];

export interface SampleSummary {
	seed: number;
	bytes: number;
	crlf: boolean;
	events: Record<string, number>;
	/** complete user-visible messages (simple-dialect text deltas joined, or an ADK final text) */
	messages: number;
	/** length in UTF-16 code units of all messages concatenated */
	textChars: number;
	/** sha256 (hex) of all messages concatenated (no separator), UTF-8 */
	textSha256: string;
}

interface SampleEvent {
	kind: string;
	/** complete SSE text of this event, line endings included */
	raw: string;
	/** set on the last event of a message: the full message text */
	message?: string;
}

function sentence(rng: Rng): string {
	const n = rng.int(1, 8);
	const w: string[] = [];
	for (let i = 0; i < n; i++) w.push(rng.pick(WORDS));
	return w.join(' ') + ' ';
}

function* events(seed: number, targetBytes: number): Generator<SampleEvent> {
	const rng = deriveRng(seed, 'sse-sample');
	const crlf = rng.chance(0.5);
	const nl = crlf ? '\r\n' : '\n';
	const end = nl + nl;
	// JSON is assembled from templates (only strings go through JSON.stringify): this stream must be fast to produce.
	const data = (json: string) => `data${rng.chance(0.05) ? ':' : ': '}${json}${end}`;
	const q = JSON.stringify;
	let bytes = 0;
	let n = 0;
	const emit = (e: SampleEvent): SampleEvent => {
		bytes += Buffer.byteLength(e.raw);
		return e;
	};
	while (bytes < targetBytes) {
		n++;
		const r = rng();
		if (r < 0.22) {
			const parts = rng.int(1, 6);
			let full = '';
			for (let i = 0; i < parts; i++) {
				const piece = sentence(rng);
				full += piece;
				yield emit({
					kind: 'text',
					raw: data(`{"type":"text","content":${q(piece)}}`),
					message: i === parts - 1 ? full : undefined,
				});
			}
		} else if (r < 0.44) {
			const parts = rng.int(1, 6);
			let full = '';
			for (let i = 0; i < parts; i++) {
				const piece = sentence(rng);
				full += piece;
				yield emit({
					kind: 'adkPartial',
					raw: data(`{"content":{"parts":[{"text":${q(piece)}}],"role":"model"},"partial":true,"author":"nemo_agent"}`),
				});
			}
			const partial = rng.chance(0.5) ? ',"partial":false' : '';
			yield emit({
				kind: 'adkFinal',
				raw: data(
					`{"content":{"parts":[{"text":${q(full)}}],"role":"model"},"author":"nemo_agent","id":"evt_${n}"${partial}}`,
				),
				message: full,
			});
		} else if (r < 0.52) {
			yield emit({
				kind: 'toolCall',
				raw: data(`{"type":"tool_call","name":"build_timeline","args":{"duration_ms":10000,"n":${n}}}`),
			});
		} else if (r < 0.6) {
			yield emit({
				kind: 'toolResult',
				raw: data(`{"type":"tool_result","name":"build_timeline","result":{"ok":true,"n":${n},"note":"完成 ✅"}}`),
			});
		} else if (r < 0.66) {
			yield emit({
				kind: 'functionCall',
				raw: data(
					`{"content":{"parts":[{"functionCall":{"id":"fc_${n}","name":"add_bgm","args":{"name":"Lo-fi","volume":0.35}}}],"role":"model"}}`,
				),
			});
		} else if (r < 0.72) {
			yield emit({
				kind: 'functionResponse',
				raw: data(
					`{"content":{"parts":[{"functionResponse":{"id":"fc_${n}","name":"add_bgm","response":{"ok":true}}}],"role":"user"}}`,
				),
			});
		} else if (r < 0.86) {
			yield emit({ kind: 'heartbeat', raw: data('{"type":"heartbeat"}') });
		} else if (r < 0.93) {
			yield emit({ kind: 'empty', raw: `data:${end}` });
		} else {
			yield emit({ kind: 'comment', raw: `: keep-alive ${n}${end}` });
		}
	}
}

/** What a correct parser should find in the sample stream for (seed, bytes). */
export function sampleSummary(seed: number, targetBytes: number): SampleSummary {
	const counts: Record<string, number> = {};
	const hash = createHash('sha256');
	let bytes = 0;
	let messages = 0;
	let textChars = 0;
	for (const e of events(seed, targetBytes)) {
		counts[e.kind] = (counts[e.kind] ?? 0) + 1;
		bytes += Buffer.byteLength(e.raw);
		if (e.message !== undefined) {
			messages++;
			textChars += e.message.length;
			hash.update(e.message, 'utf8');
		}
	}
	return {
		seed,
		bytes,
		crlf: deriveRng(seed, 'sse-sample').chance(0.5),
		events: counts,
		messages,
		textChars,
		textSha256: hash.digest('hex'),
	};
}

/** Stream the sample (headers must already be written by `writer.start()`); returns false when it was cut. */
export async function streamSample(writer: SseWriter, seed: number, targetBytes: number): Promise<boolean> {
	for (const e of events(seed, targetBytes)) {
		await writer.raw(e.raw);
		if (writer.closed) return false;
	}
	await writer.end();
	return !writer.cut;
}

export function sampleWriter(res: ServerResponse, seed: number, cutAfter?: number): SseWriter {
	return new SseWriter(res, { rng: deriveRng(seed, 'sse-sample-chunks'), mode: 'bulk', cutAfter });
}
