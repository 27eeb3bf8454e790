import type { Simulator } from '../../simulator';
import { call, fastSim } from './rawRequests';

describe('simulator: a token endpoint that serves a Client ID once per 7 days', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await fastSim();
	});
	afterAll(() => sim.close());
	beforeEach(() => sim.reset());
	afterEach(() => sim.configure({ clientIdReuse: 'whileNoValidToken' }));

	const anon = (clientId: string) =>
		call(sim, 'POST', '/api/auth/anonymous-token', { headers: { 'X-Client-Id': clientId } });

	test("'oncePerWeek': a revoked token does not free its Client ID; another Client ID is served", async () => {
		sim.configure({ clientIdReuse: 'oncePerWeek' });
		const first = await anon('c-week');
		expect(first.status).toBe(200);
		sim.expireToken(first.json.data.token);

		const again = await anon('c-week');

		expect(again.status).toBe(429);
		expect(again.json.message).toMatch(/already received an anonymous token in the last 7 days/);
		expect((await anon('c-other')).status).toBe(200);
	});

	test("default 'whileNoValidToken': a revoked token frees its Client ID", async () => {
		const first = await anon('c-free');
		sim.expireToken(first.json.data.token);

		expect((await anon('c-free')).status).toBe(200);
	});
});
