/** Render endpoints (`{success,data}` / `{success:false,error}` envelope): submit, poll, cancel, authenticated download. */
import { requireAuth } from './auth';
import { draftDurationMs, isDraftReady } from './draft';
import { header, readJson, renderError, renderOk, sendJson, str, type Ctx } from './http';
import * as path from 'path';
import { assetFor, servedSize, slideshowSupports, startSlideshow, streamMp4, type SlideshowJob } from './mp4';
import type { SimState } from './state';
import type { Draft, RenderRecord, SessionRecord } from './types';

export const RENDER_ERRORS = {
	missingHeaders:
		'export blocked: missing attribution headers (X-Skill-Source, X-Skill-Version, X-Skill-Platform) or plan tier does not allow export',
	missingId: 'id is required',
	duplicate: 'render id already exists',
	sessionNotFound: 'session not found',
	draftNotReady: 'draft is not ready: it has no track with segments (send an edit first)',
	notFound: 'render not found',
};

/** A render being made from the session's uploads (renderFrom 'uploads'): ffmpeg, then the time it finished. */
interface UploadRender {
	job: SlideshowJob;
	file?: string;
	finishedAt?: number;
}

const uploadRenders = new WeakMap<RenderRecord, UploadRender>();

/**
 * With renderFrom 'uploads': the session's uploaded images (in upload order) when every one of them has its
 * bytes kept and is a JPEG, PNG or WebP; otherwise undefined and the render serves a sample MP4.
 */
function uploadedImages(sim: SimState, session: SessionRecord): Array<{ file: string; mime: string }> | undefined {
	const images = session.state.video_infos.filter((m) => m.file_type === 'image');
	if (images.length === 0) return undefined;
	const out: Array<{ file: string; mime: string }> = [];
	for (const m of images) {
		const u = sim.uploads.get(m.id);
		// URL uploads keep no bytes
		if (!u?.file || !slideshowSupports(u.mime)) return undefined;
		out.push({ file: u.file, mime: u.mime });
	}
	return out;
}

/** Start ffmpeg on the uploads when the simulator renders from them; killed on cancel and on close/reset. */
function startUploadRender(sim: SimState, r: RenderRecord, session: SessionRecord, draft: unknown): void {
	if (sim.opts.renderFrom !== 'uploads') return;
	const images = uploadedImages(sim, session);
	if (!images) return;
	const m = (draft as Partial<Draft>).m;
	const even = (n: unknown, d: number) => (typeof n === 'number' && n >= 2 && n <= 4096 ? Math.round(n / 2) * 2 : d);
	const job = startSlideshow({
		images,
		durationMs: r.durationMs,
		width: even(m?.width, 1920),
		height: even(m?.height, 1080),
		fps: typeof m?.fps === 'number' && m.fps > 0 && m.fps <= 60 ? m.fps : 25,
		out: path.join(sim.uploadDir, `render-${sim.hex(6)}.mp4`),
	});
	const rec: UploadRender = { job };
	uploadRenders.set(r, rec);
	const stop = () => job.kill();
	sim.children.add(stop);
	void job.done.then((file) => {
		sim.children.delete(stop);
		rec.file = file;
		rec.finishedAt = Date.now();
	});
}

/** Bring a render's status up to date from the clock (pending -> processing -> completed | failed). */
export function refreshRender(sim: SimState, r: RenderRecord, now = Date.now()): RenderRecord {
	if (r.status === 'completed' || r.status === 'failed' || r.status === 'cancelled') return r;
	const elapsed = now - r.submittedAt;
	const fail = sim.renderFailures.get(r.id);
	const made = uploadRenders.get(r);
	if (fail && elapsed >= fail.atMs) {
		r.status = 'failed';
		r.failedAt = r.submittedAt + fail.atMs;
		r.error = fail.error;
		r.progress = Math.min(99, Math.floor((fail.atMs / r.renderMs) * 100));
	} else if (elapsed >= r.renderMs && made && made.finishedAt === undefined) {
		// renderMs is over but ffmpeg is still writing the MP4: the render completes when its file does
		r.status = 'processing';
		r.progress = 99;
	} else if (elapsed >= r.renderMs) {
		r.status = 'completed';
		r.completedAt = Math.max(r.submittedAt + r.renderMs, made?.finishedAt ?? 0);
		r.progress = 100;
		// the MP4 made from the uploads; the sample when ffmpeg is missing or could not make it
		if (made?.file) r.asset = made.file;
	} else if (elapsed < r.renderMs * 0.1) {
		r.status = 'pending';
		r.progress = 0;
	} else {
		r.status = 'processing';
		r.progress = Math.max(1, Math.min(99, Math.floor((elapsed / r.renderMs) * 100)));
	}
	return r;
}

