/**
 * Waiting for a render: when to poll, and the poll loop itself. Pure and clock-injectable (no n8n,
 * no timers of its own), so the benchmark can compare schedules on the same renders.
 *
 * Why the schedule reads progress: the target is to notice completion within max(1 s, 10% of the
 * render time) with fewer requests than polling every 10 s. A blind schedule cannot do both: a
 * 60 s render polled every 10% of elapsed time (1 s → 15 s) needs ~30 polls, fixed 10 s polling
 * needs 6. The service reports `progress` 0–100, so once two progress readings exist the end can
 * be predicted, and the schedule waits until then.
 */

/** What the latest poll said, as the schedule sees it. */
export interface PollObservation {
	/** Time since the render was submitted. */
	elapsedMs: number;
	/** The service's progress 0–100, when reported. */
	progress?: number;
	status?: string;
}

/** Decides how long to wait before the next poll. Stateful: make one per render. */
export interface PollSchedule {
	readonly name: string;
	nextDelayMs(observation: PollObservation): number;
}

export function fixedSchedule(intervalMs: number, name = `fixed ${intervalMs / 1000} s`): PollSchedule {
	return { name, nextDelayMs: () => intervalMs };
}

export interface AdaptiveScheduleOptions {
	/** First wait after submitting; without progress readings the wait then doubles up to maxBackoffMs. */
	firstDelayMs: number;
	maxBackoffMs: number;
	/** Never poll sooner than this after the previous poll. */
	minDelayMs: number;
	/** Accepted lateness in noticing completion: this share of the render time, but at least minLatenessMs. */
	latenessShare: number;
	minLatenessMs: number;
	/** How far a reported progress number may be from the true one (1 for whole percents, rounded or cut). */
	progressResolution: number;
}

/** Real-time values: starts at 2 s, backs off to 15 s while blind, aims within max(1 s, 10%). */
export const DEFAULT_ADAPTIVE_SCHEDULE: AdaptiveScheduleOptions = {
	firstDelayMs: 2000,
	maxBackoffMs: 15_000,
	minDelayMs: 500,
	latenessShare: 0.1,
	minLatenessMs: 1000,
	progressResolution: 1,
};

/** The same schedule with every duration multiplied by `factor` (the benchmark runs time ×0.1). */
export function scaledScheduleOptions(factor: number, base = DEFAULT_ADAPTIVE_SCHEDULE): AdaptiveScheduleOptions {
	return {
		...base,
		firstDelayMs: base.firstDelayMs * factor,
		maxBackoffMs: base.maxBackoffMs * factor,
		minDelayMs: base.minDelayMs * factor,
		minLatenessMs: base.minLatenessMs * factor,
	};
}

interface Sample {
	t: number;
	p: number;
}

/**
 * Progress-predicting schedule, in three regimes:
 * - no progress reading yet (queued, or a service that reports none): back off 2 s, 4 s, 8 s … 15 s;
 * - one reading: go halfway to the earliest end it allows if progress counted from submit, but at
 *   most 15 s (maxBackoffMs) ahead: time spent queued at 0% makes that estimate far too late, and
 *   a second reading gives a rate that does not depend on queueing at all;
 * - two or more: the first and latest readings bound the end time (reported numbers are only
 *   whole percents). When that window is narrower than the accepted lateness, wait until its late
 *   edge: completion is then noticed at most one window late. When it is up to twice as wide, aim
 *   at its middle; wider, at its early edge. Each later reading narrows it.
 * When a prediction has passed without completion (progress stalled, e.g. at 99%), polls fall
 * back to every 10% of elapsed time (≥ minDelayMs, ≤ maxBackoffMs), so lateness stays ≤ 10%.
 * Assumption, stated: progress grows roughly linearly once it moves. If a render speeds up sharply
 * after the readings, it is noticed late by up to the time the readings over-predicted.
 */
