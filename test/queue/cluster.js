'use strict';
/**
 * n8n 2.41.1 in queue mode: one main (`n8n start`, webhooks, REST API, editor) and N workers
 * (`n8n worker --concurrency=C`), sharing Redis, PostgreSQL, one encryption key and (in
 * filesystem mode) one binary-data folder. Each process has its own user folder with the package
 * installed from its packed tarball (a copy of scripts/n8n/prepare.js's template), its own task
 * broker port, and runs in its own process group (stopped or killed by PID, never by name).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { spawnTracked, stopTracked, freePort } = require('../../scripts/n8n/processes');
const { n8nEnv } = require('../../scripts/n8n/prepare');
const { watchOutput } = require('./services');

const OWNER = Object.freeze({
	email: 'owner@nemovideo.test',
	firstName: 'Queue',
	lastName: 'Owner',
	password: 'Queue-Passw0rd!',
});

class N8nProcess {
	constructor(name, child, watched, extra) {
		this.name = name;
		this.child = child;
		this.pid = child.pid;
		this.lines = watched.lines;
		this.ready = watched.ready;
		this.started = Date.now();
		Object.assign(this, extra);
		this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	}
	get alive() {
		return this.child.exitCode === null && this.child.signalCode === null;
	}
	tail(n = 30) {
		return this.lines.slice(-n).join('\n');
	}
	/** Execution ids this worker logged as started ("Worker started execution 12 (job 7)"). */
	startedExecutions() {
		const ids = [];
		for (const line of this.lines) {
			const match = /Worker started execution (\d+)/.exec(line);
			if (match) ids.push(match[1]);
		}
		return ids;
	}
	/** kill -9 of the whole process group (the worker and its task runner). */
	kill9() {
		process.kill(-this.pid, 'SIGKILL');
	}
	async stop(graceMs = 15_000) {
		await stopTracked(this.child, graceMs);
	}
}

/**
 * @param {object} o
 * @param {object} o.prepared  result of scripts/n8n/prepare.js prepare()
 * @param {{host:string,port:number}} o.redis
 * @param {{host:string,port:number,user:string,database:string}} o.pg
 * @param {string} o.scratch  a temporary folder for user folders and the shared store
 * @param {'filesystem'|'database'} o.binaryMode
 * @param {number} [o.workers] default 2
 * @param {number} [o.concurrency] default 3
 * @param {Record<string,string>} [o.env] extra variables for every process
 */
async function startCluster(o) {
	const { prepared, redis, pg, scratch, binaryMode } = o;
	const tag = `${binaryMode}-${crypto.randomBytes(3).toString('hex')}`;
	const sharedStore = path.join(scratch, `shared-storage-${tag}`);
	fs.mkdirSync(sharedStore, { recursive: true });
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const common = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: '',
		N8N_DEFAULT_BINARY_DATA_MODE: binaryMode,
		// 2.41.1 reads the filesystem store's folder from N8N_STORAGE_PATH (n8n-core storage.config.js;
		// N8N_BINARY_DATA_STORAGE_PATH still works but is deprecated). Every process gets the same one.
		N8N_STORAGE_PATH: sharedStore,
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_PORT: String(port),
		N8N_EDITOR_BASE_URL: `${url}/`,
		WEBHOOK_URL: `${url}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_PUBLIC_API_DISABLED: 'true',
		...o.env,
	};
	const spawnN8n = async (name, args, extra = {}) => {
		const userFolder = path.join(scratch, `user-${name}-${tag}`);
		fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
		fs.cpSync(prepared.nodesTemplate, path.join(userFolder, '.n8n', 'nodes'), { recursive: true });
		const env = n8nEnv(prepared.install, userFolder, {
			captureDir: path.join(scratch, `captures-${name}-${tag}`),
			runnerPort: await freePort(),
			extra: { ...common, ...extra },
		});
		const child = spawnTracked(prepared.install.nodeBin, [prepared.install.n8nBin, ...args], {
			cwd: userFolder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const ready = name === 'main' ? /Editor is now accessible|n8n ready on/ : /n8n worker is now ready/;
		return new N8nProcess(name, child, watchOutput(child, ready, `n8n ${name}`, 180_000), { userFolder });
	};

	const cluster = { url, port, sharedStore, binaryMode, workers: [], main: undefined, cookie: undefined };
	try {
		// The main first: it runs the database migrations; workers wait for it.
		cluster.main = await spawnN8n('main', ['start']);
		await cluster.main.ready;
		await waitHttp(`${url}/healthz/readiness`, 120_000);
		const concurrency = String(o.concurrency ?? 3);
		for (let i = 1; i <= (o.workers ?? 2); i++) {
			cluster.workers.push(
				await spawnN8n(`worker${i}`, ['worker', `--concurrency=${concurrency}`], {
					QUEUE_HEALTH_CHECK_ACTIVE: 'false',
				}),
			);
		}
		await Promise.all(cluster.workers.map((w) => w.ready));
	} catch (error) {
		await stopCluster(cluster);
		throw error;
	}
	cluster.stop = () => stopCluster(cluster);
	cluster.rest = (method, route, options) => rest(cluster, method, route, options);
	cluster.processes = () => [cluster.main, ...cluster.workers].filter(Boolean);
	return cluster;
}

async function stopCluster(cluster) {
	await Promise.all([...cluster.workers, cluster.main].filter(Boolean).map((p) => p.stop()));
}

async function waitHttp(target, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			const response = await fetch(target, { signal: AbortSignal.timeout(2000) });
			if (response.ok) return;
		} catch {
			/* not listening yet */
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`${target} did not answer 200 within ${timeoutMs} ms`);
}

/** A REST call with the owner's cookie; returns n8n's `data` (or { status, headers, body } with raw). */
async function rest(cluster, method, route, { body, raw } = {}) {
	const headers = { accept: 'application/json' };
	if (body !== undefined) headers['content-type'] = 'application/json';
	if (cluster.cookie) headers.cookie = cluster.cookie;
	const response = await fetch(`${cluster.url}${route}`, {
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

/** Creates the owner (once per database) or logs in; keeps the auth cookie on the cluster. */
async function loginOwner(cluster, { setup }) {
	if (setup) await rest(cluster, 'POST', '/rest/owner/setup', { body: OWNER });
	const response = await rest(cluster, 'POST', '/rest/login', {
		body: { emailOrLdapLoginId: OWNER.email, password: OWNER.password },
		raw: true,
	});
	if (response.status !== 200)
		throw new Error(`n8n login failed: HTTP ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
	const cookie = response.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.find((c) => c.startsWith('n8n-auth='));
	if (!cookie) throw new Error('n8n login answered 200 without an n8n-auth cookie');
	cluster.cookie = cookie;
}

module.exports = { startCluster, loginOwner, OWNER, N8nProcess };