export function renderView(sim: SimState, r: RenderRecord): Record<string, unknown> {
	refreshRender(sim, r);
	const data: Record<string, unknown> = { id: r.id, status: r.status, progress: r.progress };
	if (r.status === 'completed') {
		const size = servedSize(r.asset, sim.opts.renderOutputBytes);
		if (r.urlStyle === 'outputUrl')
			Object.assign(data, { outputUrl: r.outputUrl, size, duration: r.durationMs / 1000 });
		else data.output = { url: r.outputUrl, format: r.format, size, duration: r.durationMs / 1000 };
	}
	if (r.status === 'failed') data.error = r.error;
	return data;
}

function ownRender(ctx: Ctx, id: string | undefined): RenderRecord | undefined {
	const r = id ? ctx.sim.renders.get(id) : undefined;
	return r && ctx.token && r.userId === ctx.token.userId ? r : undefined;
}

/** POST /api/render/proxy/lambda */
export async function handleRenderStart(ctx: Ctx): Promise<void> {
	const tok = requireAuth(ctx);
	if (!tok) return;
	const { sim } = ctx;
	if (!header(ctx, 'x-skill-source') || !header(ctx, 'x-skill-version') || !header(ctx, 'x-skill-platform')) {
		renderError(ctx, RENDER_ERRORS.missingHeaders, 402);
		return;
	}
	const body = await readJson(ctx);
	if (!body) return;
	const id = str(body.id);
	if (!id) return renderError(ctx, RENDER_ERRORS.missingId);
	if (sim.renders.has(id)) return renderError(ctx, RENDER_ERRORS.duplicate);
	const sessionId = str(body.sessionId) ?? str(body.session_id);
	const session = sessionId ? sim.sessions.get(sessionId) : undefined;
	// The render route speaks its own envelope but the same codes as the others: 1002 for an unknown session.
	if (!session || session.userId !== tok.userId)
		return sendJson(ctx, 200, { success: false, code: 1002, error: RENDER_ERRORS.sessionNotFound });
	const draft = body.draft !== undefined && body.draft !== null ? body.draft : session.state.draft;
	if (!isDraftReady(draft)) return renderError(ctx, RENDER_ERRORS.draftNotReady);
	const output = (body.output ?? {}) as { format?: unknown; quality?: unknown };
	const n = sim.counters.renders++;
	const style =
		sim.opts.renderUrlStyle === 'alternate' ? (n % 2 === 0 ? 'outputUrl' : 'output.url') : sim.opts.renderUrlStyle;
	const durationMs = draftDurationMs(draft) || 10000;
	const r: RenderRecord = {
		id,
		sessionId: session.sessionId,
		userId: tok.userId,
		status: 'pending',
		progress: 0,
		submittedAt: Date.now(),
		cancelled: false,
		urlStyle: style,
		outputUrl: `${sim.baseUrl}/cdn/renders/${encodeURIComponent(id)}.mp4`,
		durationMs,
		asset: assetFor(durationMs),
		format: typeof output.format === 'string' ? output.format : 'mp4',
		quality: typeof output.quality === 'string' ? output.quality : 'high',
		renderMs: sim.opts.renderMs,
	};
	sim.renders.set(id, r);
	if (sim.opts.failNextRender) {
		sim.renderFailures.set(id, { atMs: Math.floor(r.renderMs / 2), error: sim.opts.failNextRender });
		sim.opts.failNextRender = undefined;
	} else startUploadRender(sim, r, session, draft);
	renderOk(ctx, { id, status: 'pending', progress: 0 });
}

/** GET /api/render/proxy/lambda/{id} */
export function handleRenderPoll(ctx: Ctx): void {
	if (!requireAuth(ctx)) return;
	const r = ownRender(ctx, ctx.params[0]);
	if (!r) return renderError(ctx, RENDER_ERRORS.notFound, 404);
	renderOk(ctx, renderView(ctx.sim, r));
}

/** POST /api/render/proxy/lambda/{id}/cancel */
export function handleRenderCancel(ctx: Ctx): void {
	if (!requireAuth(ctx)) return;
	const r = ownRender(ctx, ctx.params[0]);
	if (!r) return renderError(ctx, RENDER_ERRORS.notFound, 404);
	refreshRender(ctx.sim, r);
	if (r.status === 'completed' || r.status === 'failed') return renderError(ctx, `render already ${r.status}`);
	if (!r.cancelled) {
		r.cancelled = true;
		r.cancelledAt = Date.now();
		r.status = 'cancelled';
		uploadRenders.get(r)?.job.kill();
	}
	renderOk(ctx, { id: r.id, status: 'cancelled', progress: r.progress });
}

/** GET /api/render/proxy/{id}/download (authenticated fallback, same bytes as the CDN URL) */
export async function handleRenderDownload(ctx: Ctx): Promise<void> {
	if (!requireAuth(ctx)) return;
	const r = ownRender(ctx, ctx.params[0]);
	if (!r) return renderError(ctx, RENDER_ERRORS.notFound, 404);
	refreshRender(ctx.sim, r);
	if (r.status !== 'completed') return renderError(ctx, `render is not completed (status: ${r.status})`, 409);
	await streamMp4(ctx.res, r.asset, {
		padTo: ctx.sim.opts.renderOutputBytes,
		head: ctx.method === 'HEAD',
		name: `${r.id}.mp4`,
	});
}
