/**
 * Peak resident memory while something runs: samples `process.memoryUsage.rss()` every few
 * milliseconds (and once more at the end), relative to a baseline taken after a GC when possible.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;

export interface RssReport {
	baselineBytes: number;
	peakBytes: number;
	growthBytes: number;
}

/** Collects garbage (twice: weak callbacks free more on the second pass) so baselines are comparable. */
export function collectGarbage(): void {
	gc?.();
	gc?.();
}

/**
 * Runs `work` and reports its peak RSS over the RSS just before it. Collects garbage first unless
 * `collect` is false (callers that time CPU collect before starting their clock, so the GC's own
 * work is not counted).
 */
export async function measureRss<T>(
	work: () => Promise<T>,
	options: { intervalMs?: number; collect?: boolean } = {},
): Promise<{ value: T; rss: RssReport }> {
	if (options.collect !== false) collectGarbage();
	const intervalMs = options.intervalMs ?? 5;
	const baselineBytes = process.memoryUsage.rss();
	let peakBytes = baselineBytes;
	const sample = () => {
		const rss = process.memoryUsage.rss();
		if (rss > peakBytes) peakBytes = rss;
	};
	const timer = setInterval(sample, intervalMs);
	try {
		const value = await work();
		sample();
		return { value, rss: { baselineBytes, peakBytes, growthBytes: peakBytes - baselineBytes } };
	} finally {
		clearInterval(timer);
	}
}

/**
 * RSS samples with their time, every `intervalMs` from construction until `stop()`: for peaks over
 * a window that is known only afterwards (e.g. a request's start and end in a server's log).
 */
export class RssSampler {
	private readonly samples: Array<{ at: number; rss: number }> = [];
	private readonly timer: ReturnType<typeof setInterval>;

	constructor(intervalMs = 5) {
		this.timer = setInterval(() => this.sample(), intervalMs);
	}

	sample(): void {
		this.samples.push({ at: Date.now(), rss: process.memoryUsage.rss() });
	}

	/** Peak inside [from, to] and the growth over the last sample taken before `from`. */
	window(from: number, to: number): { growth: number; peak: number } {
		const before = this.samples.filter((sample) => sample.at < from).at(-1) ?? this.samples[0];
		const inside = this.samples.filter((sample) => sample.at >= from && sample.at <= to);
		const peak = Math.max(before.rss, ...inside.map((sample) => sample.rss));
		return { growth: peak - before.rss, peak };
	}

	clear(): void {
		this.samples.length = 0;
	}

	stop(): void {
		clearInterval(this.timer);
	}
}

export function mib(bytes: number): string {
	return (bytes / 1024 / 1024).toFixed(1);
}
