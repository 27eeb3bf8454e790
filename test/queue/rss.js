'use strict';
/** Resident memory of n8n processes, sampled from /proc/<pid>/status every 100 ms. */
const fs = require('node:fs');

function rssBytes(pid) {
	try {
		const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Samples the given processes until stop(); stop() returns, per name, the RSS before, the peak and
 * the growth (peak - before) in MiB.
 * @param {Record<string, number>} pids  name -> pid
 */
function sampleRss(pids, intervalMs = 100) {
	const before = {};
	const peak = {};
	for (const [name, pid] of Object.entries(pids)) {
		before[name] = rssBytes(pid) ?? 0;
		peak[name] = before[name];
	}
	const timer = setInterval(() => {
		for (const [name, pid] of Object.entries(pids)) {
			const value = rssBytes(pid);
			if (value !== undefined && value > peak[name]) peak[name] = value;
		}
	}, intervalMs);
	return {
		stop() {
			clearInterval(timer);
			const mib = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
			const out = {};
			for (const name of Object.keys(pids))
				out[name] = {
					beforeMiB: mib(before[name]),
					peakMiB: mib(peak[name]),
					growthMiB: mib(peak[name] - before[name]),
				};
			return out;
		},
	};
}

module.exports = { rssBytes, sampleRss };
