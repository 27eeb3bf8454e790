'use strict';
/**
 * n8n as a server (`n8n start`, headless: the editor UI and REST API) in a runner's user folder,
 * for checks that need the editor rather than `n8n execute`:
 *
 *   const runner = await N8nRunner.create();               // its own user folder, package installed
 *   const server = await startN8nServer(runner);            // 127.0.0.1:<free port>, ready
 *   const owner = await server.setupOwner();                // POST /rest/owner/setup
 *   await server.stop();                                     // SIGTERM to its process group, by PID
 *
 * The server is a child process in its own process group (processes.js), with the same
 * environment as every other n8n command of the runner (prepare.js `n8nEnv`) plus its port, its
 * own task-broker port and loopback-only addresses. It is stopped by its PID on stop(), on timeout
 * and at process exit; never by name.
 */
const path = require('node:path');

const { spawnTracked, stopTracked, freePort } = require('./processes');
const { n8nEnv } = require('./prepare');

const DEFAULT_START_TIMEOUT_MS = 120_000;
const OWNER = Object.freeze({
	email: 'owner@nemovideo.test',
	firstName: 'Nemo',
	lastName: 'Owner',
	password: 'E2e-Passw0rd!',
});

/**
 * Starts `n8n start` in `runner.userFolder` and waits until `/healthz/readiness` answers 200.
 * @param {import('./index').N8nRunner} runner
 * @param {{port?: number, env?: Record<string,string>, echo?: boolean, startTimeoutMs?: number, log?: (m: string) => void}} [options]
 * @returns {Promise<N8nServer>}
 */
async function startN8nServer(runner, options = {}) {
	const port = options.port ?? (await freePort());
	const brokerPort = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const env = n8nEnv(runner.install, runner.userFolder, {
		captureDir: path.join(runner.scratch, 'captures', 'server'),
		runnerPort: brokerPort,
		encryptionKey: runner.options?.encryptionKey,
		extra: {
			...runner.options?.env,
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: `${url}/`,
			WEBHOOK_URL: `${url}/`,
			// Plain http on loopback: the auth cookie must not require https.
			N8N_SECURE_COOKIE: 'false',
			// Nothing that reaches for the internet (templates, banners, telemetry, AI assistant).
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_AI_ENABLED: 'false',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			...options.env,
		},
	});
	const child = spawnTracked(runner.install.nodeBin, [runner.install.n8nBin, 'start'], {
		cwd: runner.userFolder,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const server = new N8nServer(child, { url, port, brokerPort, userFolder: runner.userFolder, echo: options.echo });
	const log = options.log ?? (() => {});
	try {
		await server.waitReady(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
	} catch (error) {
		await server.stop();
		throw error;
	}
	log(
		`n8n server ${url} (pid ${child.pid}, task broker port ${brokerPort}) ready in ${(server.readyMs / 1000).toFixed(1)} s`,
	);
	return server;
}

class N8nServer {
	constructor(child, { url, port, brokerPort, userFolder, echo }) {
		this.child = child;
		this.pid = child.pid;
		this.url = url;
		this.port = port;
		this.brokerPort = brokerPort;
		this.userFolder = userFolder;
		this.started = Date.now();
		this.readyMs = undefined;
		/** @type {string[]} the last lines of n8n's stdout and stderr */
		this.lines = [];
		this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
		for (const stream of [child.stdout, child.stderr]) {
			stream.setEncoding('utf8');
			stream.on('data', (chunk) => {
				if (echo) process.stderr.write(chunk.replace(/^(?=.)/gm, '[n8n server] '));
				this.lines.push(...chunk.split('\n').filter(Boolean));
				if (this.lines.length > 400) this.lines.splice(0, this.lines.length - 400);
			});
		}
	}

	/** The last `n` lines n8n printed. */
	outputTail(n = 30) {
		return this.lines.slice(-n).join('\n');
	}

	async waitReady(timeoutMs) {
		const deadline = Date.now() + timeoutMs;
		let exited;
		void this.exited.then((value) => (exited = value));
		while (Date.now() < deadline) {
			if (exited)
				throw new Error(
					`n8n start exited (code ${exited.code}, signal ${exited.signal}) before it was ready:\n${this.outputTail()}`,
				);
			try {
				const response = await fetch(`${this.url}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
				if (response.ok) {
					this.readyMs = Date.now() - this.started;
					return;
				}
			} catch {
				/* not listening yet */
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		throw new Error(`n8n start was not ready within ${timeoutMs} ms:\n${this.outputTail()}`);
	}

	/**
	 * A REST call: JSON in, the parsed `data` (n8n wraps answers in `{ data }`) out; throws on HTTP errors.
	 * @param {string} method
	 * @param {string} route  e.g. '/rest/owner/setup'
	 * @param {{body?: unknown, cookie?: string, raw?: boolean}} [options]  raw: return { status, headers, body }
	 */
	async rest(method, route, { body, cookie, raw } = {}) {
		const headers = { accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (cookie) headers.cookie = cookie;
		const response = await fetch(`${this.url}${route}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let parsed;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			parsed = text;
		}
		if (raw) return { status: response.status, headers: response.headers, body: parsed };
		if (!response.ok) throw new Error(`n8n ${method} ${route} -> HTTP ${response.status}: ${text.slice(0, 400)}`);
		return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
	}

	/**
	 * Creates the instance owner (`POST /rest/owner/setup`, only possible once per database), then
	 * logs in over REST. Returns the owner with the auth `cookie` (`n8n-auth=…`) for REST calls.
	 * Logged in without a `browser-id` header, the cookie is not bound to one browser (n8n skips
	 * its browser-id check), so a browser context may use the same login.
	 */
	async setupOwner(owner = OWNER) {
		await this.rest('POST', '/rest/owner/setup', { body: owner });
		return { ...owner, cookie: await this.login(owner) };
	}

	/** `POST /rest/login`; returns the `n8n-auth=…` cookie. */
	async login({ email, password } = OWNER) {
		const response = await this.rest('POST', '/rest/login', {
			body: { emailOrLdapLoginId: email, password },
			raw: true,
		});
		if (response.status !== 200)
			throw new Error(`n8n login failed: HTTP ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
		const cookie = response.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.find((c) => c.startsWith('n8n-auth='));
		if (!cookie) throw new Error('n8n login answered 200 without an n8n-auth cookie');
		return cookie;
	}

	/** Stops the server by its process group (SIGTERM, SIGKILL after `graceMs`) and waits for it. */
	async stop(graceMs = 10_000) {
		await stopTracked(this.child, graceMs);
	}
}

module.exports = { startN8nServer, N8nServer, OWNER };