export function adaptiveSchedule(options: Partial<AdaptiveScheduleOptions> = {}): PollSchedule {
	const o = { ...DEFAULT_ADAPTIVE_SCHEDULE, ...options };
	const samples: Sample[] = [];

	const record = (observation: PollObservation) => {
		const p = observation.progress;
		if (p === undefined || !Number.isFinite(p) || p <= 0 || p >= 100 || observation.status === 'pending') return;
		const last = samples[samples.length - 1];
		if (last && p < last.p) samples.length = 0; // progress went back: earlier readings no longer apply
		if (!last || p !== last.p || samples.length === 0) samples.push({ t: observation.elapsedMs, p });
	};

	/** [earliest, latest] plausible completion time, or undefined without readings. */
	const window = (): { from: number; to: number; twoReadings: boolean } | undefined => {
		const q = o.progressResolution;
		const last = samples[samples.length - 1];
		if (!last) return undefined;
		const first = samples[0];
		if (samples.length === 1 || last.p - first.p <= 2 * q) {
			// One usable reading: linear from submit (t = 0, p = 0).
			return {
				from: (100 * last.t) / Math.min(100, last.p + q),
				to: last.p > q ? (100 * last.t) / (last.p - q) : Number.POSITIVE_INFINITY,
				twoReadings: false,
			};
		}
		const dt = last.t - first.t;
		const fastest = (last.p - first.p + 2 * q) / dt;
		const slowest = (last.p - first.p - 2 * q) / dt;
		return {
			from: last.t + Math.max(0, 100 - last.p - q) / fastest,
			to: last.t + (100 - last.p + q) / slowest,
			twoReadings: true,
		};
	};

	const proportional = (t: number) => clamp(o.latenessShare * t, o.minDelayMs, o.maxBackoffMs);

	return {
		name: 'adaptive (progress-predicting)',
		nextDelayMs(observation) {
			const t = Math.max(0, observation.elapsedMs);
			record(observation);
			const end = window();
			if (!end) return clamp(t, o.firstDelayMs, o.maxBackoffMs);
			const allowedLateness = Math.max(o.minLatenessMs, o.latenessShare * end.from);
			let target: number;
			const width = end.to - end.from;
			if (!end.twoReadings) target = Math.min(t + (end.from - t) / 2, t + o.maxBackoffMs);
			else if (width <= allowedLateness) target = end.to;
			else if (width <= 2 * allowedLateness) target = end.from + width / 2;
			else target = end.from;
			const wait = target - t;
			return wait >= o.minDelayMs ? wait : proportional(t);
		},
	};
}

export interface PollLoop<T> {
	/** One status request. */
	poll(): Promise<T>;
	/** Waits; throws when the execution is cancelled. */
	wait(ms: number): Promise<void>;
	now(): number;
	schedule: PollSchedule;
	/** Give up this long after `startedAt`. */
	maxWaitMs: number;
	/** `now()` when the render was submitted. */
	startedAt: number;
	/** The submit's own answer, read before the first wait. */
	first?: T;
	/** Whether a value is final (completed, failed, cancelled), and its progress for the schedule. */
	observe(value: T): { final: boolean; progress?: number; status?: string };
	/** Called with every poll's answer (progress reporting). */
	onPoll?(value: T, elapsedMs: number): void;
	/**
	 * Whether a failed poll is passed over (the next one follows the schedule) rather than ending
	 * the wait; gets the run of consecutive failures. Default: every failure ends it.
	 */
	tolerate?(error: unknown, consecutiveFailures: number): boolean;
}

export type PollResult<T> =
	| { final: true; value: T; polls: number; elapsedMs: number }
	| { final: false; last?: T; polls: number; elapsedMs: number };

/**
 * Polls until a final answer or `maxWaitMs`. The last poll happens at the deadline itself, so a
 * render finishing just before it is still seen.
 */
export async function pollUntilDone<T>(loop: PollLoop<T>): Promise<PollResult<T>> {
	let last = loop.first;
	let seen = last === undefined ? { final: false } : loop.observe(last);
	let polls = 0;
	let failures = 0;
	const elapsed = () => loop.now() - loop.startedAt;
	if (last !== undefined && seen.final) return { final: true, value: last, polls, elapsedMs: elapsed() };

	for (;;) {
		const before = elapsed();
		const left = loop.maxWaitMs - before;
		if (left <= 0) return { final: false, last, polls, elapsedMs: before };
		const delay = loop.schedule.nextDelayMs({ elapsedMs: before, ...seen });
		await loop.wait(Math.min(Math.max(0, delay), left));
		let value: T;
		try {
			value = await loop.poll();
		} catch (error) {
			failures++;
			if (!loop.tolerate?.(error, failures)) throw error;
			seen = { final: false };
			continue;
		}
		failures = 0;
		polls++;
		last = value;
		seen = loop.observe(value);
		loop.onPoll?.(value, elapsed());
		if (seen.final) return { final: true, value, polls, elapsedMs: elapsed() };
	}
}

function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, value));
}
