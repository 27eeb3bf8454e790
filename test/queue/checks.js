'use strict';
/**
 * The queue-mode checks on a running cluster (main + 2 workers). Each returns a plain record of what
 * it measured and throws (assert) when the package misbehaves. `ctx`: { cluster, sim, prepared,
 * workflow, clientId, scratch, log }.
 */
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const { callWebhook, listExecutions, getExecution, nodeOutput, executionError, downloadBinary } = require('./workflow');
const { sampleRss } = require('./rss');

const EDIT_POST = (e) => e.method === 'POST' && /^\/run_sse\/?$/.test(e.path);
const RENDER_POST = (e) => e.method === 'POST' && /^\/api\/render\/proxy\/lambda\/?$/.test(e.path);
const CANCEL_POST = (e) => e.method === 'POST' && /\/cancel\/?$/.test(e.path);

async function waitFor(what, fn, timeoutMs, intervalMs = 100) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await fn();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

async function simLogSince(sim, since, predicate) {
	return (await sim.log()).filter((e) => e.startedAt >= since && predicate(e));
}

/** Which worker logged "Worker started execution <id>". */
function workerOf(cluster, executionId) {
	return cluster.workers.find((w) => w.startedExecutions().includes(String(executionId)))?.name ?? null;
}

/** n webhook calls at once; the executions they created (matched by start time) with their workers. */
async function parallelRuns(ctx, n) {
	const { cluster, workflow } = ctx;
	const before = new Set((await listExecutions(cluster, workflow.id)).map((e) => String(e.id)));
	const started = Date.now();
	const calls = await Promise.all(
		Array.from({ length: n }, (_, i) => callWebhook(cluster, workflow.webhookPath, { run: i })),
	);
	const wallMs = Date.now() - started;
	const executions = (await listExecutions(cluster, workflow.id)).filter((e) => !before.has(String(e.id)));
	const byWorker = {};
	for (const e of executions) {
		const worker = workerOf(cluster, e.id) ?? 'unknown';
		byWorker[worker] = (byWorker[worker] ?? 0) + 1;
	}
	return { calls, wallMs, executions, byWorker };
}

/** 6 concurrent webhook executions: all succeed, on both workers, with at most one anonymous token. */
async function concurrentSix(ctx) {
	const { cluster, sim, clientId } = ctx;
	const result = await parallelRuns(ctx, 6);
	const tokens = await sim.anonymousTokensIssued(clientId);
	const record = {
		httpStatuses: result.calls.map((c) => c.status),
		otherAnswers: result.calls.filter((c) => c.status !== 200).map((c) => JSON.stringify(c.body).slice(0, 300)),
		succeeded: result.executions.filter((e) => e.status === 'success').length,
		executions: result.executions.length,
		byWorker: result.byWorker,
		anonymousTokensIssued: tokens,
		wallMs: result.wallMs,
		failures: [],
	};
	for (const e of result.executions.filter((x) => x.status !== 'success')) {
		record.failures.push({
			id: e.id,
			status: e.status,
			error: executionError(await getExecution(cluster, ctx.prepared, e.id)),
		});
	}
	ctx.lastSuccessId = result.executions.find((e) => e.status === 'success')?.id;
	ctx.log(
		`6 concurrent: ${record.succeeded}/6 succeeded, by worker ${JSON.stringify(record.byWorker)}, ${tokens} anonymous token(s), ${record.wallMs} ms`,
	);
	ctx.record.concurrentSix = record;
	assert.equal(record.executions, 6, 'six executions expected');
	assert.equal(record.succeeded, 6, `6 of 6 should succeed: ${JSON.stringify(record.failures).slice(0, 1500)}`);
	assert.ok(
		cluster.workers.every((w) => (record.byWorker[w.name] ?? 0) > 0),
		`both workers should run some: ${JSON.stringify(record.byWorker)}`,
	);
	assert.ok(tokens <= 1, `at most one anonymous token, saw ${tokens}`);
	return record;
}

