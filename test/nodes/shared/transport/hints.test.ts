/** Every hint fits the node and operation it appears on. */
import type { Simulator } from '../../../../simulator';
import { createSession, getCreditsBalance, getSessionState, NemoVideoError } from '../../../../nodes/shared/transport';
import { clientFor, quietSimulator, REGISTERED_TOKEN } from '../../../helpers/simulator';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());

const HANG = { kind: 'delay' as const, delayMs: 600_000 };

async function failure(promise: Promise<unknown>): Promise<NemoVideoError> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(NemoVideoError);
	return error as NemoVideoError;
}

describe('timeout hints', () => {
	const client = () => clientFor(simulator, REGISTERED_TOKEN, { timeoutMs: 200 });

	it('Credits: no answer in time says try later or check the connection, not "raise the node’s wait limit" (it has none)', async () => {
		simulator.injectFault({ method: 'GET', path: '^/api/credits/', times: 5, ...HANG });

		const error = await failure(getCreditsBalance(client()));

		expect(error.kind).toBe('timeout');
		expect(error.hint).toMatch(/slow or unreachable\. Try again later/);
		expect(error.hint).not.toMatch(/wait limit/i);
	});

	it('Session Get State: the same, without a wait limit', async () => {
		simulator.injectFault({ method: 'GET', path: '^/api/state/', times: 5, ...HANG });

		const error = await failure(getSessionState(client(), 'sess-1'));

		expect(error.hint).not.toMatch(/wait limit/i);
	});

	it('Session Create: a lost answer may mean a session without its ID, not "check the session state"', async () => {
		simulator.injectFault({ method: 'POST', path: '^/api/tasks/', ...HANG });

		const error = await failure(createSession(client(), { taskName: 'n8n', language: 'en' }));

		expect(error.hint).toMatch(/A session may have been created without its ID reaching n8n/);
		expect(error.hint).not.toMatch(/session state/i);
	});
});

describe('other hints', () => {
	it('a 429 on a regular call does not talk about anonymous-token limits', async () => {
		simulator.injectFault({ path: '^/api/credits/', kind: 'status', status: 429, times: 5 });

		const error = await failure(
			getCreditsBalance(
				clientFor(simulator, REGISTERED_TOKEN, {
					retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, rateLimitDefaultMs: 1, rateLimitMaxWaitMs: 0 },
				}),
			),
		);

		expect(error.kind).toBe('rateLimit');
		expect(error.hint).not.toMatch(/anonymous tokens/i);
	});

	it('Session Get State answering 1002 with an API Token asks to check the Session ID', async () => {
		const error = await failure(getSessionState(clientFor(simulator, REGISTERED_TOKEN), 'no-such-session'));

		expect(error.kind).toBe('sessionNotFound');
		expect(error.hint).toMatch(/^Check the Session ID/);
	});
});
