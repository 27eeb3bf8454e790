'use strict';
/** Logging and step timings of the real-n8n runner (see index.js). */

function defaultLog(message) {
	process.stderr.write(`[n8n-runner] ${message}\n`);
}

class Timings {
	constructor() {
		/** @type {{step: string, ms: number}[]} */
		this.entries = [];
	}
	add(step, ms) {
		this.entries.push({ step, ms });
		return ms;
	}
	async measure(step, fn) {
		const started = Date.now();
		try {
			return await fn();
		} finally {
			this.add(step, Date.now() - started);
		}
	}
	format(title = 'timings') {
		const width = Math.max(10, ...this.entries.map((e) => e.step.length));
		const lines = this.entries.map((e) => `  ${e.step.padEnd(width)}  ${(e.ms / 1000).toFixed(2).padStart(7)} s`);
		const total = this.entries.reduce((sum, e) => sum + e.ms, 0);
		return [`${title}:`, ...lines, `  ${'total'.padEnd(width)}  ${(total / 1000).toFixed(2).padStart(7)} s`].join('\n');
	}
}

module.exports = { defaultLog, Timings };
