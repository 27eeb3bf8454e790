import type { Simulator } from '../../../../simulator';
import { createSession, getCreditsBalance, getSessionState, NemoVideoError } from '../../../../nodes/shared/transport';
import { clientFor, FAST_RETRY, quietSimulator, REGISTERED_TOKEN, requestsTo } from '../../../helpers/simulator';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());

async function failure(promise: Promise<unknown>): Promise<NemoVideoError> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(NemoVideoError);
	return error as NemoVideoError;
}

const CREDITS = /^\/api\/credits\/balance\/simple$/;
const CREATE_SESSION = /^\/api\/tasks\/me\/with-session\/nemo_agent$/;

describe('envelopes and headers', () => {
	it('reads the credits balance out of the {code, data} envelope', async () => {
		const balance = await getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN));
		expect(balance.available).toBeGreaterThan(0);
		expect(balance.total).toBeGreaterThanOrEqual(balance.available);
	});

	it('sends the bearer token, client id and the three attribution headers on every call', async () => {
		await getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN));
		const [entry] = requestsTo(simulator, 'GET', CREDITS);
		expect(entry.hasAuth).toBe(true);
		expect(entry.clientId).toBe('11111111-2222-4333-8444-555555555555');
		expect(entry.skillHeaders).toEqual({ source: 'picture-to-video', version: '1.0.0', platform: 'n8n' });
	});

	it('unwraps a {success, data} envelope too', async () => {
		simulator.injectFault({
			path: CREDITS.source,
			kind: 'status',
			status: 200,
			body: { success: true, data: { available: 7, frozen: 1, total: 8 } },
		});
		expect(await getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN))).toMatchObject({
			available: 7,
			frozen: 1,
			total: 8,
		});
	});

	it('treats {success: false} as a failure carrying the service’s error text', async () => {
		simulator.injectFault({
			path: CREDITS.source,
			kind: 'status',
			status: 200,
			body: { success: false, error: 'render queue full' },
		});
		const error = await failure(getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN)));
		expect(error.message).toContain('render queue full');
	});
});

describe('error codes become messages that say what to do', () => {
	const cases: Array<[string, object, string, RegExp, RegExp]> = [
		[
			'1002 session not found',
			{ status: 200, body: { code: 1002, message: 'session not found' } },
			'sessionNotFound',
			/session not found/i,
			/Session ID/,
		],
		[
			'2001 out of credits (registered)',
			{ status: 200, body: { code: 2001, message: 'insufficient credits' } },
			'credits',
			/Not enough NemoVideo credits/,
			/Top up/,
		],
		[
			'4001 unsupported type',
			{ status: 200, body: { code: 4001, message: 'unsupported' } },
			'fileType',
			/file type/,
			/jpg, jpeg, png, gif, webp; video/,
		],
		[
			'4002 too large',
			{ status: 200, body: { code: 4002, message: 'too large' } },
			'fileSize',
			/limit 200 MB/,
			/Compress/,
		],
		[
			'HTTP 402',
			{ status: 402, body: { code: 402, message: 'payment required' } },
			'plan',
			/HTTP 402/,
			/not a credits problem/,
		],
		[
			'HTTP 400 missing client id',
			{ status: 400, body: { code: 400, message: 'missing X-Client-Id' } },
			'clientId',
			/client ID/,
			/Client ID field/,
		],
	];

	it.each(cases)('%s', async (_name, fault, kind, message, hint) => {
		simulator.injectFault({ path: CREDITS.source, kind: 'status', ...(fault as object) });
		const error = await failure(getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN)));
		expect(error.kind).toBe(kind);
		expect(error.message).toMatch(message);
		expect(error.hint).toMatch(hint);
	});

	it('2001 for an anonymous token carries the registration link from the service', async () => {
		const token = simulator.issueToken('anonymous');
		simulator.injectFault({
			path: CREDITS.source,
			kind: 'status',
			status: 200,
			body: { code: 2001, message: 'Out of credits. Register: https://nemovideo.ai/register?bind=u_42' },
		});
		const error = await failure(getCreditsBalance(clientFor(simulator, token)));
		expect(error.hint).toContain('https://nemovideo.ai/register?bind=u_42');
	});

	it('an HTML error page becomes a short readable message, not markup', async () => {
		simulator.injectFault({ method: 'POST', path: CREATE_SESSION.source, kind: 'html', status: 502 });
		const error = await failure(
			createSession(clientFor(simulator, REGISTERED_TOKEN), { taskName: 'x', language: 'en' }),
		);
		expect(error.kind).toBe('server');
		expect(error.message).not.toMatch(/<[a-z]/i);
	});

	it('a malformed JSON answer to a POST fails once with a protocol error', async () => {
		simulator.injectFault({ method: 'POST', path: CREATE_SESSION.source, kind: 'malformedJson' });
		const error = await failure(
			createSession(clientFor(simulator, REGISTERED_TOKEN), { taskName: 'x', language: 'en' }),
		);
		expect(error.kind).toBe('protocol');
		expect(requestsTo(simulator, 'POST', CREATE_SESSION)).toHaveLength(1);
	});
});

