/** Tokens: anonymous issuance with per-client and per-IP limits, registered tokens, Bearer validation. */
import { createHash } from 'crypto';
import { bizError, clientIp, header, ok, type Ctx } from './http';
import type { SimState } from './state';
import type { TokenRecord } from './types';

const DAY = 24 * 3600 * 1000;
const HOUR = 3600 * 1000;

export const TOKEN_INVALID = { code: 1001, message: 'token invalid or expired' };

export function isValid(rec: TokenRecord, now = Date.now()): boolean {
	return !rec.expired && now < rec.expiresAt;
}

export function issueToken(
	sim: SimState,
	kind: 'anonymous' | 'registered',
	opts: { credits?: number; clientId?: string; ip?: string } = {},
): TokenRecord {
	const now = Date.now();
	const token = kind === 'anonymous' ? `nmv_usr_${sim.hex(16)}` : `nmv_sk_${sim.hex(16)}`;
	const credits = opts.credits ?? (kind === 'anonymous' ? sim.opts.anonymousCredits : sim.opts.registeredCredits);
	const rec: TokenRecord = {
		token,
		kind,
		userId: kind === 'anonymous' ? `anon_${sim.hex(8)}` : `usr_${sim.hex(8)}`,
		clientId: opts.clientId,
		ip: opts.ip,
		issuedAt: now,
		expiresAt: now + (kind === 'anonymous' ? 7 * DAY : 365 * DAY),
		expired: false,
		available: credits,
		frozen: 0,
		consumed: 0,
		granted: credits,
	};
	sim.tokens.set(token, rec);
	if (kind === 'anonymous' && opts.clientId) {
		sim.anonIssuesByClient.set(opts.clientId, (sim.anonIssuesByClient.get(opts.clientId) ?? 0) + 1);
	}
	return rec;
}

/** Find a token record; configured registered tokens get a record on first use. */
export function lookupToken(sim: SimState, token: string): TokenRecord | undefined {
	const found = sim.tokens.get(token);
	if (found) return found;
	if (!sim.opts.registeredTokens.includes(token)) return undefined;
	const now = Date.now();
	const rec: TokenRecord = {
		token,
		kind: 'registered',
		userId: `usr_${createHash('sha256').update(token).digest('hex').slice(0, 16)}`,
		issuedAt: now,
		expiresAt: now + 365 * DAY,
		expired: false,
		available: sim.opts.registeredCredits,
		frozen: 0,
		consumed: 0,
		granted: sim.opts.registeredCredits,
	};
	sim.tokens.set(token, rec);
	return rec;
}

/**
 * Validates `Authorization: Bearer <token>`; answers code 1001 (with HTTP 401, or HTTP 200 when the
 * `tokenRejection` option is 'code200') and returns undefined when invalid.
 */
export function requireAuth(ctx: Ctx): TokenRecord | undefined {
	const auth = header(ctx, 'authorization');
	const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
	const rec = m ? lookupToken(ctx.sim, m[1]) : undefined;
	if (!rec || !isValid(rec)) {
		bizError(ctx, TOKEN_INVALID.code, TOKEN_INVALID.message, ctx.sim.opts.tokenRejection === 'code200' ? 200 : 401);
		return undefined;
	}
	ctx.token = rec;
	return rec;
}

/** `me` or the token's own user id. */
export function isSelf(ctx: Ctx, userSegment: string | undefined): boolean {
	return userSegment === 'me' || (!!ctx.token && userSegment === ctx.token.userId);
}

/** POST /api/auth/anonymous-token */
export function handleAnonymousToken(ctx: Ctx): void {
	const { sim } = ctx;
	const clientId = header(ctx, 'x-client-id');
	if (!clientId) {
		bizError(ctx, 400, 'X-Client-Id header is required', 400);
		return;
	}
	const now = Date.now();
	const oncePerWeek = sim.opts.clientIdReuse === 'oncePerWeek';
	for (const rec of sim.tokens.values()) {
		if (rec.kind !== 'anonymous' || rec.clientId !== clientId) continue;
		if (isValid(rec, now)) {
			bizError(ctx, 429, 'this client already holds a valid anonymous token (1 per client per 7 days)', 429);
			return;
		}
		if (oncePerWeek && now - rec.issuedAt < 7 * DAY) {
			bizError(
				ctx,
				429,
				'this client already received an anonymous token in the last 7 days (1 per client per 7 days)',
				429,
			);
			return;
		}
	}
	const ip = clientIp(ctx);
	const recent = (sim.ipIssues.get(ip) ?? []).filter((t) => now - t < HOUR);
	if (recent.length >= sim.opts.anonymousTokensPerIpPerHour) {
		const retryAfter = Math.max(1, Math.ceil((recent[0] + HOUR - now) / 1000));
		sim.ipIssues.set(ip, recent);
		bizError(
			ctx,
			429,
			`too many anonymous tokens from this IP (${sim.opts.anonymousTokensPerIpPerHour} per hour)`,
			429,
			{
				'retry-after': String(retryAfter),
			},
		);
		return;
	}
	recent.push(now);
	sim.ipIssues.set(ip, recent);
	const rec = issueToken(sim, 'anonymous', { clientId, ip });
	ok(ctx, {
		token: rec.token,
		user_id: rec.userId,
		expires_at: new Date(rec.expiresAt).toISOString(),
		credits: rec.available,
	});
}