/** The rendered MP4 of a finished execution, downloaded from the main and decoded with ffprobe. */
async function downloadAndProbe(ctx, executionId, label) {
	const execution = await getExecution(ctx.cluster, ctx.prepared, executionId);
	const binary = nodeOutput(execution, 'Render MP4').item?.binary?.data;
	assert.ok(
		binary?.id,
		`execution ${executionId}: Render MP4 has no stored binary (id): ${JSON.stringify(binary).slice(0, 300)}`,
	);
	const file = path.join(ctx.scratch, `${label}-${executionId}.mp4`);
	const download = await downloadBinary(ctx.cluster, binary.id, file);
	assert.equal(download.status, 200, `GET /rest/binary-data for ${binary.id} -> HTTP ${download.status}`);
	const probe = JSON.parse(
		execFileSync(
			'ffprobe',
			[
				'-v',
				'error',
				'-count_frames',
				'-select_streams',
				'v:0',
				'-show_entries',
				'stream=codec_name,width,height,nb_read_frames:format=duration',
				'-of',
				'json',
				file,
			],
			{ encoding: 'utf8' },
		),
	);
	const stream = probe.streams?.[0] ?? {};
	const record = {
		binaryId: binary.id,
		bytes: download.bytes,
		ms: download.ms,
		codec: stream.codec_name,
		width: stream.width,
		height: stream.height,
		frames: Number(stream.nb_read_frames),
		durationSeconds: Number(probe.format?.duration),
	};
	assert.equal(record.codec, 'h264');
	assert.ok(record.frames > 0, 'ffprobe decoded no frames');
	return record;
}

/** Wall time of 12 webhook executions at once vs 12 one after another. */
async function twelveTimings(ctx) {
	const parallel = await parallelRuns(ctx, 12);
	const parallelOk = parallel.executions.filter((e) => e.status === 'success').length;
	const started = Date.now();
	const sequentialStatuses = [];
	for (let i = 0; i < 12; i++)
		sequentialStatuses.push((await callWebhook(ctx.cluster, ctx.workflow.webhookPath, { run: i })).status);
	const sequentialMs = Date.now() - started;
	const record = {
		parallelMs: parallel.wallMs,
		parallelSucceeded: parallelOk,
		parallelByWorker: parallel.byWorker,
		sequentialMs,
		sequentialStatuses,
	};
	ctx.log(
		`12 at once: ${record.parallelMs} ms (${parallelOk}/12 ok, ${JSON.stringify(parallel.byWorker)}); 12 one after another: ${sequentialMs} ms`,
	);
	ctx.record.twelve = record;
	assert.equal(parallelOk, 12, '12 of 12 parallel executions should succeed');
	assert.ok(
		sequentialStatuses.every((s) => s === 200),
		`sequential webhook statuses: ${sequentialStatuses}`,
	);
	return record;
}

/** RSS growth of the worker that rendered a big MP4 and of the main serving its download. */
async function memoryForRender(ctx, bytes, label) {
	const { cluster, sim, workflow } = ctx;
	await sim.configure({ renderOutputBytes: bytes });
	const pids = Object.fromEntries(cluster.processes().map((p) => [p.name, p.pid]));
	const runSampler = sampleRss(pids);
	const call = await callWebhook(cluster, workflow.webhookPath, { memory: label });
	const during = runSampler.stop();
	await sim.configure({ renderOutputBytes: null });
	const [execution] = await listExecutions(cluster, workflow.id);
	const worker = workerOf(cluster, execution.id);
	const record = {
		label,
		renderBytes: bytes,
		httpStatus: call.status,
		executionStatus: execution.status,
		worker,
		workerGrowthMiB: during[worker]?.growthMiB,
		mainGrowthDuringRunMiB: during.main.growthMiB,
	};
	if (execution.status === 'success') {
		const dlSampler = sampleRss({ main: cluster.main.pid });
		const probe = await downloadAndProbe(ctx, execution.id, `memory-${label}`);
		record.mainGrowthDuringDownloadMiB = dlSampler.stop().main.growthMiB;
		record.downloadBytes = probe.bytes;
	} else {
		record.error = executionError(await getExecution(cluster, ctx.prepared, execution.id));
	}
	ctx.log(`memory (${label}, ${Math.round(bytes / 1048576)} MiB render): ${JSON.stringify(record)}`);
	return record;
}

