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

export function mib(bytes: number): string {
	return (bytes / 1024 / 1024).toFixed(1);
}
