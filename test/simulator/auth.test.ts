import type { Simulator } from '../../simulator';
import { call, fastSim, newSession } from './rawRequests';

describe('simulator: tokens, auth, sessions, credits', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await fastSim();
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());

	const anon = (clientId?: string, ip?: string) =>
		call(sim, 'POST', '/api/auth/anonymous-token', {
			headers: { ...(clientId ? { 'X-Client-Id': clientId } : {}), ...(ip ? { 'X-Forwarded-For': ip } : {}) },
		});

	test('anonymous token: nmv_usr_ token, user id, 7-day expiry and 100 credits', async () => {
		const r = await anon('c-1');
		expect(r.status).toBe(200);
		expect(r.json.code).toBe(0);
		expect(r.json.data.token).toMatch(/^nmv_usr_[0-9a-f]+$/);
		expect(typeof r.json.data.user_id).toBe('string');
		expect(r.json.data.credits).toBe(100);
		const days = (Date.parse(r.json.data.expires_at) - Date.now()) / 86400000;
		expect(days).toBeGreaterThan(6.9);
		expect(days).toBeLessThan(7.1);
	});

	test('anonymous token without X-Client-Id is HTTP 400', async () => {
		const r = await anon();
		expect(r.status).toBe(400);
	});

	test('one token per client id while it is valid (429); an expired token frees the client', async () => {
		const first = await anon('c-2');
		const second = await anon('c-2');
		expect(second.status).toBe(429);
		expect(second.json.code).toBe(429);
		sim.expireToken(first.json.data.token);
		const third = await anon('c-2');
		expect(third.status).toBe(200);
		const counts = await call(sim, 'GET', '/__sim/tokens');
		expect(counts.json).toEqual({ anonymous: { 'c-2': 2 }, total: 2 });
		expect(counts.text).not.toContain('nmv_usr_');
	});

	test('five anonymous tokens per IP per hour, then 429 with Retry-After', async () => {
		for (let i = 0; i < 5; i++) expect((await anon(`ip-c-${i}`, '10.0.0.9')).status).toBe(200);
		const sixth = await anon('ip-c-6', '10.0.0.9');
		expect(sixth.status).toBe(429);
		expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(3500);
		expect((await anon('ip-c-7', '10.0.0.10')).status).toBe(200);
	});

	test('missing, unknown and expired tokens get HTTP 401 code 1001', async () => {
		const none = await call(sim, 'GET', '/api/credits/balance/simple');
		expect(none.status).toBe(401);
		expect(none.json).toMatchObject({ code: 1001, message: 'token invalid or expired' });
		expect((await call(sim, 'GET', '/api/credits/balance/simple', { token: 'nmv_usr_nope' })).status).toBe(401);
		const t = sim.issueToken('anonymous', { clientId: 'c-x' });
		expect((await call(sim, 'GET', '/api/credits/balance/simple', { token: t })).status).toBe(200);
		sim.expireToken(t);
		const expired = await call(sim, 'GET', '/api/credits/balance/simple', { token: t });
		expect(expired.status).toBe(401);
		expect(expired.json.code).toBe(1001);
		const run = await call(sim, 'POST', '/run_sse', {
			body: { session_id: 'x', new_message: { parts: [{ text: 'hi' }] } },
		});
		expect(run.status).toBe(401);
	});

	test("tokenRejection 'code200' (set over /__sim/config) answers a bad token with code 1001 inside HTTP 200", async () => {
		const t = sim.issueToken('anonymous', { clientId: 'c-200' });
		sim.expireToken(t);
		try {
			expect((await call(sim, 'POST', '/__sim/config', { body: { tokenRejection: 'sometimes' } })).status).toBe(400);
			const set = await call(sim, 'POST', '/__sim/config', { body: { tokenRejection: 'code200' } });
			expect(set.json.config.tokenRejection).toBe('code200');
			const expired = await call(sim, 'GET', '/api/credits/balance/simple', { token: t });
			expect(expired.status).toBe(200);
			expect(expired.json).toMatchObject({ code: 1001, data: null });
		} finally {
			sim.configure({ tokenRejection: 'http401' });
		}
		expect((await call(sim, 'GET', '/api/credits/balance/simple', { token: t })).status).toBe(401);
	});

	test('the default registered token works and has 10000 credits', async () => {
		const r = await call(sim, 'GET', '/api/credits/balance/simple', { token: 'nmv_sk_simulator' });
		expect(r.json.data).toMatchObject({ available: 10000, frozen: 0, total: 10000 });
	});

	test('balance alternates between the simple shape and the variant with total_granted/total_consumed', async () => {
		const t = sim.issueToken('anonymous');
		const a = await call(sim, 'GET', '/api/credits/balance/simple', { token: t });
		const b = await call(sim, 'GET', '/api/credits/balance/simple', { token: t });
		expect(Object.keys(a.json.data).sort()).toEqual(['available', 'frozen', 'total']);
		expect(b.json.data).toEqual({ available: 100, frozen: 0, total: 100, total_granted: 100, total_consumed: 0 });
		sim.setCredits(t, 7);
		expect((await call(sim, 'GET', '/api/credits/balance/simple', { token: t })).json.data.available).toBe(7);
	});

	test('session create: user_id alternates present/absent by default, and follows the option', async () => {
		const t = sim.issueToken('anonymous');
		const body = { task_name: 'project', language: 'en' };
		const a = await call(sim, 'POST', '/api/tasks/me/with-session/nemo_agent', { token: t, body });
		const b = await call(sim, 'POST', '/api/tasks/me/with-session/nemo_agent', { token: t, body });
		expect(a.json.data.user_id).toEqual(expect.any(String));
		expect(b.json.data).not.toHaveProperty('user_id');
		expect(a.json.data.task_id).toEqual(expect.any(String));
		expect(b.json.data.session_id).toEqual(expect.any(String));
		sim.configure({ userIdInSession: 'absent' });
		const c = await call(sim, 'POST', '/api/tasks/me/with-session/nemo_agent', { token: t, body });
		expect(c.json.data).not.toHaveProperty('user_id');
		sim.configure({ userIdInSession: 'present' });
		const d = await call(sim, 'POST', `/api/tasks/${a.json.data.user_id}/with-session/nemo_agent`, { token: t, body });
		expect(d.json.data.user_id).toBe(a.json.data.user_id);
		expect(sim.getSession(d.json.data.session_id)?.language).toBe('en');
		sim.configure({ userIdInSession: 'alternate' });
	});

	test('state of an unknown session, or of another user, is code 1002; me and the own user id both work', async () => {
		const t1 = sim.issueToken('anonymous');
		const t2 = sim.issueToken('anonymous');
		const sid = await newSession(sim, t1);
		const uid = sim.getSession(sid)!.userId;
		const own = await call(sim, 'GET', `/api/state/nemo_agent/me/${sid}/latest`, { token: t1 });
		expect(own.json.code).toBe(0);
		expect(own.json.data.state).toMatchObject({ draft: {}, video_infos: [], generated_media: [], video_analyses: [] });
		expect(own.json.data.state.canvas_config).toMatchObject({ width: 1920, height: 1080 });
		expect((await call(sim, 'GET', `/api/state/nemo_agent/${uid}/${sid}/latest`, { token: t1 })).json.code).toBe(0);
		const other = await call(sim, 'GET', `/api/state/nemo_agent/me/${sid}/latest`, { token: t2 });
		expect(other.status).toBe(200);
		expect(other.json.code).toBe(1002);
		expect((await call(sim, 'GET', `/api/state/nemo_agent/me/nope/latest`, { token: t1 })).json.code).toBe(1002);
	});

	test('the request log records API calls (not control routes) with client id, auth flag and skill headers', async () => {
		await anon('log-client');
		await call(sim, 'GET', '/__sim/log');
		expect(sim.log).toHaveLength(1);
		const e = sim.log[0];
		expect(e).toMatchObject({
			method: 'POST',
			path: '/api/auth/anonymous-token',
			status: 200,
			clientId: 'log-client',
			hasAuth: false,
		});
		expect(e.skillHeaders).toEqual({ source: 'image-to-video-local', version: '1.0.0', platform: 'n8n' });
		expect(e.finishedAt).toBeGreaterThanOrEqual(e.startedAt);
		const viaHttp = await call(sim, 'GET', '/__sim/log');
		expect(viaHttp.json).toHaveLength(1);
	});
});
