/** Request context and small response/body helpers shared by every route. */
import type { IncomingMessage, ServerResponse } from 'http';
import type { RequestLogEntry, TokenRecord } from './types';
import type { SimState } from './state';

export interface Ctx {
	sim: SimState;
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	path: string;
	query: URLSearchParams;
	/** undefined for control routes (they are not logged) */
	entry?: RequestLogEntry;
	params: string[];
	token?: TokenRecord;
	/** aborted when the response closes (finished or client gone) */
	signal: AbortSignal;
}

export function sendJson(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const { res } = ctx;
	if (res.headersSent || res.destroyed) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
}

/** `{code:0,message,data}` on HTTP 200. */
export function ok(ctx: Ctx, data: unknown, message = 'success'): void {
	sendJson(ctx, 200, { code: 0, message, data });
}

/** Business error: `{code,message,data:null}`, HTTP 200 unless given. */
export function bizError(
	ctx: Ctx,
	code: number,
	message: string,
	httpStatus = 200,
	headers: Record<string, string> = {},
): void {
	sendJson(ctx, httpStatus, { code, message, data: null }, headers);
}

export function renderOk(ctx: Ctx, data: unknown): void {
	sendJson(ctx, 200, { success: true, data });
}

export function renderError(ctx: Ctx, error: string, httpStatus = 200): void {
	sendJson(ctx, httpStatus, { success: false, error });
}

export function countIn(ctx: Ctx, n: number): void {
	if (ctx.entry) ctx.entry.bytesIn += n;
}

/** Read a small body completely (JSON requests only; never used for uploads). */
export function readBody(ctx: Ctx, limit: number): Promise<Buffer | 'tooLarge'> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let done = false;
		const onData = (c: Buffer) => {
			countIn(ctx, c.length);
			size += c.length;
			if (size > limit) {
				done = true;
				ctx.req.off('data', onData);
				ctx.req.resume();
				resolve('tooLarge');
				return;
			}
			chunks.push(c);
		};
		ctx.req.on('data', onData);
		ctx.req.on('end', () => {
			if (!done) resolve(Buffer.concat(chunks));
		});
		ctx.req.on('error', (e) => {
			if (!done) reject(e);
		});
		ctx.req.on('aborted', () => {
			if (!done) reject(new Error('aborted'));
		});
	});
}

/** Parse a JSON object body; on failure answers HTTP 400 and returns undefined. */
export async function readJson(ctx: Ctx, limit = 20 * 1024 * 1024): Promise<Record<string, unknown> | undefined> {
	let buf: Buffer | 'tooLarge';
	try {
		buf = await readBody(ctx, limit);
	} catch {
		return undefined;
	}
	if (buf === 'tooLarge') {
		bizError(ctx, 413, 'request body too large', 413);
		return undefined;
	}
	if (buf.length === 0) return {};
	try {
		const v = JSON.parse(buf.toString('utf8'));
		if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
	} catch {
		// fall through
	}
	bizError(ctx, 400, 'invalid JSON body', 400);
	return undefined;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal?.aborted || ms <= 0) return resolve();
		const t = setTimeout(done, ms);
		function done() {
			clearTimeout(t);
			signal?.removeEventListener('abort', done);
			resolve();
		}
		signal?.addEventListener('abort', done, { once: true });
	});
}

export function header(ctx: Ctx, name: string): string | undefined {
	const v = ctx.req.headers[name.toLowerCase()];
	if (Array.isArray(v)) return v[0];
	return v === undefined || v === '' ? undefined : v;
}

export function clientIp(ctx: Ctx): string {
	const fwd = header(ctx, 'x-forwarded-for');
	if (fwd) return fwd.split(',')[0].trim();
	return ctx.req.socket.remoteAddress ?? 'unknown';
}

export function str(v: unknown): string | undefined {
	return typeof v === 'string' && v.length > 0 ? v : undefined;
}
