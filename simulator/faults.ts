/** Fault queue: matching (in order, by method + path regex), consumption, and the request-stage fault behaviours. */
import * as http from 'http';

import { countIn, sendJson, sleep, type Ctx } from './http';
import type { QueuedFault, SimState } from './state';
import type { Fault, FaultKind } from './types';

const KINDS: FaultKind[] = [
	'status',
	'html',
	'malformedJson',
	'reset',
	'delay',
	'sseCut',
	'cdnFail',
	'resetAfterBody',
	'truncatedAnswer',
];

export function validateFault(f: unknown): Fault {
	if (!f || typeof f !== 'object') throw new Error('fault must be an object');
	const fault = f as Fault;
	if (typeof fault.path !== 'string') throw new Error('fault.path (regex source) is required');
	new RegExp(fault.path);
	if (!KINDS.includes(fault.kind)) throw new Error(`fault.kind must be one of ${KINDS.join(', ')}`);
	return fault;
}

export function queueFault(sim: SimState, fault: Fault): void {
	const f = validateFault(fault);
	sim.faults.push({ ...f, remaining: f.times ?? 1 });
}

/** Take (consume once) the first queued fault matching method+path among the given kinds. */
export function takeFault(sim: SimState, method: string, path: string, kinds: FaultKind[]): QueuedFault | undefined {
	for (let i = 0; i < sim.faults.length; i++) {
		const f = sim.faults[i];
		if (!kinds.includes(f.kind)) continue;
		if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
		if (!new RegExp(f.path).test(path)) continue;
		f.remaining--;
		if (f.remaining <= 0) sim.faults.splice(i, 1);
		return f;
	}
	return undefined;
}

function retryHeaders(f: Fault): Record<string, string> {
	return f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {};
}

const STATUS_TEXT: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	402: 'Payment Required',
	403: 'Forbidden',
	404: 'Not Found',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

/**
 * Apply a request-stage fault (everything but sseCut, which SSE streams take themselves; cdnFail only on /cdn/ paths).
 * Returns true when the request has been fully handled (answered or destroyed).
 */
export async function applyRequestFault(ctx: Ctx): Promise<boolean> {
	const kinds: FaultKind[] = ['status', 'html', 'malformedJson', 'reset', 'delay'];
	if (ctx.path.startsWith('/cdn/')) kinds.push('cdnFail');
	const f = takeFault(ctx.sim, ctx.method, ctx.path, kinds);
	if (!f) return false;
	const { res, req } = ctx;
	switch (f.kind) {
		case 'delay':
			await sleep(f.delayMs ?? 1000, ctx.signal);
			return ctx.signal.aborted;
		case 'status': {
			const status = f.status ?? 500;
			const body = f.body !== undefined ? f.body : { code: status, message: `simulated error: HTTP ${status}` };
			sendJson(ctx, status, body, retryHeaders(f));
			return true;
		}
		case 'html': {
			const status = f.status ?? 502;
			const title = `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
			const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
			res.writeHead(status, {
				'content-type': 'text/html',
				'content-length': String(Buffer.byteLength(html)),
				...retryHeaders(f),
			});
			res.end(html);
			return true;
		}
		case 'malformedJson': {
			const text = '{"code":0,"message":"success","data":{"id":"trunc';
			res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(text.length) });
			res.end(text);
			return true;
		}
		case 'cdnFail': {
			const status = f.status ?? 403;
			const code = status === 404 ? 'NoSuchKey' : 'AccessDenied';
			const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${status === 404 ? 'The specified key does not exist.' : 'Access Denied'}</Message></Error>`;
			res.writeHead(status, {
				'content-type': 'application/xml',
				'content-length': String(Buffer.byteLength(xml)),
				...retryHeaders(f),
			});
			res.end(xml);
			return true;
		}
		case 'reset': {
			const after = f.afterBytes ?? 0;
			if (ctx.entry) ctx.entry.aborted = true;
			if (after <= 0) {
				req.socket.destroy();
				return true;
			}
			await new Promise<void>((resolve) => {
				let seen = 0;
				const stop = () => {
					req.off('data', onData);
					req.socket.destroy();
					resolve();
				};
				const onData = (c: Buffer) => {
					countIn(ctx, Math.min(c.length, after - seen));
					seen += c.length;
					if (seen >= after) stop();
				};
				req.on('data', onData);
				req.on('end', stop);
				req.on('close', () => resolve());
			});
			return true;
		}
		default:
			return false;
	}
}

/**
 * Answer-stage faults, armed by the routes that call this before doing their work (uploads): the
 * request is handled in full (body received, effect applied, e.g. the file stored), then its answer
 * is lost. 'resetAfterBody' destroys the socket instead of answering; 'truncatedAnswer' sends the
 * real answer's status and headers with only the first half of its body (Content-Length matching
 * the cut body, so the HTTP exchange itself is well formed and only the JSON is truncated).
 */
export function armAnswerFault(ctx: Ctx): void {
	const f = takeFault(ctx.sim, ctx.method, ctx.path, ['resetAfterBody', 'truncatedAnswer']);
	if (!f) return;
	const { res, req } = ctx;
	let status = 200;
	let headers: Record<string, string> = {};
	res.writeHead = ((code: number, h?: Record<string, string>) => {
		status = code;
		headers = { ...(h ?? {}) };
		return res;
	}) as typeof res.writeHead;
	const end = res.end.bind(res) as (chunk?: string | Buffer) => void;
	res.end = ((chunk?: string | Buffer) => {
		if (f.kind === 'resetAfterBody') {
			if (ctx.entry) ctx.entry.aborted = true;
			req.socket.destroy();
			return res;
		}
		const full = Buffer.from(chunk ?? '');
		const cut = full.subarray(0, Math.max(1, Math.floor(full.length / 2)));
		http.ServerResponse.prototype.writeHead.call(res, status, { ...headers, 'content-length': String(cut.length) });
		end(cut);
		return res;
	}) as typeof res.end;
}
