/** POST /run_sse: checks (plain JSON), then the edit streamed as SSE in one of two dialects. */
import { isSelf, requireAuth } from './auth';
import { consume, freeze, outOfCreditsMessage } from './credits';
import { applyEdit, wantsGeneration, type EditPlan } from './draft';
import { takeFault } from './faults';
import { bizError, readJson, sleep, type Ctx } from './http';
import { buildReply } from './replies';
import { deriveRng, type Rng } from './rng';
import { SESSION_NOT_FOUND } from './sessions';
import { sampleWriter, streamSample } from './sseSample';
import { SseWriter } from './sseWriter';
import type { EditRecord, SessionRecord } from './types';

export const OUT_OF_CREDITS_CODE = 2001;

function promptOf(body: Record<string, unknown>): string {
	const msg = body.new_message as { parts?: Array<{ text?: unknown }> } | undefined;
	if (!msg || !Array.isArray(msg.parts)) return '';
	return msg.parts
		.map((p) => (p && typeof p.text === 'string' ? p.text : ''))
		.join('\n')
		.trim();
}

export async function handleRunSse(ctx: Ctx): Promise<void> {
	const tok = requireAuth(ctx);
	if (!tok) return;
	const body = await readJson(ctx);
	if (!body) return;
	const { sim } = ctx;
	const prompt = promptOf(body);
	if (!prompt) {
		bizError(ctx, 400, 'new_message.parts[].text is required', 400);
		return;
	}
	const sid = typeof body.session_id === 'string' ? body.session_id : undefined;
	const userId = typeof body.user_id === 'string' ? body.user_id : 'me';
	const session = sid ? sim.sessions.get(sid) : undefined;
	if (!session || session.userId !== tok.userId || !isSelf(ctx, userId)) {
		bizError(ctx, SESSION_NOT_FOUND.code, SESSION_NOT_FOUND.message);
		return;
	}
	const generate = wantsGeneration(prompt);
	const cost = generate ? sim.opts.generateCost : sim.opts.editCost;
	if (tok.available < cost) {
		bizError(ctx, OUT_OF_CREDITS_CODE, outOfCreditsMessage(tok, cost));
		return;
	}

	// Per-edit choices come from a seeded sub-stream: same seed + same edit order => same dialect/silence/splits.
	const n = sim.counters.edits++;
	const rng = deriveRng(sim.opts.seed, 'edit', n);
	const dialectRoll = rng.chance(0.5) ? 'adk' : 'simple';
	const dialect = sim.opts.editDialect === 'random' ? dialectRoll : sim.opts.editDialect;
	const silent = rng.chance(sim.opts.silentEditRate);
	const crlf = rng.chance(0.3);
	const sampleBytes = sim.opts.nextEditStreamBytes;
	sim.opts.nextEditStreamBytes = undefined;

	const record: EditRecord = {
		prompt,
		dialect: sampleBytes !== undefined ? 'sample' : dialect,
		silent,
		crlf,
		generated: generate,
		cost,
		startedAt: Date.now(),
	};
	session.edits.push(record);

	// The edit takes effect now, before any byte is streamed: a cut stream still applied it.
	freeze(tok, cost);
	let settled = false;
	const settle = () => {
		if (settled) return;
		settled = true;
		consume(tok, cost);
		record.finishedAt = Date.now();
	};
	const plan = applyEdit(sim, session, prompt);
	ctx.signal.addEventListener('abort', () => {
		if (!ctx.res.writableEnded) record.aborted = true;
		settle();
	});

	const cut = takeFault(sim, ctx.method, ctx.path, ['sseCut']);
	if (sampleBytes !== undefined) {
		const w = sampleWriter(ctx.res, sim.opts.seed, cut ? (cut.afterBytes ?? 0) : undefined);
		w.start();
		await streamSample(w, sim.opts.seed, sampleBytes);
		settle();
		return;
	}
	const writer = new SseWriter(ctx.res, { rng, crlf, cutAfter: cut ? (cut.afterBytes ?? 0) : undefined });
	writer.start();
	await streamEdit(ctx, writer, rng, { session, plan, dialect, silent });
	settle();
}