/** A long render started by a webhook: resolves once the simulator saw its render POST. */
async function startLongRender(ctx, renderMs) {
	const { cluster, sim, workflow } = ctx;
	await sim.configure({ renderMs });
	const before = new Set((await listExecutions(cluster, workflow.id)).map((e) => String(e.id)));
	const since = Date.now();
	const response = callWebhook(cluster, workflow.webhookPath, { long: true }, 600_000);
	await waitFor('the render POST', async () => (await simLogSince(sim, since, RENDER_POST)).length > 0, 120_000, 200);
	const isNewRunning = (e) => e.status === 'running' && !before.has(String(e.id));
	const running = await waitFor(
		'the running execution',
		async () => (await listExecutions(cluster, workflow.id)).find(isNewRunning),
		30_000,
		200,
	);
	return { since, response, executionId: String(running.id) };
}

/** A stop from the main reaches the simulator as a render cancel within 1 s. */
async function stopFromMain(ctx) {
	const { cluster, sim } = ctx;
	const run = await startLongRender(ctx, 120_000);
	const stoppedAt = Date.now();
	const stop = await cluster.rest('POST', `/rest/executions/${run.executionId}/stop`, { raw: true });
	const [cancel] = await waitFor(
		'the render cancel',
		async () => {
			const found = await simLogSince(sim, run.since, CANCEL_POST);
			return found.length ? found : undefined;
		},
		10_000,
		20,
	);
	const webhook = await run.response;
	await sim.configure({ renderMs: 1500 });
	const execution = await getExecution(cluster, ctx.prepared, run.executionId);
	const record = {
		executionId: run.executionId,
		worker: workerOf(cluster, run.executionId),
		stopHttpStatus: stop.status,
		cancelAfterMs: cancel.startedAt - stoppedAt,
		cancelStatus: cancel.status,
		executionStatus: execution.status,
		error: executionError(execution),
		webhookStatus: webhook.status,
		webhookMs: webhook.ms,
	};
	ctx.log(`stop from the main: cancel request after ${record.cancelAfterMs} ms (${record.executionStatus})`);
	ctx.record.stopFromMain = record;
	assert.ok(record.cancelAfterMs <= 1000, `the render cancel came ${record.cancelAfterMs} ms after the stop`);
	return record;
}

/** kill -9 of the worker running a render: no repeated edit or render POST; what the user sees. */
async function killWorkerMidRender(ctx, { settleMs = 150_000 } = {}) {
	const { cluster, sim } = ctx;
	const run = await startLongRender(ctx, 300_000);
	const workerName = workerOf(cluster, run.executionId);
	const worker = cluster.workers.find((w) => w.name === workerName);
	assert.ok(worker, `no worker logged execution ${run.executionId}`);
	const killedAt = Date.now();
	worker.kill9();
	let final;
	const deadline = killedAt + settleMs;
	while (Date.now() < deadline) {
		const [e] = (await listExecutions(cluster, ctx.workflow.id)).filter((x) => String(x.id) === run.executionId);
		if (e && !['running', 'new', 'waiting'].includes(e.status)) {
			final = { status: e.status, afterMs: Date.now() - killedAt };
			break;
		}
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
	const webhook = await Promise.race([
		run.response,
		new Promise((resolve) => setTimeout(() => resolve({ status: 'no answer yet', ms: Date.now() - run.since }), 5000)),
	]);
	const execution = await getExecution(cluster, ctx.prepared, run.executionId);
	const edits = await simLogSince(sim, run.since, EDIT_POST);
	const renders = await simLogSince(sim, run.since, RENDER_POST);
	await sim.configure({ renderMs: 1500 });
	const record = {
		executionId: run.executionId,
		killed: workerName,
		statusSeen: final?.status ?? execution.status,
		statusAfterMs: final?.afterMs ?? null,
		error: executionError(execution),
		webhook: {
			status: webhook.status,
			ms: webhook.ms,
			body: typeof webhook.body === 'string' ? webhook.body.slice(0, 300) : webhook.body,
		},
		editPosts: edits.length,
		renderPosts: renders.length,
	};
	ctx.log(`kill -9 ${workerName}: ${JSON.stringify(record)}`);
	ctx.record.killWorker = record;
	assert.equal(record.editPosts, 1, 'the edit must not be sent again');
	assert.equal(record.renderPosts, 1, 'the render must not be submitted again');
	return record;
}

module.exports = {
	concurrentSix,
	downloadAndProbe,
	twelveTimings,
	memoryForRender,
	stopFromMain,
	killWorkerMidRender,
	waitFor,
	simLogSince,
	workerOf,
	startLongRender,
};
