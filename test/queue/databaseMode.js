'use strict';
/**
 * Checks on the cluster restarted with N8N_DEFAULT_BINARY_DATA_MODE=database (n8n's queue-mode
 * default) and a small N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: memory, the over-the-cap message,
 * and what a worker's SIGTERM does to a render in progress.
 */
const assert = require('node:assert/strict');

const { callWebhook, listExecutions, getExecution, executionError } = require('./workflow');
const { memoryForRender, startLongRender, simLogSince, workerOf } = require('./checks');

async function memoryInDatabaseMode(ctx, bytes) {
	const record = await memoryForRender(ctx, bytes, 'database');
	ctx.record.memoryDatabase = record;
	assert.equal(
		record.executionStatus,
		'success',
		`a ${bytes} byte render under the cap should succeed: ${JSON.stringify(record.error)}`,
	);
	return record;
}

/** A render over the cap fails with a message naming the cap and the fixes. */
async function overTheCap(ctx, bytes, capMiB) {
	const { cluster, sim, workflow } = ctx;
	await sim.configure({ renderOutputBytes: bytes });
	const call = await callWebhook(cluster, workflow.webhookPath, { overCap: true });
	await sim.configure({ renderOutputBytes: null });
	const [latest] = await listExecutions(cluster, workflow.id);
	const error = executionError(await getExecution(cluster, ctx.prepared, latest.id));
	const record = { renderBytes: bytes, capMiB, httpStatus: call.status, executionStatus: latest.status, error };
	ctx.log(`over the cap: ${JSON.stringify(record)}`);
	ctx.record.overTheCap = record;
	assert.equal(latest.status, 'error');
	const text = `${error?.message ?? ''}\n${error?.description ?? ''}`;
	assert.match(error?.message ?? '', new RegExp(`\\b${capMiB} MB\\b`), 'the message names the cap');
	assert.match(text, /N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE/);
	assert.match(text, /filesystem/i, 'names the shared filesystem store');
	assert.match(text, /S3/, 'names S3');
	assert.match(text, /URL Only/, 'names Output "URL Only"');
	assert.doesNotMatch(text, /download broke|re-run|run the Download operation/i, 'no "download broke, run it again"');
	return record;
}

/**
 * SIGTERM to the worker running a render (what `docker stop` or a rolling update does): measured,
 * not asserted. n8n waits N8N_GRACEFUL_SHUTDOWN_TIMEOUT (10 s in this test, 30 s by default) for
 * running executions, then exits; does the render get a cancel request?
 */
async function sigtermMidRender(ctx) {
	const { cluster, sim } = ctx;
	const run = await startLongRender(ctx, 300_000);
	const name = workerOf(cluster, run.executionId);
	const worker = cluster.workers.find((w) => w.name === name);
	assert.ok(worker, `no worker logged execution ${run.executionId}`);
	const termAt = Date.now();
	process.kill(worker.pid, 'SIGTERM');
	const exit = await Promise.race([
		worker.exited,
		new Promise((resolve) => setTimeout(() => resolve({ code: 'still running after 60 s' }), 60_000)),
	]);
	const exitAfterMs = Date.now() - termAt;
	await new Promise((resolve) => setTimeout(resolve, 1500));
	const cancels = await simLogSince(sim, run.since, (e) => e.method === 'POST' && /\/cancel\/?$/.test(e.path));
	const [execution] = (await listExecutions(cluster, ctx.workflow.id)).filter((e) => String(e.id) === run.executionId);
	await sim.configure({ renderMs: 1500 });
	const record = {
		worker: name,
		gracefulShutdownTimeoutS: 10,
		exitAfterMs,
		exit,
		renderCancelRequests: cancels.length,
		executionStatusAfterExit: execution?.status ?? null,
	};
	ctx.log(`SIGTERM mid-render: ${JSON.stringify(record)}`);
	ctx.record.sigtermMidRender = record;
	return record;
}

module.exports = { memoryInDatabaseMode, overTheCap, sigtermMidRender };
