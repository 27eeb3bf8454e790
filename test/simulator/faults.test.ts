import * as http from 'http';
import type { Simulator } from '../../simulator';
import { call, fastSim, newSession, sleep } from './rawRequests';

const BALANCE = '/api/credits/balance/simple';

describe('simulator: faults and the control API', () => {
	let sim: Simulator;
	let token: string;
	beforeAll(async () => {
		sim = await fastSim();
	});
	afterAll(() => sim.close());
	beforeEach(() => {
		sim.reset();
		token = sim.issueToken('registered');
	});

	test("'status' answers the given status with the {code,message} envelope, or the exact body, and Retry-After", async () => {
		sim.injectFault({ path: '^/api/credits', kind: 'status', status: 503, retryAfter: 2 });
		sim.injectFault({
			path: '^/api/credits',
			kind: 'status',
			status: 401,
			body: { code: 1010, message: 'token expired' },
		});
		const a = await call(sim, 'GET', BALANCE, { token });
		expect(a.status).toBe(503);
		expect(a.json).toEqual({ code: 503, message: expect.any(String) });
		expect(a.headers.get('retry-after')).toBe('2');
		const b = await call(sim, 'GET', BALANCE, { token });
		expect(b.status).toBe(401);
		expect(b.json).toEqual({ code: 1010, message: 'token expired' });
		expect((await call(sim, 'GET', BALANCE, { token })).status).toBe(200);
	});

	test("'html' answers an HTML error page (default 502)", async () => {
		sim.injectFault({ path: BALANCE, kind: 'html' });
		const r = await call(sim, 'GET', BALANCE, { token });
		expect(r.status).toBe(502);
		expect(r.headers.get('content-type')).toMatch(/text\/html/);
		expect(r.text).toContain('<html>');
		expect(r.json).toBeUndefined();
	});

	test("'malformedJson' answers HTTP 200 application/json with a truncated body", async () => {
		sim.injectFault({ path: BALANCE, kind: 'malformedJson' });
		const r = await call(sim, 'GET', BALANCE, { token });
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toMatch(/application\/json/);
		expect(() => JSON.parse(r.text)).toThrow();
	});

	test("'reset' destroys the socket immediately, or after afterBytes of the request body", async () => {
		sim.injectFault({ path: BALANCE, kind: 'reset' });
		await expect(call(sim, 'GET', BALANCE, { token })).rejects.toThrow();
		sim.injectFault({ method: 'POST', path: '^/api/tasks/', kind: 'reset', afterBytes: 100 });
		const err = await new Promise<Error | undefined>((resolve) => {
			const req = http.request(sim.url + '/api/tasks/me/with-session/nemo_agent', {
				method: 'POST',
				headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
			});
			req.on('response', () => resolve(undefined));
			req.on('error', resolve);
			req.write(JSON.stringify({ task_name: 'x'.repeat(300) }).slice(0, 150));
			setTimeout(() => req.end('"}'), 50);
		});
		expect(err).toBeDefined();
		await sleep(10);
		const entry = sim.log.find((e) => e.path.startsWith('/api/tasks/'))!;
		expect(entry.aborted).toBe(true);
		expect(entry.bytesIn).toBe(100);
		expect(entry.status).toBeUndefined();
	});

	test("'delay' waits before answering normally; method filter and times are honoured", async () => {
		sim.injectFault({ method: 'GET', path: BALANCE, kind: 'delay', delayMs: 150, times: 2 });
		sim.injectFault({ method: 'POST', path: BALANCE, kind: 'status', status: 500 });
		for (let i = 0; i < 2; i++) {
			const t0 = Date.now();
			expect((await call(sim, 'GET', BALANCE, { token })).status).toBe(200);
			// A lower bound only: a loaded machine can make a call slower, never faster than the delay.
			expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		}
		// Both delays are used up (so the next GET cannot be delayed); the POST-only fault was not touched.
		const control = await call(sim, 'GET', '/__sim/faults');
		expect(control.json).toHaveLength(1);
		expect(control.json[0]).toMatchObject({ method: 'POST', kind: 'status' });
		expect((await call(sim, 'GET', BALANCE, { token })).status).toBe(200);
		expect((await call(sim, 'GET', '/__sim/faults')).json).toHaveLength(1);
	});

	test('faults are matched in order, consumed, and can be queued over HTTP (one or an array)', async () => {
		const q = await call(sim, 'POST', '/__sim/faults', {
			body: [
				{ path: 'balance', kind: 'status', status: 429, retryAfter: 1 },
				{ path: '.*', kind: 'status', status: 500 },
			],
		});
		expect(q.json).toMatchObject({ ok: true, queued: 2 });
		expect((await call(sim, 'GET', BALANCE, { token })).status).toBe(429);
		expect((await call(sim, 'GET', BALANCE, { token })).status).toBe(500);
		expect((await call(sim, 'GET', BALANCE, { token })).status).toBe(200);
		expect((await call(sim, 'POST', '/__sim/faults', { body: { path: 'x', kind: 'nope' } })).status).toBe(400);
	});

	test('control routes: config, sessions/:id, renders/:id, reset; none of them is logged', async () => {
		const cfg = await call(sim, 'POST', '/__sim/config', { body: { renderMs: 10, editCost: 5 } });
		expect(cfg.json.config).toMatchObject({ renderMs: 10, editCost: 5, registeredTokens: 1 });
		expect(cfg.text).not.toContain('nmv_sk_simulator');
		// GET /__sim/config can be posted back to restore options, including clearing one-shots
		const saved = (await call(sim, 'GET', '/__sim/config')).json;
		expect(saved.renderOutputBytes).toBeNull();
		await call(sim, 'POST', '/__sim/config', { body: { renderOutputBytes: 1_000_000, failNextRender: 'x' } });
		const { registeredTokens: _n, ...restore } = saved;
		await call(sim, 'POST', '/__sim/config', { body: restore });
		expect((await call(sim, 'GET', '/__sim/config')).json).toMatchObject({
			renderOutputBytes: null,
			failNextRender: null,
			renderMs: 10,
		});
		const sid = await newSession(sim, token);
		const s = await call(sim, 'GET', `/__sim/sessions/${sid}`);
		expect(s.json).toMatchObject({ sessionId: sid, state: { draft: {} }, edits: [] });
		expect((await call(sim, 'GET', '/__sim/sessions/none')).status).toBe(404);
		expect((await call(sim, 'GET', '/__sim/renders/none')).status).toBe(404);
		const issued = await call(sim, 'POST', '/__sim/tokens/issue', {
			body: { kind: 'anonymous', credits: 3, clientId: 'ctl' },
		});
		expect(issued.json.token).toMatch(/^nmv_usr_/);
		expect((await call(sim, 'GET', BALANCE, { token: issued.json.token })).json.data.available).toBe(3);
		await call(sim, 'POST', '/__sim/credits', { body: { token: issued.json.token, available: 9 } });
		expect((await call(sim, 'GET', BALANCE, { token: issued.json.token })).json.data.available).toBe(9);
		await call(sim, 'POST', '/__sim/tokens/expire', { body: { token: issued.json.token } });
		expect((await call(sim, 'GET', BALANCE, { token: issued.json.token })).status).toBe(401);
		expect(sim.log.map((e) => e.path)).toEqual(['/api/tasks/me/with-session/nemo_agent', BALANCE, BALANCE, BALANCE]);
		await call(sim, 'POST', '/__sim/reset');
		expect(sim.log).toHaveLength(0);
		expect(sim.getSession(sid)).toBeUndefined();
		sim.configure({ renderMs: 300, editCost: 50 });
	});

	test('unknown routes are 404; the whole simulator closes with open connections', async () => {
		expect((await call(sim, 'GET', '/api/nope', { token })).status).toBe(404);
		const other = await fastSim();
		const t = other.issueToken('registered');
		const sid = await newSession(other, t);
		other.injectFault({ path: '.*', kind: 'delay', delayMs: 10_000 });
		const hanging = call(other, 'GET', `/api/state/nemo_agent/me/${sid}/latest`, { token: t }).catch((e) => e);
		await sleep(30);
		const t0 = Date.now();
		await other.close();
		expect(Date.now() - t0).toBeLessThan(1000);
		expect(String(await hanging)).toMatch(/fetch failed/);
	});
});