describe('retries', () => {
	it('retries a GET through a burst of 5xx answers and succeeds', async () => {
		simulator.injectFault({ path: CREDITS.source, kind: 'status', status: 503, times: 2 });
		await getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN));
		expect(requestsTo(simulator, 'GET', CREDITS)).toHaveLength(3);
	});

	it('gives up on a GET after the bounded number of attempts', async () => {
		simulator.injectFault({ path: CREDITS.source, kind: 'status', status: 500, times: 10 });
		const error = await failure(getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN)));
		expect(error.kind).toBe('server');
		expect(requestsTo(simulator, 'GET', CREDITS)).toHaveLength(3);
	});

	it('never repeats a POST after a 5xx: it may have taken effect', async () => {
		simulator.injectFault({ method: 'POST', path: CREATE_SESSION.source, kind: 'status', status: 503 });
		const error = await failure(
			createSession(clientFor(simulator, REGISTERED_TOKEN), { taskName: 'x', language: 'en' }),
		);
		expect(error.kind).toBe('server');
		expect(requestsTo(simulator, 'POST', CREATE_SESSION)).toHaveLength(1);
	});

	it('retries a GET whose connection was reset, but not a POST', async () => {
		simulator.injectFault({ path: CREDITS.source, kind: 'reset', afterBytes: 0 });
		await getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN));
		expect(requestsTo(simulator, 'GET', CREDITS).length).toBeGreaterThanOrEqual(2);

		simulator.injectFault({ method: 'POST', path: CREATE_SESSION.source, kind: 'reset', afterBytes: 0 });
		const error = await failure(
			createSession(clientFor(simulator, REGISTERED_TOKEN), { taskName: 'x', language: 'en' }),
		);
		expect(error.kind).toBe('network');
		expect(error.hint).toMatch(/may have reached NemoVideo/);
		expect(requestsTo(simulator, 'POST', CREATE_SESSION)).toHaveLength(1);
	});

	it('waits for Retry-After after a 429 and retries once, even a POST', async () => {
		simulator.injectFault({ method: 'POST', path: CREATE_SESSION.source, kind: 'status', status: 429, retryAfter: 1 });
		const started = Date.now();
		const session = await createSession(clientFor(simulator, REGISTERED_TOKEN), { taskName: 'x', language: 'en' });
		expect(session.sessionId).toBeTruthy();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(requestsTo(simulator, 'POST', CREATE_SESSION)).toHaveLength(2);
	});

	it('retries a 429 only once, then says how long to wait', async () => {
		simulator.injectFault({ path: CREDITS.source, kind: 'status', status: 429, times: 5 });
		const error = await failure(getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN)));
		expect(error.kind).toBe('rateLimit');
		expect(requestsTo(simulator, 'GET', CREDITS)).toHaveLength(2);
	});

	it('does not sit out a Retry-After longer than its limit', async () => {
		simulator.injectFault({ path: CREDITS.source, kind: 'status', status: 429, retryAfter: 3600 });
		const started = Date.now();
		const error = await failure(getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN)));
		expect(Date.now() - started).toBeLessThan(1000);
		expect(error.hint).toMatch(/about 3600 s/);
	});
});

