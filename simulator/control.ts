/** `/__sim/*` control API for driving the simulator from another process. Not logged, no auth, no faults. */
import { issueToken, lookupToken } from './auth';
import { setAvailable } from './credits';
import { queueFault, takeFault, validateFault } from './faults';
import { readJson, sendJson, str, type Ctx } from './http';
import { refreshRender } from './render';
import { sampleSummary, sampleWriter, streamSample } from './sseSample';
import type { SimState } from './state';
import type { Fault, SimulatorOptions } from './types';

export function publicConfig(sim: SimState): Record<string, unknown> {
	const { registeredTokens, ...rest } = sim.opts;
	// unset optional settings appear as null, so posting this object back to /__sim/config restores them too
	return {
		renderOutputBytes: null,
		failNextRender: null,
		nextEditStreamBytes: null,
		...stripUndef(rest),
		registeredTokens: registeredTokens.length,
	};
}

function stripUndef(o: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function tokenCounts(sim: SimState): { anonymous: Record<string, number>; total: number } {
	const anonymous: Record<string, number> = {};
	let total = 0;
	for (const [id, n] of sim.anonIssuesByClient) {
		anonymous[id] = n;
		total += n;
	}
	return { anonymous, total };
}

export async function handleControl(ctx: Ctx): Promise<void> {
	const { sim, method, path } = ctx;
	const m = (re: RegExp) => re.exec(path);
	let hit: RegExpExecArray | null;
	if (method === 'GET' && path === '/__sim/health') return sendJson(ctx, 200, { ok: true });
	if (method === 'GET' && path === '/__sim/log') return sendJson(ctx, 200, sim.log);
	if (method === 'GET' && path === '/__sim/faults') return sendJson(ctx, 200, sim.faults);
	if (method === 'GET' && path === '/__sim/config') return sendJson(ctx, 200, publicConfig(sim));
	if (method === 'GET' && path === '/__sim/tokens') return sendJson(ctx, 200, tokenCounts(sim));
	if (method === 'POST' && path === '/__sim/reset') {
		sim.reset();
		return sendJson(ctx, 200, { ok: true });
	}
	if (method === 'POST' && path === '/__sim/faults') {
		const body = await readRaw(ctx);
		if (body === undefined) return;
		const list = (Array.isArray(body) ? body : [body]) as Fault[];
		try {
			list.forEach(validateFault);
		} catch (e) {
			return sendJson(ctx, 400, { ok: false, error: (e as Error).message });
		}
		list.forEach((f) => queueFault(sim, f));
		return sendJson(ctx, 200, { ok: true, queued: list.length, pending: sim.faults.length });
	}
	if (method === 'POST' && path === '/__sim/config') {
		const body = await readJson(ctx);
		if (!body) return;
		if ('tokenRejection' in body && body.tokenRejection !== 'http401' && body.tokenRejection !== 'code200') {
			return sendJson(ctx, 400, { ok: false, error: "tokenRejection must be 'http401' or 'code200'" });
		}
		sim.configure(body as Partial<SimulatorOptions>);
		return sendJson(ctx, 200, { ok: true, config: publicConfig(sim) });
	}
	if (method === 'POST' && path === '/__sim/tokens/issue') {
		const body = await readJson(ctx);
		if (!body) return;
		const kind = body.kind === 'registered' ? 'registered' : 'anonymous';
		const credits = typeof body.credits === 'number' ? body.credits : undefined;
		const rec = issueToken(sim, kind, { credits, clientId: str(body.clientId) });
		return sendJson(ctx, 200, { token: rec.token, user_id: rec.userId, kind, credits: rec.available });
	}
	if (method === 'POST' && path === '/__sim/tokens/expire') {
		const body = await readJson(ctx);
		if (!body) return;
		const rec = lookupToken(sim, str(body.token) ?? '');
		if (!rec) return sendJson(ctx, 404, { ok: false, error: 'unknown token' });
		rec.expired = true;
		return sendJson(ctx, 200, { ok: true });
	}
	if (method === 'POST' && path === '/__sim/credits') {
		const body = await readJson(ctx);
		if (!body) return;
		const rec = lookupToken(sim, str(body.token) ?? '');
		if (!rec || typeof body.available !== 'number')
			return sendJson(ctx, 400, { ok: false, error: 'token (known) and available (number) are required' });
		setAvailable(rec, body.available);
		return sendJson(ctx, 200, { ok: true });
	}
	if (method === 'GET' && (hit = m(/^\/__sim\/sessions\/([^/]+)$/))) {
		const s = sim.sessions.get(decodeURIComponent(hit[1]));
		return s ? sendJson(ctx, 200, s) : sendJson(ctx, 404, { ok: false, error: 'session not found' });
	}
	if (method === 'GET' && (hit = m(/^\/__sim\/renders\/([^/]+)$/))) {
		const r = sim.renders.get(decodeURIComponent(hit[1]));
		return r ? sendJson(ctx, 200, refreshRender(sim, r)) : sendJson(ctx, 404, { ok: false, error: 'render not found' });
	}
	if (method === 'GET' && path === '/__sim/sse-sample') {
		const bytes = Number(ctx.query.get('bytes') ?? '65536');
		const seed = Number(ctx.query.get('seed') ?? sim.opts.seed);
		if (!Number.isFinite(bytes) || bytes < 0 || !Number.isFinite(seed))
			return sendJson(ctx, 400, { ok: false, error: 'bytes and seed must be numbers' });
		if (ctx.query.get('summary') === '1') return sendJson(ctx, 200, sampleSummary(seed, bytes));
		const cut = takeFault(sim, method, path, ['sseCut']);
		const w = sampleWriter(ctx.res, seed, cut ? (cut.afterBytes ?? 0) : undefined);
		w.start();
		await streamSample(w, seed, bytes);
		return;
	}
	if (method === 'GET' && path === '/__sim/sse-unterminated') {
		const bytes = Number(ctx.query.get('bytes') ?? String(16 * 1024 * 1024));
		if (!Number.isFinite(bytes) || bytes < 0) return sendJson(ctx, 400, { ok: false, error: 'bytes must be a number' });
		await streamUnterminated(ctx, bytes);
		return;
	}
	sendJson(ctx, 404, { ok: false, error: `unknown control route ${method} ${path}` });
}

/**
 * A broken event stream for clients' buffer limits: one whole text event, then a `data:` line of
 * `bytes` characters that never ends (no newline), then the connection closes. Stops when the
 * client goes away.
 */
async function streamUnterminated(ctx: Ctx, bytes: number): Promise<void> {
	const { res } = ctx;
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	res.write('data: {"type":"text","content":"Working on it."}\n\ndata: ');
	const chunk = Buffer.alloc(64 * 1024, 'x');
	let sent = 0;
	while (sent < bytes && !ctx.signal.aborted && !res.destroyed) {
		const piece = sent + chunk.length <= bytes ? chunk : chunk.subarray(0, bytes - sent);
		sent += piece.length;
		if (!res.write(piece)) {
			await new Promise<void>((resolve) => {
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
	if (!res.destroyed) res.end();
}

async function readRaw(ctx: Ctx): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const c of ctx.req) chunks.push(c as Buffer);
	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		sendJson(ctx, 400, { ok: false, error: 'invalid JSON body' });
		return undefined;
	}
}
