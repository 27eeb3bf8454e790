/** Session creation and the session-state endpoint. */
import { isSelf, requireAuth } from './auth';
import { bizError, ok, readJson, str, type Ctx } from './http';
import type { SimState } from './state';
import type { SessionRecord, SessionState, TokenRecord } from './types';

export const SESSION_NOT_FOUND = { code: 1002, message: 'session not found' };

export function emptyState(): SessionState {
	return {
		draft: {},
		video_infos: [],
		generated_media: [],
		canvas_config: { width: 1920, height: 1080, fps: 25, background: '#000000' },
		video_analyses: [],
	};
}

/** Resolve `{me|user_id}/{sid}` for the calling token; undefined when unknown or someone else's. */
export function findOwnSession(
	ctx: Ctx,
	userSegment: string | undefined,
	sessionId: string | undefined,
): SessionRecord | undefined {
	if (!sessionId || !ctx.token || !isSelf(ctx, userSegment)) return undefined;
	const s = ctx.sim.sessions.get(sessionId);
	return s && s.userId === ctx.token.userId ? s : undefined;
}

export function createSession(sim: SimState, tok: TokenRecord, taskName: string, language: string): SessionRecord {
	const rec: SessionRecord = {
		sessionId: sim.uuid(),
		taskId: `task_${sim.hex(8)}`,
		userId: tok.userId,
		taskName,
		language,
		createdAt: Date.now(),
		state: emptyState(),
		edits: [],
	};
	sim.sessions.set(rec.sessionId, rec);
	return rec;
}

/** POST /api/tasks/{me|uid}/with-session/nemo_agent */
export async function handleCreateSession(ctx: Ctx): Promise<void> {
	const tok = requireAuth(ctx);
	if (!tok) return;
	if (!isSelf(ctx, ctx.params[0])) {
		bizError(ctx, 403, 'user mismatch: use "me" or your own user id', 403);
		return;
	}
	const body = await readJson(ctx);
	if (!body) return;
	const rec = createSession(ctx.sim, tok, str(body.task_name) ?? 'project', str(body.language) ?? 'en');
	const n = ctx.sim.counters.sessions++;
	const mode = ctx.sim.opts.userIdInSession;
	const withUser = mode === 'present' || (mode === 'alternate' && n % 2 === 0);
	const data: Record<string, unknown> = { task_id: rec.taskId, session_id: rec.sessionId };
	if (withUser) data.user_id = rec.userId;
	ok(ctx, data);
}

/** GET /api/state/nemo_agent/{me|uid}/{sid}/latest */
export function handleState(ctx: Ctx): void {
	if (!requireAuth(ctx)) return;
	const s = findOwnSession(ctx, ctx.params[0], ctx.params[1]);
	if (!s) {
		bizError(ctx, SESSION_NOT_FOUND.code, SESSION_NOT_FOUND.message);
		return;
	}
	ok(ctx, { session_id: s.sessionId, state: s.state });
}