interface EditScript {
	session: SessionRecord;
	plan: EditPlan;
	dialect: 'simple' | 'adk';
	silent: boolean;
}

async function streamEdit(ctx: Ctx, w: SseWriter, rng: Rng, s: EditScript): Promise<void> {
	const { sim } = ctx;
	const { plan, dialect } = s;
	const reply = buildReply(plan, s.session.state.draft, s.session.language, rng);
	const invocationId = `e-${sim.hex(8)}`;
	let evt = 0;
	const adk = (content: unknown, extra: Record<string, unknown> = {}) =>
		w.data({ content, author: 'nemo_agent', invocationId, id: `evt_${++evt}`, timestamp: Date.now() / 1000, ...extra });

	let lastBeat = Date.now();
	const hb = sim.opts.heartbeatIntervalMs;
	/** Wait, keeping the connection alive with heartbeats (plus the odd empty data line / comment). */
	const wait = async (ms: number) => {
		const end = Date.now() + ms;
		while (!w.closed && !ctx.signal.aborted) {
			const now = Date.now();
			if (now >= end) break;
			const nextBeat = hb > 0 ? lastBeat + hb : Infinity;
			await sleep(Math.max(1, Math.min(end, nextBeat) - now), ctx.signal);
			if (hb > 0 && Date.now() >= lastBeat + hb && Date.now() < end + 1) {
				lastBeat = Date.now();
				const r = rng();
				if (r < 0.8) await w.data({ type: 'heartbeat' });
				else if (r < 0.9) await w.emptyData();
				else await w.comment('ping');
			}
		}
	};
	const text = async (full: string | undefined) => {
		if (!full || s.silent) return;
		const pieces = splitText(full, rng);
		if (dialect === 'simple') {
			for (const p of pieces) await w.data({ type: 'text', content: p });
		} else {
			for (const p of pieces) await adk({ parts: [{ text: p }], role: 'model' }, { partial: true });
			await adk({ parts: [{ text: full }], role: 'model' }, rng.chance(0.5) ? { partial: false } : {});
		}
	};
	const tool = async (t: EditPlan['tools'][number], waitMs: number) => {
		const id = `call_${sim.hex(6)}`;
		if (dialect === 'simple') await w.data({ type: 'tool_call', name: t.name, args: t.args });
		else await adk({ parts: [{ functionCall: { id, name: t.name, args: t.args } }], role: 'model' });
		await wait(waitMs);
		if (dialect === 'simple') await w.data({ type: 'tool_result', name: t.name, result: t.result });
		else await adk({ parts: [{ functionResponse: { id, name: t.name, response: t.result } }], role: 'user' });
	};

	if (rng.chance(0.3)) await w.comment('stream open');
	await text(reply.intro);
	const tools = plan.tools;
	const ordinary = tools.filter((t) => t.name !== 'generate_video');
	const slice = ordinary.length ? sim.opts.editDurationMs / ordinary.length : 0;
	for (const t of tools) {
		if (w.closed) return;
		await tool(t, t.name === 'generate_video' ? sim.opts.generationMs : slice);
		if (rng.chance(0.2)) await w.emptyData();
	}
	if (!tools.length) await wait(sim.opts.editDurationMs);
	await text(reply.outro);
	await w.end();
}

/** Split a reply into 1-5 deltas at random code-point offsets (concatenating the deltas gives the text back). */
function splitText(full: string, rng: Rng): string[] {
	const n = rng.int(1, 5);
	if (n === 1) return [full];
	const cps = Array.from(full);
	const cuts = new Set<number>();
	for (let i = 0; i < n - 1; i++) cuts.add(rng.int(1, cps.length - 1));
	const out: string[] = [];
	let prev = 0;
	for (const c of [...cuts].sort((a, b) => a - b)) {
		out.push(cps.slice(prev, c).join(''));
		prev = c;
	}
	out.push(cps.slice(prev).join(''));
	return out.filter((p) => p.length > 0);
}
