'use strict';
/**
 * Starts the NemoVideo simulator CLI (dist/simulator/cli.js) as a child process, reads its one stdout
 * line `NemoVideo simulator listening on http://127.0.0.1:<port>`, and drives its /__sim control API.
 * Stopped by its PID (process group) on stop() and at process exit.
 */
const fs = require('node:fs');
const path = require('node:path');

const { spawnTracked, stopTracked } = require('./processes');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SIMULATOR_CLI = path.join(REPO_ROOT, 'dist', 'simulator', 'cli.js');
const READY = /NemoVideo simulator listening on (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * @param {{args?: string[], startTimeoutMs?: number, cli?: string}} [options]
 *   args: simulator flags, e.g. ['--seed', '7', '--render-ms', '500'] (`--port 0` is always passed first)
 * @returns {Promise<Simulator>}
 */
async function startSimulator(options = {}) {
	const cli = options.cli ?? SIMULATOR_CLI;
	if (!fs.existsSync(cli))
		throw new Error(`${path.relative(REPO_ROOT, cli)} is missing: build the package (npm run build)`);
	const child = spawnTracked(process.execPath, [cli, '--port', '0', ...(options.args ?? [])], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const stderrLines = [];
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (chunk) => {
		stderrLines.push(...chunk.split('\n').filter(Boolean));
		if (stderrLines.length > 500) stderrLines.splice(0, stderrLines.length - 500);
	});
	const url = await new Promise((resolve, reject) => {
		let out = '';
		const timer = setTimeout(
			() => fail(new Error(`the simulator did not report its URL within ${options.startTimeoutMs ?? 15000} ms`)),
			options.startTimeoutMs ?? 15000,
		);
		function fail(error) {
			clearTimeout(timer);
			void stopTracked(child);
			reject(error);
		}
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk) => {
			out += chunk;
			const match = READY.exec(out);
			if (match) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		child.once('exit', (code) =>
			fail(new Error(`the simulator exited (code ${code}) before it was ready:\n${stderrLines.slice(-20).join('\n')}`)),
		);
		child.once('error', fail);
	});
	const sim = new Simulator(child, url, stderrLines);
	await sim.captureBaseline();
	return sim;
}

class Simulator {
	constructor(child, url, stderrLines) {
		this.child = child;
		this.pid = child.pid;
		this.url = url;
		this.stderrLines = stderrLines;
	}

	async request(method, route, body) {
		const response = await fetch(`${this.url}${route}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let parsed;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			parsed = text;
		}
		if (!response.ok) throw new Error(`simulator ${method} ${route} -> HTTP ${response.status}: ${text.slice(0, 300)}`);
		return parsed;
	}

	/** Remembers the start-up options so restore() can undo a check's /__sim/config changes. */
	async captureBaseline() {
		const { registeredTokens: _count, ...config } = (await this.request('GET', '/__sim/config')) ?? {};
		// null clears the optional one-shot settings (JSON cannot carry undefined)
		this.baseline = { failNextRender: null, nextEditStreamBytes: null, renderOutputBytes: null, ...config };
	}
	/** POST /__sim/reset: forgets tokens, sessions, renders, uploads, log and faults (keeps options). */
	reset() {
		return this.request('POST', '/__sim/reset', {});
	}
	/** reset() plus the start-up options back: a clean simulator for the next check. */
	async restore() {
		await this.reset();
		if (this.baseline) await this.configure(this.baseline);
	}
	/** Partial SimulatorOptions, e.g. { renderMs: 500, anonymousCredits: 20 } */
	configure(options) {
		return this.request('POST', '/__sim/config', options);
	}
	/** One fault or a list, queued (see simulator/faults.ts) */
	faults(faults) {
		return this.request('POST', '/__sim/faults', faults);
	}
	/** Request log entries `{method, path, status, clientId?, hasAuth, skillHeaders, ...}` (API routes only). */
	log() {
		return this.request('GET', '/__sim/log');
	}
	/** `{anonymous: {<clientId>: count}, total}` */
	tokens() {
		return this.request('GET', '/__sim/tokens');
	}
	/** A session's record, state (draft) included. */
	session(id) {
		return this.request('GET', `/__sim/sessions/${encodeURIComponent(id)}`);
	}
	/** How many anonymous tokens the simulator issued to one client id. */
	async anonymousTokensIssued(clientId) {
		const counts = await this.tokens();
		const byClient = counts?.anonymous ?? counts?.byClient ?? counts ?? {};
		return Number(byClient[clientId] ?? 0);
	}
	stderrTail(lines = 30) {
		return this.stderrLines.slice(-lines).join('\n');
	}
	async stop() {
		await stopTracked(this.child);
	}
}

module.exports = { startSimulator, Simulator, SIMULATOR_CLI };