describe('tokens', () => {
	it('on a rejected token asks for a fresh one once and retries with it', async () => {
		const stale = simulator.issueToken('anonymous', { clientId: 'c-stale' });
		simulator.expireToken(stale);
		const fresh = simulator.issueToken('anonymous', { clientId: 'c-fresh' });
		const client = clientFor(simulator, stale, { refreshed: fresh });
		await getCreditsBalance(client);
		expect(client.tokenSource.refreshCalls).toEqual([stale]);
		expect(requestsTo(simulator, 'GET', CREDITS).map((entry) => entry.status)).toEqual([401, 200]);
	});

	it('also treats code 1001 inside an HTTP 200 envelope as a rejected token', async () => {
		const fresh = simulator.issueToken('anonymous', { clientId: 'c-1001' });
		simulator.injectFault({
			path: CREDITS.source,
			kind: 'status',
			status: 200,
			body: { code: 1001, message: 'token expired' },
		});
		const client = clientFor(simulator, 'nmv_usr_old0000000000', { refreshed: fresh });
		await getCreditsBalance(client);
		expect(client.tokenSource.refreshCalls).toHaveLength(1);
	});

	it('fails with an auth error when no fresh token can be had, and the token is not in it', async () => {
		const stale = simulator.issueToken('anonymous', { clientId: 'c-gone' });
		simulator.expireToken(stale);
		const error = await failure(getCreditsBalance(clientFor(simulator, stale)));
		expect(error.kind).toBe('auth');
		expect(`${error.message} ${error.hint}`).not.toContain(stale);
	});

	it('removes tokens the service echoes back in an error', async () => {
		const token = simulator.issueToken('anonymous', { clientId: 'c-echo' });
		simulator.injectFault({
			path: CREDITS.source,
			kind: 'status',
			status: 400,
			body: { code: 9, message: `bad header Bearer ${token}` },
		});
		const error = await failure(getCreditsBalance(clientFor(simulator, token)));
		expect(error.message).toContain('[redacted]');
		expect(JSON.stringify({ ...error, message: error.message })).not.toContain(token);
	});
});

describe('cancel and deadlines', () => {
	it('the execution’s cancel signal aborts a call in flight within a second', async () => {
		simulator.injectFault({ path: CREDITS.source, kind: 'delay', delayMs: 5000 });
		const controller = new AbortController();
		const started = Date.now();
		const pending = getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN, { signal: controller.signal }));
		setTimeout(() => controller.abort(), 100);
		const error = await failure(pending);
		expect(error.kind).toBe('cancelled');
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('the cancel signal also cuts short a rate-limit wait', async () => {
		simulator.injectFault({ path: CREDITS.source, kind: 'status', status: 429, retryAfter: 60 });
		const controller = new AbortController();
		const started = Date.now();
		const pending = getCreditsBalance(
			clientFor(simulator, REGISTERED_TOKEN, { signal: controller.signal, timeoutMs: 120_000 }),
		);
		setTimeout(() => controller.abort(), 200);
		const error = await failure(pending);
		expect(error.kind).toBe('cancelled');
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('a Retry-After beyond the call’s deadline is not waited for: the rate-limit error comes at once', async () => {
		// The default Retry-After limit (120 s) allows 20 s, but this call has only 10 s.
		simulator.injectFault({ method: 'POST', path: CREATE_SESSION.source, kind: 'status', status: 429, retryAfter: 20 });
		const started = Date.now();
		const error = await failure(
			createSession(clientFor(simulator, REGISTERED_TOKEN, { timeoutMs: 10_000 }), { taskName: 'x', language: 'en' }),
		);
		expect(error.kind).toBe('rateLimit');
		expect(error.hint).toMatch(/about 20 s/);
		expect(error.hint).not.toMatch(/may (still )?have taken effect/);
		expect(requestsTo(simulator, 'POST', CREATE_SESSION)).toHaveLength(1);
		expect(Date.now() - started).toBeLessThan(5000);
	});

	it('a retry wait that the deadline cuts short is reported as a timeout, not a cancel', async () => {
		simulator.injectFault({ path: CREDITS.source, kind: 'status', status: 503, times: 10 });
		const client = clientFor(simulator, REGISTERED_TOKEN, {
			timeoutMs: 300,
			retry: { ...FAST_RETRY, baseDelayMs: 5000, maxDelayMs: 5000 },
		});
		const started = Date.now();
		const error = await failure(getCreditsBalance(client));
		expect(error.kind).toBe('timeout');
		expect(Date.now() - started).toBeLessThan(2500);
	});

	it('a call that outlives its deadline fails with a timeout', async () => {
		simulator.injectFault({ path: CREDITS.source, kind: 'delay', delayMs: 3000 });
		const error = await failure(getCreditsBalance(clientFor(simulator, REGISTERED_TOKEN, { timeoutMs: 200 })));
		expect(error.kind).toBe('timeout');
	});

	it('an unreachable base URL says to check the Base URL', async () => {
		const error = await failure(
			getSessionState(
				clientFor({ ...simulator, url: 'http://127.0.0.1:9' } as Simulator, REGISTERED_TOKEN),
				'session-1',
			),
		);
		expect(error.kind).toBe('network');
		expect(error.hint).toMatch(/Base URL/);
	});
});
