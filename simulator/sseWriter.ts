/**
 * Writes SSE bytes the way a real proxy chain delivers them: split at random byte offsets (also inside multi-byte
 * UTF-8 characters), optionally CRLF line endings, honouring backpressure, and able to cut the socket after N bytes.
 */
import type { ServerResponse } from 'http';
import type { Rng } from './rng';

export interface SseWriterOptions {
	rng: Rng;
	crlf?: boolean;
	/** destroy the socket once this many SSE bytes have been written (fault 'sseCut') */
	cutAfter?: number;
	/**
	 * 'timed': each event is written as 1-3 pieces with a short pause between them (edit streams).
	 * 'bulk': bytes are coalesced and written in chunks of random size, no pauses (big sample streams).
	 */
	mode?: 'timed' | 'bulk';
	pieceDelayMs?: number;
}

export class SseWriter {
	bytes = 0;
	cut = false;
	private pending: Buffer[] = [];
	private pendingLen = 0;
	private nextChunk: number;
	private readonly nl: string;

	constructor(
		private res: ServerResponse,
		private opts: SseWriterOptions,
	) {
		this.nl = opts.crlf ? '\r\n' : '\n';
		this.nextChunk = this.pickChunkSize();
	}

	get closed(): boolean {
		return this.cut || this.res.destroyed || this.res.writableEnded;
	}

	start(): void {
		this.res.writeHead(200, {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-cache',
			connection: 'keep-alive',
			'x-accel-buffering': 'no',
		});
		this.res.flushHeaders();
	}

	/** `data: <json>` + blank line. */
	data(obj: unknown, noSpace = false): Promise<void> {
		return this.raw(`data:${noSpace ? '' : ' '}${JSON.stringify(obj)}${this.nl}${this.nl}`);
	}

	/** An empty `data:` line (a no-op event). */
	emptyData(): Promise<void> {
		return this.raw(`data:${this.nl}${this.nl}`);
	}

	comment(text: string): Promise<void> {
		return this.raw(`: ${text}${this.nl}${this.nl}`);
	}

	async raw(text: string): Promise<void> {
		if (this.closed) return;
		const buf = Buffer.from(text, 'utf8');
		if (this.opts.mode === 'bulk') return this.bulk(buf);
		for (const piece of this.split(buf)) {
			if (this.closed) return;
			await this.write(piece);
			if (this.opts.pieceDelayMs !== 0) await new Promise((r) => setTimeout(r, this.opts.pieceDelayMs ?? 1));
		}
	}

	async end(): Promise<void> {
		if (this.pendingLen > 0) await this.flushPending();
		if (!this.closed) this.res.end();
	}

	private pickChunkSize(): number {
		const r = this.opts.rng();
		return r < 0.2 ? this.opts.rng.int(1, 64) : r < 0.7 ? this.opts.rng.int(64, 2048) : this.opts.rng.int(2048, 16384);
	}

	private async bulk(buf: Buffer): Promise<void> {
		this.pending.push(buf);
		this.pendingLen += buf.length;
		while (this.pendingLen >= this.nextChunk && !this.closed) {
			const piece = this.take(this.nextChunk);
			this.nextChunk = this.pickChunkSize();
			await this.write(piece);
		}
	}

	/** Remove and return the first n pending bytes (copies only when a piece spans several buffers). */
	private take(n: number): Buffer {
		this.pendingLen -= n;
		const head = this.pending[0];
		if (head.length >= n) {
			if (head.length === n) this.pending.shift();
			else this.pending[0] = head.subarray(n);
			return head.subarray(0, n);
		}
		const parts: Buffer[] = [];
		let need = n;
		while (need > 0) {
			const b = this.pending[0];
			if (b.length <= need) {
				parts.push(b);
				this.pending.shift();
				need -= b.length;
			} else {
				parts.push(b.subarray(0, need));
				this.pending[0] = b.subarray(need);
				need = 0;
			}
		}
		return Buffer.concat(parts, n);
	}

	private async flushPending(): Promise<void> {
		const all = Buffer.concat(this.pending, this.pendingLen);
		this.pending = [];
		this.pendingLen = 0;
		await this.write(all);
	}

	/** 1-3 pieces at random offsets; when the event has multi-byte characters, often one split falls inside one. */
	private split(buf: Buffer): Buffer[] {
		const { rng } = this.opts;
		if (buf.length < 2) return [buf];
		const cuts = new Set<number>();
		const r = rng();
		const n = r < 0.4 ? 0 : r < 0.8 ? 1 : 2;
		for (let i = 0; i < n; i++) cuts.add(rng.int(1, buf.length - 1));
		if (rng.chance(0.6)) {
			const inner: number[] = [];
			for (let i = 1; i < buf.length; i++) if ((buf[i] & 0xc0) === 0x80) inner.push(i);
			if (inner.length) cuts.add(rng.pick(inner));
		}
		const sorted = [...cuts].sort((a, b) => a - b);
		const out: Buffer[] = [];
		let prev = 0;
		for (const c of sorted) {
			out.push(buf.subarray(prev, c));
			prev = c;
		}
		out.push(buf.subarray(prev));
		return out;
	}

	private write(piece: Buffer): Promise<void> {
		const { res } = this;
		if (this.closed) return Promise.resolve();
		const cutAfter = this.opts.cutAfter;
		if (cutAfter !== undefined && this.bytes + piece.length >= cutAfter) {
			const part = piece.subarray(0, Math.max(0, cutAfter - this.bytes));
			this.bytes += part.length;
			this.cut = true;
			return new Promise((resolve) => {
				const destroy = () => {
					res.socket?.destroy();
					res.destroy();
					resolve();
				};
				if (part.length) res.write(part, () => setTimeout(destroy, 5));
				else destroy();
			});
		}
		this.bytes += piece.length;
		if (res.write(piece)) return Promise.resolve();
		return new Promise((resolve) => {
			const done = () => {
				res.off('drain', done);
				res.off('close', done);
				resolve();
			};
			res.once('drain', done);
			res.once('close', done);
		});
	}
}
