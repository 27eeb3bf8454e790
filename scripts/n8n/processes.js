'use strict';
/**
 * Child processes that never outlive us: every command runs in its own process group (detached) and
 * is killed by its group id on timeout, on dispose, or when this process exits or is interrupted.
 * Nothing is ever killed by name.
 */
const { spawn } = require('node:child_process');
const net = require('node:net');

/** @type {Set<import('node:child_process').ChildProcess>} */
const live = new Set();
/** @type {Set<() => void>} synchronous cleanups run at exit (temporary folders, servers) */
const exitCleanups = new Set();
let hooksInstalled = false;

function killGroup(child, signal = 'SIGTERM') {
	if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

function runExitCleanups() {
	for (const child of live) killGroup(child, 'SIGKILL');
	live.clear();
	for (const cleanup of exitCleanups) {
		try {
			cleanup();
		} catch {
			/* best effort */
		}
	}
	exitCleanups.clear();
}

function installExitHooks() {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.once('exit', runExitCleanups);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.once(signal, () => {
			process.stderr.write(`\n[n8n-runner] ${signal}: stopping child processes\n`);
			runExitCleanups();
			process.exit(signal === 'SIGINT' ? 130 : 143);
		});
	}
}

/** Registers a synchronous cleanup for process exit; returns a function that unregisters it. */
function onExit(cleanup) {
	installExitHooks();
	exitCleanups.add(cleanup);
	return () => exitCleanups.delete(cleanup);
}

/**
 * Spawns a command in its own process group and tracks it until it ends.
 * @returns {import('node:child_process').ChildProcess}
 */
function spawnTracked(command, args, options = {}) {
	installExitHooks();
	const child = spawn(command, args, { ...options, detached: true });
	live.add(child);
	child.once('exit', () => {
		// The group may still hold grandchildren (n8n's task runner): end them too.
		killGroup({ pid: child.pid, exitCode: null, signalCode: null, kill() {} }, 'SIGKILL');
		live.delete(child);
	});
	child.once('error', () => live.delete(child));
	return child;
}

/** Stops a tracked child by its process group: SIGTERM, then SIGKILL after `graceMs`. */
async function stopTracked(child, graceMs = 3000) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	killGroup(child, 'SIGTERM');
	const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

/**
 * Runs a command to completion, capturing stdout/stderr (optionally echoing them with a prefix).
 * @param {string} command
 * @param {string[]} args
 * @param {{cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number, echo?: boolean|string, echoStdout?: boolean, input?: string}} [options]
 *   echo: copy the output to our stderr as it comes (a string is a line prefix); echoStdout: false copies stderr only
 * @returns {Promise<{code: number|null, signal: string|null, stdout: string, stderr: string, ms: number, timedOut: boolean}>}
 */
function runCommand(command, args, options = {}) {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawnTracked(command, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
		});
		const out = [];
		const err = [];
		const prefix = typeof options.echo === 'string' ? options.echo : '';
		const atLineStart = { out: true, err: true };
		const echo = (chunk, isStdout) => {
			if (options.echo === undefined || options.echo === false) return;
			if (isStdout && options.echoStdout === false) return;
			let text = chunk.toString('utf8');
			if (prefix) {
				const key = isStdout ? 'out' : 'err';
				text = (atLineStart[key] ? prefix : '') + text.replace(/\n(?=.)/g, `\n${prefix}`);
				atLineStart[key] = text.endsWith('\n');
			}
			process.stderr.write(text);
		};
		child.stdout.on('data', (c) => {
			out.push(c);
			echo(c, true);
		});
		child.stderr.on('data', (c) => {
			err.push(c);
			echo(c, false);
		});
		if (options.input !== undefined) child.stdin.end(options.input);
		let timedOut = false;
		const timer =
			options.timeoutMs > 0
				? setTimeout(() => {
						timedOut = true;
						void stopTracked(child);
					}, options.timeoutMs)
				: undefined;
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			resolve({
				code,
				signal,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
				ms: Date.now() - started,
				timedOut,
			});
		});
	});
}

/** A TCP port that is free on 127.0.0.1 right now. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

module.exports = { spawnTracked, stopTracked, runCommand, freePort, onExit };
