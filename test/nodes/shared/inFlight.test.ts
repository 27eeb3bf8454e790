import { inFlight, SharedBackOff, withSharedBackOff } from '../../../nodes/shared/inFlight';
import { getCreditsBalance } from '../../../nodes/shared/transport/endpoints';
import type { HttpFunction, HttpRequestOptions, HttpResponse } from '../../../nodes/shared/transport/http';
import { clientFor, quietSimulator, REGISTERED_TOKEN } from '../../helpers/simulator';

/** A job that finishes when the test says so, recording how many run at once. */
function gatedJobs() {
	const open = new Map<number, () => void>();
	let running = 0;
	let most = 0;
	const run = (n: number) =>
		new Promise<string>((resolve) => {
			running++;
			most = Math.max(most, running);
			open.set(n, () => {
				running--;
				open.delete(n);
				resolve(`video ${n}`);
			});
		});
	return { run, open, most: () => most };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('inFlight: a bounded number of independent jobs at once', () => {
	it('never runs more than the limit, starts the next as one ends, and returns results in input order', async () => {
		const jobs = gatedJobs();
		const done = inFlight([0, 1, 2, 3, 4, 5], 3, (n) => jobs.run(n));
		await tick();
		expect([...jobs.open.keys()]).toEqual([0, 1, 2]);
		jobs.open.get(2)!();
		await tick();
		expect([...jobs.open.keys()]).toEqual([0, 1, 3]);
		for (const n of [5, 4, 3, 1, 0]) {
			await tick();
			jobs.open.get(n)?.();
		}
		while (jobs.open.size > 0) {
			await tick();
			for (const finish of [...jobs.open.values()].reverse()) finish();
		}
		expect(await done).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ ok: true, value: `video ${n}` })));
		expect(jobs.most()).toBe(3);
	});

	it('a limit of 1 is one after another; a failure is kept at its position', async () => {
		const order: number[] = [];
		const results = await inFlight([0, 1, 2], 1, async (n) => {
			order.push(n);
			if (n === 1) throw new Error('item 1 failed');
			return n * 10;
		});
		expect(order).toEqual([0, 1, 2]);
		expect(results[0]).toEqual({ ok: true, value: 0 });
		expect((results[1] as { error: Error }).error.message).toBe('item 1 failed');
		expect(results[2]).toEqual({ ok: true, value: 20 });
	});

	it('stopOnError: after a failure nothing new starts, the running ones finish, the rest are skipped', async () => {
		const started: number[] = [];
		const results = await inFlight(
			[0, 1, 2, 3, 4],
			2,
			async (n) => {
				started.push(n);
				await tick();
				if (n === 0) throw new Error('item 0 failed');
				await tick();
				return n;
			},
			{ stopOnError: true },
		);
		expect(started).toEqual([0, 1]);
		expect(results.map((r) => (r.ok ? 'ok' : 'skipped' in r ? 'skipped' : 'failed'))).toEqual([
			'failed',
			'ok',
			'skipped',
			'skipped',
			'skipped',
		]);
	});
});

describe('SharedBackOff: one 429 makes every job wait its Retry-After', () => {
	const response = (status: number, headers: Record<string, string> = {}): HttpResponse =>
		({ status, headers, body: undefined }) as unknown as HttpResponse;
	const options = {
		method: 'GET',
		headers: {},
		signal: new AbortController().signal,
		headersTimeoutMs: 1,
		bodyTimeoutMs: 1,
	} as HttpRequestOptions;

	function setup(answers: HttpResponse[]) {
		let now = 1_000_000;
		const slept: number[] = [];
		const sent: Array<{ url: string; at: number }> = [];
		const sleep = async (ms: number) => {
			slept.push(ms);
			now += ms;
		};
		const gate = new SharedBackOff(30_000, sleep, () => now);
		const inner: HttpFunction = async (url) => {
			sent.push({ url, at: now });
			return answers.shift() ?? response(200);
		};
		return { gate, http: gate.wrap(inner), sent, slept, now: () => now };
	}

	it('after a 429 with Retry-After: 7, the next request of any job goes 7 s later', async () => {
		const t = setup([response(429, { 'retry-after': '7' })]);
		const start = t.now();
		expect((await t.http('/video-a/poll', options)).status).toBe(429);
		expect(t.gate.resumesAt).toBe(start + 7000);
		await t.http('/video-b/poll', options);
		await t.http('/video-c/poll', options);
		expect(t.sent.map((s) => [s.url, s.at - start])).toEqual([
			['/video-a/poll', 0],
			['/video-b/poll', 7000],
			['/video-c/poll', 7000],
		]);
		expect(t.slept).toEqual([7000]);
	});

	it('a 429 without Retry-After waits the contract default (30 s); other answers do not hold anyone', async () => {
		const t = setup([response(500), response(429)]);
		const start = t.now();
		await t.http('/a', options);
		expect(t.gate.resumesAt).toBe(0);
		await t.http('/b', options);
		await t.http('/c', options);
		expect(t.sent.map((s) => s.at - start)).toEqual([0, 0, 30_000]);
	});
});

describe("withSharedBackOff: the node run's client sends through one gate", () => {
	it("a 429 answered to one video's client holds the next request of another video's client", async () => {
		const simulator = await quietSimulator();
		try {
			let now = 5_000_000;
			const gateWaits: number[] = [];
			const gate = new SharedBackOff(
				30_000,
				async (ms) => {
					gateWaits.push(ms);
					now += ms;
				},
				() => now,
			);
			// the client's own wait after its 429, held until the test lets it go
			let release: () => void = () => undefined;
			let heldFor: number | undefined;
			const clientSleep = (ms: number) =>
				new Promise<void>((resolve) => {
					heldFor = ms;
					release = resolve;
				});
			const client = clientFor(simulator, REGISTERED_TOKEN, { sleep: clientSleep });
			const videoA = withSharedBackOff(client, gate);
			const videoB = withSharedBackOff(client, gate);
			simulator.injectFault({
				method: 'GET',
				path: '^/api/credits/balance/simple$',
				kind: 'status',
				status: 429,
				retryAfter: 1,
				times: 1,
			});

			const a = getCreditsBalance(videoA);
			while (heldFor === undefined) await new Promise((resolve) => setImmediate(resolve));
			expect(heldFor).toBe(1000);
			expect(gate.resumesAt).toBe(5_000_000 + 1000);
			// while A waits out its 429, B's request first waits the same Retry-After, then goes
			expect((await getCreditsBalance(videoB)).available).toEqual(expect.any(Number));
			expect(gateWaits).toEqual([1000]);
			release();
			expect((await a).available).toEqual(expect.any(Number));
			expect(gateWaits).toEqual([1000]);
			expect(simulator.log.filter((entry) => entry.status === 429)).toHaveLength(1);
		} finally {
			await simulator.close();
		}
	});
});
