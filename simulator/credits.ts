/** Credit balance endpoint and the freeze -> consume bookkeeping of edits. */
import { requireAuth } from './auth';
import { ok, type Ctx } from './http';
import type { TokenRecord } from './types';

/** GET /api/credits/balance/simple — every other call adds the variant fields total_granted/total_consumed. */
export function handleBalance(ctx: Ctx): void {
	const tok = requireAuth(ctx);
	if (!tok) return;
	const n = ctx.sim.counters.balance++;
	const data: Record<string, number> = {
		available: tok.available,
		frozen: tok.frozen,
		total: tok.available + tok.frozen,
	};
	if (n % 2 === 1) {
		data.total_granted = tok.granted;
		data.total_consumed = tok.consumed;
	}
	ok(ctx, data);
}

export function freeze(tok: TokenRecord, cost: number): void {
	tok.available -= cost;
	tok.frozen += cost;
}

export function consume(tok: TokenRecord, cost: number): void {
	tok.frozen -= cost;
	tok.consumed += cost;
}

export function setAvailable(tok: TokenRecord, available: number): void {
	tok.available = available;
	tok.granted = tok.available + tok.frozen + tok.consumed;
}

export function outOfCreditsMessage(tok: TokenRecord, cost: number): string {
	const base = `Not enough credits: this request needs ${cost}, you have ${tok.available}.`;
	if (tok.kind === 'anonymous') {
		return `${base} Register to get more free credits: https://nemovideo.ai/register?bind=${tok.userId}`;
	}
	return `${base} Top up your credits at https://nemovideo.ai/pricing`;
}
