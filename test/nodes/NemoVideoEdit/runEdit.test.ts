import type { Simulator } from '../../../simulator';
import { runEdit } from '../../../nodes/NemoVideoEdit/actions/runEdit';
import { createSession, NemoVideoError, type NemoVideoClient } from '../../../nodes/shared/transport';
import { clientFor, quietSimulator, REGISTERED_TOKEN, requestsTo } from '../../helpers/simulator';
import { uploadImages } from '../../simulator/rawRequests';

/**
 * The edit without n8n, with the idle and overall limits made explicit and short, so the tests can
 * show what each limit does. The node uses the same function with 7 minutes idle / 15 minutes max.
 */

const PROMPT = 'turn my photos into a 15-second video with smooth transitions and background music';
const RUN_SSE = /^\/run_sse$/;

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => {
	simulator.reset();
	simulator.configure({ silentEditRate: 0, editDialect: 'simple', editDurationMs: 200, heartbeatIntervalMs: 50 });
});

async function sessionWithPhotos(client: NemoVideoClient): Promise<string> {
	const { sessionId } = await createSession(client, { taskName: 'limits', language: 'en' });
	await uploadImages(simulator, REGISTERED_TOKEN, sessionId, 3);
	return sessionId;
}

async function rejection(promise: Promise<unknown>): Promise<NemoVideoError> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(NemoVideoError);
	return error as NemoVideoError;
}

describe('idle limit versus overall limit', () => {
	// undici checks body idle limits on a ~0.5 s tick, so an idle limit of 1 s fires after 1–2 s.
	const IDLE_MS = 1000;

	it('heartbeats keep a stream open far longer than its idle limit: every byte resets it', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await sessionWithPhotos(client);
		simulator.configure({ editDurationMs: 5000, heartbeatIntervalMs: 200 });

		const report = await runEdit(client, { sessionId, prompt: PROMPT, idleTimeoutMs: IDLE_MS, maxWaitMs: 30_000 });

		expect(report.end).toBe('complete');
		expect(report.durationMs).toBeGreaterThan(5 * IDLE_MS);
		expect(
			report.stream.counts.heartbeats + report.stream.counts.emptyData + report.stream.counts.comments,
		).toBeGreaterThan(15);
		expect(report.stream.reply).toMatch(/15-second video/);
	});

	it('the same 1 s used as a total timeout (a helper-style request timeout) stops that stream', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await sessionWithPhotos(client);
		simulator.configure({ editDurationMs: 5000, heartbeatIntervalMs: 200 });

		const report = await runEdit(client, { sessionId, prompt: PROMPT, idleTimeoutMs: 30_000, maxWaitMs: IDLE_MS });

		expect(report.end).toBe('maxWait');
		expect(report.durationMs).toBeLessThan(2500);
		// The edit was applied before the stream ended: the state read afterwards says so.
		expect(report.changes.join(' ')).toMatch(/added Video/);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
	});

	it('a stream silent for longer than the idle limit is closed as idle', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await sessionWithPhotos(client);
		// No heartbeats: each of the four tool steps leaves a 3 s gap.
		simulator.configure({ editDurationMs: 12_000, heartbeatIntervalMs: 0 });

		const report = await runEdit(client, { sessionId, prompt: PROMPT, idleTimeoutMs: IDLE_MS, maxWaitMs: 30_000 });

		expect(report.end).toBe('idle');
		expect(report.durationMs).toBeLessThan(3000);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
	});
});

