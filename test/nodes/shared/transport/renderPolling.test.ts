import {
	adaptiveSchedule,
	fixedSchedule,
	pollUntilDone,
	scaledScheduleOptions,
	type PollSchedule,
} from '../../../../nodes/shared/transport/renderPolling';

interface Job {
	status: string;
	progress?: number;
}

/** The simulator's render model: pending for the first 10%, then whole-percent progress, then completed. */
function simulatorJob(t: number, renderMs: number): Job {
	if (t >= renderMs) return { status: 'completed', progress: 100 };
	if (t < renderMs * 0.1) return { status: 'pending', progress: 0 };
	return { status: 'processing', progress: Math.max(1, Math.min(99, Math.floor((t / renderMs) * 100))) };
}

/** Runs pollUntilDone on a virtual clock; each poll takes `latencyMs`. */
async function virtualRun(
	schedule: PollSchedule,
	job: (t: number) => Job,
	options: { maxWaitMs?: number; latencyMs?: number } = {},
) {
	let clock = 0;
	const pollTimes: number[] = [];
	const latency = options.latencyMs ?? 5;
	const result = await pollUntilDone<Job>({
		poll: async () => {
			clock += latency;
			pollTimes.push(clock);
			return job(clock - latency / 2);
		},
		wait: async (ms) => {
			clock += ms;
		},
		now: () => clock,
		schedule,
		maxWaitMs: options.maxWaitMs ?? 600_000,
		startedAt: 0,
		first: { status: 'pending', progress: 0 },
		observe: (value) => ({
			final: value.status === 'completed' || value.status === 'failed',
			progress: value.progress,
			status: value.status,
		}),
	});
	return { result, pollTimes };
}

const RENDER_TIMES = Array.from({ length: 31 }, (_, i) => 30_000 + i * 2000); // 30 … 90 s, the product pages' range

describe('adaptive schedule on renders of 30–90 s', () => {
	it('notices completion within max(1 s, 10% of the render time), every time', async () => {
		for (const renderMs of RENDER_TIMES) {
			const { result } = await virtualRun(adaptiveSchedule(), (t) => simulatorJob(t, renderMs));
			expect(result.final).toBe(true);
			const lateness = result.elapsedMs - renderMs;
			expect(lateness).toBeGreaterThanOrEqual(0);
			expect(lateness).toBeLessThanOrEqual(Math.max(1000, 0.1 * renderMs));
		}
	});

	it('uses fewer requests than polling every 10 s on the same renders', async () => {
		let adaptive = 0;
		let fixed = 0;
		for (const renderMs of RENDER_TIMES) {
			adaptive += (await virtualRun(adaptiveSchedule(), (t) => simulatorJob(t, renderMs))).result.polls;
			fixed += (await virtualRun(fixedSchedule(10_000), (t) => simulatorJob(t, renderMs))).result.polls;
		}
		expect(adaptive).toBeLessThan(fixed);
	});

	it('starts at 2 s and backs off (4 s, 8 s, 15 s cap) while the service reports no progress', async () => {
		const { pollTimes } = await virtualRun(adaptiveSchedule(), () => ({ status: 'processing' }), {
			maxWaitMs: 60_000,
			latencyMs: 0,
		});
		expect(pollTimes.slice(0, 6)).toEqual([2000, 4000, 8000, 16_000, 31_000, 46_000]);
	});

	it('falls back to polling every 10% of elapsed time when progress stalls below 100', async () => {
		// Progress climbs linearly to 99% at 30 s, then sits at 99% until 50 s.
		const job = (t: number): Job =>
			t >= 50_000
				? { status: 'completed', progress: 100 }
				: { status: 'processing', progress: Math.min(99, Math.floor(t / 300)) || undefined };
		const { result, pollTimes } = await virtualRun(adaptiveSchedule(), job, { latencyMs: 0 });
		const late = pollTimes.filter((t) => t > 32_000);
		for (let i = 1; i < late.length; i++) {
			expect(late[i] - late[i - 1]).toBeCloseTo(Math.min(15_000, Math.max(500, 0.1 * late[i - 1])), 0);
		}
		expect(result.elapsedMs - 50_000).toBeLessThanOrEqual(0.1 * 50_000);
	});

	it('stays within the target when the render first sits queued at 0% (20–50% of its time)', async () => {
		// Predicting from submit would aim far too late here: progress only starts after the queue.
		for (const renderMs of RENDER_TIMES) {
			for (const queuedShare of [0.2, 0.35, 0.5]) {
				const queuedMs = renderMs * queuedShare;
				const job = (t: number): Job =>
					t >= renderMs
						? { status: 'completed', progress: 100 }
						: t < queuedMs
							? { status: 'pending', progress: 0 }
							: {
									status: 'processing',
									progress: Math.max(1, Math.floor(((t - queuedMs) / (renderMs - queuedMs)) * 100)),
								};
				const { result } = await virtualRun(adaptiveSchedule(), job);
				expect(result.elapsedMs - renderMs).toBeLessThanOrEqual(Math.max(1000, 0.1 * renderMs));
			}
		}
	});

	it('scales every duration with scaledScheduleOptions, as the benchmark does', async () => {
		const { result } = await virtualRun(adaptiveSchedule(scaledScheduleOptions(0.1)), (t) => simulatorJob(t, 6000), {
			latencyMs: 0.5,
		});
		expect(result.elapsedMs - 6000).toBeLessThanOrEqual(600);
		expect(result.polls).toBeLessThanOrEqual(6);
	});
});

