#!/usr/bin/env node
'use strict';
/**
 * npm run test:queue [-- --no-build] [--results=file.json] [--keep]
 *
 * The package on n8n's scale-out engine: Redis + PostgreSQL (Debian packages, installed when
 * missing, 127.0.0.1, own ports and temporary data folders), n8n 2.41.1 main + 2 workers in queue
 * mode with a shared filesystem binary store, then the same with the database binary store, the
 * package installed from its packed tarball, the NemoVideo simulator. See test/queue/README.md.
 * Everything started here is stopped by PID (process groups) at the end, also on failure.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { prepare, REPO_ROOT } = require('../../scripts/n8n/prepare');
const { startSimulator } = require('../../scripts/n8n/simulator');
const { ensurePackages, startRedis, startPostgres, tempDir } = require('./services');
const { startCluster, loginOwner } = require('./cluster');
const { createCredential, createActiveWorkflow, waitWebhookRegistered } = require('./workflow');
const checks = require('./checks');
const { memoryInDatabaseMode, overTheCap, sigtermMidRender } = require('./databaseMode');

const args = process.argv.slice(2);
const build = !args.includes('--no-build') && process.env.NEMOVIDEO_N8N_SKIP_BUILD !== '1';
const resultsFile = args.find((a) => a.startsWith('--results='))?.slice('--results='.length);
const MIB = 1048576;
/** Worker concurrency: 3 slots each, so 6 executions at once must use both workers. */
const CONCURRENCY = 3;
/** Database store cap for the over-the-cap check (MiB), and the render sizes measured. */
const DB_CAP_MIB = 64;
const MEMORY_RENDER_BYTES = 48 * MIB;
const OVER_CAP_RENDER_BYTES = 80 * MIB;
const OVERALL_TIMEOUT_MS = 20 * 60_000;

const started = Date.now();
const log = (m) => process.stderr.write(`[queue ${((Date.now() - started) / 1000).toFixed(1)}s] ${m}\n`);

async function main() {
	const record = { n8n: undefined, concurrency: CONCURRENCY, dbCapMiB: DB_CAP_MIB, checks: {}, failures: [] };
	const stops = [];
	const run = async (name, fn) => {
		log(`check: ${name}`);
		try {
			record.checks[name] = { ok: true, ...(await fn()) };
		} catch (error) {
			log(`FAILED ${name}: ${error.stack ?? error}`);
			record.checks[name] = { ok: false, error: String(error?.message ?? error), ...(record.checks[name] ?? {}) };
			record.failures.push(name);
		}
	};
	try {
		const packages = await ensurePackages(log);
		record.aptInstalled = packages.installed;
		const prepared = await prepare({ build, log });
		record.n8n = prepared.install.n8nVersion;
		const scratch = tempDir('nemovideo-queue-');
		const [redis, pg] = await Promise.all([startRedis(), startPostgres()]);
		stops.push(
			() => redis.stop(),
			() => pg.stop(),
		);
		log(`redis 127.0.0.1:${redis.port} (pid ${redis.pid}), postgres 127.0.0.1:${pg.port} (pid ${pg.pid})`);
		const sim = await startSimulator({ args: ['--seed', '11', '--anonymous-credits', '1000000', '--quiet'] });
		stops.push(() => sim.stop());
		const clientId = crypto.randomUUID();

		// ---- filesystem binary store shared by main and workers ----
		let t = Date.now();
		let cluster = await startCluster({
			prepared,
			redis,
			pg,
			scratch,
			binaryMode: 'filesystem',
			concurrency: CONCURRENCY,
		});
		let stopCluster = cluster.stop;
		stops.unshift(() => stopCluster());
		record.startupMs = { filesystem: Date.now() - t };
		log(`n8n main ${cluster.url} + ${cluster.workers.length} workers ready in ${record.startupMs.filesystem} ms`);
		await loginOwner(cluster, { setup: true });
		const credential = await createCredential(cluster, sim.url, clientId);
		const workflow = await createActiveWorkflow(
			cluster,
			credential,
			`nemo-queue-${crypto.randomBytes(4).toString('hex')}`,
		);
		const ctx = { cluster, sim, prepared, workflow, clientId, scratch, log, record: record.checks };

		await run('concurrentSix', () => checks.concurrentSix(ctx));
		await run('downloadFromMain', async () => {
			if (!ctx.lastSuccessId) throw new Error('no successful execution to download from');
			return checks.downloadAndProbe(ctx, ctx.lastSuccessId, 'fs');
		});
		await run('twelve', () => checks.twelveTimings(ctx));
		await run('memoryFilesystem', () => checks.memoryForRender(ctx, MEMORY_RENDER_BYTES, 'filesystem'));
		await run('stopFromMain', () => checks.stopFromMain(ctx));
		await run('killWorker', () => checks.killWorkerMidRender(ctx));
		await cluster.stop();

		// ---- database binary store (n8n's queue-mode default), with a small cap ----
		t = Date.now();
		cluster = await startCluster({
			prepared,
			redis,
			pg,
			scratch,
			binaryMode: 'database',
			concurrency: CONCURRENCY,
			env: { N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: String(DB_CAP_MIB) },
		});
		stopCluster = cluster.stop;
		record.startupMs.database = Date.now() - t;
		await loginOwner(cluster, { setup: false });
		await waitWebhookRegistered(cluster, workflow.webhookPath);
		Object.assign(ctx, { cluster });
		await run('memoryDatabase', () => memoryInDatabaseMode(ctx, MEMORY_RENDER_BYTES));
		await run('overTheCap', () => overTheCap(ctx, OVER_CAP_RENDER_BYTES, DB_CAP_MIB));
		await run('sigtermMidRender', () => sigtermMidRender(ctx));
	} catch (error) {
		log(`setup failed: ${error.stack ?? error}`);
		record.failures.push(`setup: ${error?.message ?? error}`);
	} finally {
		for (const stop of stops) {
			try {
				await stop();
			} catch (error) {
				log(`cleanup: ${error?.message ?? error}`);
			}
		}
	}
	record.totalMs = Date.now() - started;
	const text = JSON.stringify(record, null, 2);
	process.stdout.write(`${text}\n`);
	if (resultsFile) fs.writeFileSync(path.resolve(REPO_ROOT, resultsFile), `${text}\n`);
	log(
		record.failures.length
			? `FAILED: ${record.failures.join(', ')}`
			: `all checks passed in ${(record.totalMs / 1000).toFixed(0)} s`,
	);
	return record.failures.length ? 1 : 0;
}

const guard = setTimeout(() => {
	log(`no result after ${OVERALL_TIMEOUT_MS / 60_000} min: giving up (child processes are stopped at exit)`);
	process.exit(2);
}, OVERALL_TIMEOUT_MS);
guard.unref();

main().then(
	(code) => process.exit(code),
	(error) => {
		log(error.stack ?? String(error));
		process.exit(1);
	},
);