describe('a broken stream', () => {
	it('is reported with what arrived and the state afterwards, and the prompt is sent only once', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await sessionWithPhotos(client);
		simulator.configure({ editDurationMs: 600 });
		simulator.injectFault({ path: RUN_SSE.source, kind: 'sseCut', afterBytes: 250 });

		const report = await runEdit(client, { sessionId, prompt: PROMPT, idleTimeoutMs: 5000, maxWaitMs: 30_000 });

		expect(report.end).toBe('cut');
		expect(report.endReason).toMatch(/closed|terminated|socket/i);
		expect(report.bytes).toBeLessThanOrEqual(250);
		expect(report.after?.readyToExport).toBe(true);
		expect(report.changes.join(' ')).toMatch(/added BGM: Lo-fi/);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
	});

	it('a connection reset before any answer is reported the same way, not retried', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await sessionWithPhotos(client);
		simulator.injectFault({ method: 'POST', path: RUN_SSE.source, kind: 'reset' });

		const report = await runEdit(client, { sessionId, prompt: PROMPT, idleTimeoutMs: 5000, maxWaitMs: 30_000 });

		expect(report.end).toBe('cut');
		expect(report.stream.counts.events).toBe(0);
		expect(report.after).toBeDefined();
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
	});

	it('a server error on the edit is not retried and says the prompt may have been applied', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await sessionWithPhotos(client);
		simulator.injectFault({ method: 'POST', path: RUN_SSE.source, kind: 'html', status: 502 });

		const error = await rejection(
			runEdit(client, { sessionId, prompt: PROMPT, idleTimeoutMs: 5000, maxWaitMs: 30_000 }),
		);

		expect(error).toMatchObject({ kind: 'server', httpStatus: 502 });
		expect(error.hint).toMatch(/may or may not have been applied\. It was not sent again/);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
	});
});

describe('refusals and cancel', () => {
	it('an unknown session fails on the state read, before the prompt is sent', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const error = await rejection(
			runEdit(client, { sessionId: 'gone', prompt: PROMPT, idleTimeoutMs: 5000, maxWaitMs: 30_000 }),
		);
		expect(error.kind).toBe('sessionNotFound');
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(0);
	});

	it('out of credits fails before any stream, with the registration link for an anonymous token', async () => {
		const token = simulator.issueToken('anonymous', { credits: 10 });
		const client = clientFor(simulator, token);
		const { sessionId } = await createSession(client, { taskName: 'credits', language: 'en' });
		await uploadImages(simulator, token, sessionId, 1);

		const error = await rejection(
			runEdit(client, { sessionId, prompt: PROMPT, idleTimeoutMs: 5000, maxWaitMs: 30_000 }),
		);

		expect(error.kind).toBe('credits');
		expect(error.hint).toContain(`https://nemovideo.ai/register?bind=${simulator.getSession(sessionId)?.userId}`);
		expect(simulator.getSession(sessionId)?.edits).toHaveLength(0);
	});

	it('the cancel signal closes the stream within a second and nothing else is sent', async () => {
		const controller = new AbortController();
		const client = clientFor(simulator, REGISTERED_TOKEN, { signal: controller.signal });
		const sessionId = await sessionWithPhotos(client);
		simulator.configure({ editDurationMs: 10_000, heartbeatIntervalMs: 100 });

		const running = runEdit(client, { sessionId, prompt: PROMPT, idleTimeoutMs: 5000, maxWaitMs: 30_000 });
		await until(() => requestsTo(simulator, 'POST', RUN_SSE).length === 1);
		await new Promise((resolve) => setTimeout(resolve, 300));
		const abortedAt = Date.now();
		controller.abort();
		const error = await rejection(running);

		expect(error.kind).toBe('cancelled');
		expect(Date.now() - abortedAt).toBeLessThan(1000);
		await until(() => requestsTo(simulator, 'POST', RUN_SSE)[0].finishedAt !== undefined);
		const [entry] = requestsTo(simulator, 'POST', RUN_SSE);
		expect(entry.aborted).toBe(true);
		expect((entry.finishedAt as number) - abortedAt).toBeLessThan(1000);
		expect(requestsTo(simulator, 'GET', /^\/api\/state\//)).toHaveLength(1);
	});
});

describe('cancel before the stream', () => {
	it('a cancel while the timeline is being read stops at once, says canceled, and sends no prompt', async () => {
		const controller = new AbortController();
		const client = clientFor(simulator, REGISTERED_TOKEN, { signal: controller.signal });
		const sessionId = await sessionWithPhotos(client);
		simulator.injectFault({ method: 'GET', path: '^/api/state/', kind: 'delay', delayMs: 5000 });

		const running = runEdit(client, { sessionId, prompt: PROMPT, idleTimeoutMs: 5000, maxWaitMs: 30_000 });
		await new Promise((resolve) => setTimeout(resolve, 200));
		const abortedAt = Date.now();
		controller.abort();
		const error = await rejection(running);

		expect(Date.now() - abortedAt).toBeLessThan(1000);
		expect(error.kind).toBe('cancelled');
		expect(error.message).toMatch(/canceled/);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(0);
	});
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
