/**
 * The anonymous-token request and the token probes have a deadline and stop on the execution's
 * cancel signal. Hangs come from the simulator's `delay` fault with a delay far beyond any limit
 * (the simulator drops it when the client goes away); the token limits are shortened for the
 * deadline tests, not waited out.
 */
import { TOKEN_LIMITS } from '../../nodes/shared/transport/anonymousToken';
import type { RequestLogEntry, Simulator } from '../../simulator';
import { quietSimulator, requestsTo } from '../helpers/simulator';
import { nemoNode, nemoVideoCredentials, runChain } from '../helpers/workflow';

let simulator: Simulator;
const defaults = { ...TOKEN_LIMITS };

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());
afterEach(() => Object.assign(TOKEN_LIMITS, defaults));

const TOKEN_REQUEST = /^\/api\/auth\/anonymous-token$/;
const CREDITS = /^\/api\/credits\/balance\/simple$/;
const CLIENT_ID = '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b';
const HANG = { kind: 'delay' as const, delayMs: 600_000 };
const balance = () => nemoNode('Credits', 'nemoVideoCredits', { operation: 'getBalance' });

/** Waits for a condition; the guard only keeps a broken test from polling forever after jest gave up on it. */
async function until(condition: () => boolean, guardMs = 10_000): Promise<void> {
	const guard = AbortSignal.timeout(guardMs);
	while (!condition()) {
		if (guard.aborted) throw new Error('condition not reached');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** Resolves once the simulator saw the client give up on the request. */
async function abandoned(entry: () => RequestLogEntry | undefined): Promise<RequestLogEntry> {
	await until(() => entry()?.finishedAt !== undefined);
	return entry() as RequestLogEntry;
}

describe('token calls: deadlines', () => {
	it('a stalled token endpoint fails the node within the request limit, saying what hung', async () => {
		TOKEN_LIMITS.requestTimeoutMs = 300;
		simulator.injectFault({ method: 'POST', path: TOKEN_REQUEST.source, ...HANG });

		const result = await runChain([balance()], nemoVideoCredentials(simulator.url, { apiToken: '' }));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('NemoVideo’s token endpoint did not answer (no answer within 0.3 s)');
		expect((result.error?.error as { description?: string }).description).toMatch(/Check the Base URL/);
		const entry = await abandoned(() => requestsTo(simulator, 'POST', TOKEN_REQUEST)[0]);
		expect(entry.aborted).toBe(true);
		expect(entry.status).toBeUndefined();
	});

	it('a stalled probe of a rejected token fails within the request limit instead of hanging', async () => {
		TOKEN_LIMITS.requestTimeoutMs = 300;
		const stale = simulator.issueToken('anonymous', { clientId: CLIENT_ID });
		simulator.expireToken(stale);
		// The node's own call is answered (401: rejected token); the probe sent through n8n hangs.
		simulator.injectFault({
			method: 'GET',
			path: CREDITS.source,
			kind: 'status',
			status: 401,
			body: { code: 1001, message: 'token invalid' },
		});
		simulator.injectFault({ method: 'GET', path: CREDITS.source, ...HANG });

		const result = await runChain(
			[balance()],
			nemoVideoCredentials(simulator.url, { apiToken: '', sessionToken: stale }),
		);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('NemoVideo did not answer the token check in time (no answer within 0.3 s)');
		const probe = await abandoned(() => requestsTo(simulator, 'GET', CREDITS)[1]);
		expect(probe.aborted).toBe(true);
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(0);
	});

	it('the whole token step has a deadline: re-reads after a 429 stop there too', async () => {
		TOKEN_LIMITS.deadlineMs = 300;
		TOKEN_LIMITS.rereadDelaysMs = [600_000];
		simulator.configure({ clientIdReuse: 'oncePerWeek' });
		simulator.expireToken(simulator.issueToken('anonymous', { clientId: CLIENT_ID }));

		const result = await runChain([balance()], nemoVideoCredentials(simulator.url, { apiToken: '' }));
		simulator.configure({ clientIdReuse: 'whileNoValidToken' });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Getting an anonymous NemoVideo token took longer than 0.3 s');
	});
});

describe('token calls: cancel', () => {
	it('stopping the workflow while the token endpoint hangs ends the node and drops the request', async () => {
		simulator.injectFault({ method: 'POST', path: TOKEN_REQUEST.source, ...HANG });
		const controller = new AbortController();

		const running = runChain([balance()], nemoVideoCredentials(simulator.url, { apiToken: '' }), {
			signal: controller.signal,
			cancelGraceMs: 1000,
		});
		await until(() => requestsTo(simulator, 'POST', TOKEN_REQUEST).length === 1);
		controller.abort();
		const result = await running;

		expect(result.status).toBe('canceled');
		expect(result.settled).toBe(true);
		const entry = await abandoned(() => requestsTo(simulator, 'POST', TOKEN_REQUEST)[0]);
		expect(entry.aborted).toBe(true);
	});

	it('stopping the workflow while the probe of a rejected token hangs ends the node and drops the probe', async () => {
		const stale = simulator.issueToken('anonymous', { clientId: CLIENT_ID });
		simulator.expireToken(stale);
		simulator.injectFault({
			method: 'GET',
			path: CREDITS.source,
			kind: 'status',
			status: 401,
			body: { code: 1001, message: 'token invalid' },
		});
		simulator.injectFault({ method: 'GET', path: CREDITS.source, ...HANG });
		const controller = new AbortController();

		const running = runChain([balance()], nemoVideoCredentials(simulator.url, { apiToken: '', sessionToken: stale }), {
			signal: controller.signal,
			cancelGraceMs: 1000,
		});
		await until(() => requestsTo(simulator, 'GET', CREDITS).length === 2);
		controller.abort();
		const result = await running;

		expect(result.status).toBe('canceled');
		expect(result.settled).toBe(true);
		expect((await abandoned(() => requestsTo(simulator, 'GET', CREDITS)[1])).aborted).toBe(true);
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(0);
	});
});