describe('pollUntilDone', () => {
	it('polls one last time at the deadline, then reports the last answer', async () => {
		const { result, pollTimes } = await virtualRun(fixedSchedule(4000), () => ({ status: 'processing', progress: 5 }), {
			maxWaitMs: 10_000,
			latencyMs: 0,
		});
		expect(pollTimes).toEqual([4000, 8000, 10_000]);
		expect(result).toEqual({ final: false, last: { status: 'processing', progress: 5 }, polls: 3, elapsedMs: 10_000 });
	});

	it('returns at once when the submit’s own answer is already final', async () => {
		const polls = jest.fn();
		const result = await pollUntilDone<Job>({
			poll: polls,
			wait: async () => undefined,
			now: () => 0,
			schedule: adaptiveSchedule(),
			maxWaitMs: 1000,
			startedAt: 0,
			first: { status: 'failed' },
			observe: (value) => ({ final: value.status === 'failed' }),
		});
		expect(result).toMatchObject({ final: true, value: { status: 'failed' }, polls: 0 });
		expect(polls).not.toHaveBeenCalled();
	});

	it('passes over failed polls while `tolerate` allows, and ends the wait when it does not', async () => {
		let clock = 0;
		const answers: Array<Job | Error> = [new Error('reset'), new Error('reset'), { status: 'completed' }];
		const loop = (allowed: number) =>
			pollUntilDone<Job>({
				poll: async () => {
					const next = answers.shift() as Job | Error;
					if (next instanceof Error) throw next;
					return next;
				},
				wait: async (ms) => {
					clock += ms;
				},
				now: () => clock,
				schedule: fixedSchedule(1000),
				maxWaitMs: 60_000,
				startedAt: 0,
				observe: (value) => ({ final: value.status === 'completed' }),
				tolerate: (_error, failures) => failures <= allowed,
			});
		await expect(loop(2)).resolves.toMatchObject({ final: true, polls: 1, elapsedMs: 3000 });
		answers.push(new Error('reset'), new Error('reset'), { status: 'completed' });
		await expect(loop(1)).rejects.toThrow('reset');
	});

	it('lets a cancelled wait end the loop with the wait’s error', async () => {
		const stop = new AbortController();
		const running = pollUntilDone<Job>({
			poll: async () => ({ status: 'processing', progress: 10 }),
			wait: async (ms) =>
				await new Promise<void>((resolve, reject) => {
					const timer = setTimeout(resolve, ms);
					stop.signal.addEventListener('abort', () => {
						clearTimeout(timer);
						reject(new Error('cancelled'));
					});
				}),
			now: Date.now,
			schedule: fixedSchedule(60_000),
			maxWaitMs: 120_000,
			startedAt: Date.now(),
			observe: (value) => ({ final: value.status === 'completed', progress: value.progress }),
		});
		stop.abort();
		await expect(running).rejects.toThrow('cancelled');
	});
});
