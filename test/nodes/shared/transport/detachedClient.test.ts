import type { Simulator } from '../../../../simulator';
import { getCreditsBalance, NemoVideoError } from '../../../../nodes/shared/transport';
import { clientFor, quietSimulator, REGISTERED_TOKEN, requestsTo } from '../../../helpers/simulator';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());

const CREDITS = /^\/api\/credits\/balance\/simple$/;

describe('client.detached(): one best-effort call after the execution was stopped', () => {
	it('still reaches NemoVideo when the execution’s cancel signal has fired', async () => {
		const stop = new AbortController();
		stop.abort();
		const client = clientFor(simulator, REGISTERED_TOKEN, { signal: stop.signal });

		await expect(getCreditsBalance(client)).rejects.toMatchObject({ kind: 'cancelled' });
		expect(requestsTo(simulator, 'GET', CREDITS)).toHaveLength(0);
		expect((await getCreditsBalance(client.detached())).available).toBeGreaterThan(0);
		expect(requestsTo(simulator, 'GET', CREDITS)).toHaveLength(1);
	});

	it('gives up at its own deadline and names it a timeout', async () => {
		simulator.injectFault({ path: CREDITS.source, kind: 'delay', delayMs: 5000 });
		const started = Date.now();
		const error = await getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN).detached(300)).catch(
			(thrown: unknown) => thrown,
		);

		expect(error).toBeInstanceOf(NemoVideoError);
		expect(error).toMatchObject({ kind: 'timeout' });
		expect(Date.now() - started).toBeLessThan(1500);
	});

	it('makes one attempt only: no retry and no rate-limit wait past the deadline', async () => {
		simulator.injectFault({ path: CREDITS.source, kind: 'status', status: 503, times: 3 });
		await expect(getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN).detached())).rejects.toMatchObject({
			kind: 'server',
		});
		expect(requestsTo(simulator, 'GET', CREDITS)).toHaveLength(1);

		simulator.reset();
		simulator.injectFault({ path: CREDITS.source, kind: 'status', status: 429, retryAfter: 30 });
		const started = Date.now();
		await expect(getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN).detached())).rejects.toMatchObject({
			kind: 'rateLimit',
		});
		expect(Date.now() - started).toBeLessThan(1000);
	});
});
