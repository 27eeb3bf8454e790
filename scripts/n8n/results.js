'use strict';
/** Run data → result: n8n's IRun (from the capture hook or `n8n execute` stdout) into a RunResult. */
const fs = require('node:fs');
const path = require('node:path');

/**
 * Extracts the pretty-printed JSON object that `n8n execute --rawOutput` prints (also after
 * "Execution error:" on failure) from stdout that also holds log lines.
 */
function parseExecuteStdout(stdout) {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	if (start === -1) return undefined;
	const end = lines.findIndex((line, i) => i > start && line === '}');
	if (end === -1) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n'));
	} catch {
		return undefined;
	}
}

function summarizeError(error) {
	if (!error || typeof error !== 'object') return error ? { message: String(error) } : null;
	return {
		message: error.message ?? null,
		description: error.description ?? null,
		name: error.name ?? null,
		node: error.node?.name ?? null,
		httpCode: error.httpCode ?? null,
		context: error.context && Object.keys(error.context).length ? error.context : undefined,
	};
}

function describeBinary(binary, storagePath) {
	const out = {};
	for (const [property, data] of Object.entries(binary ?? {})) {
		const { data: inline, ...meta } = data ?? {};
		const entry = { ...meta };
		if (typeof meta.id === 'string' && meta.id.includes(':')) {
			// "<mode>:<fileId>", e.g. filesystem-v2:workflows/<wf>/executions/<ex>/binary_data/<uuid>
			const [mode, fileId] = meta.id.split(/:(.*)/s);
			entry.storage = mode;
			if (mode === 'filesystem' || mode === 'filesystem-v2') {
				entry.path = path.join(storagePath, fileId);
				entry.metadataPath = `${entry.path}.metadata`;
				entry.exists = fs.existsSync(entry.path);
				if (entry.exists) entry.sizeOnDisk = fs.statSync(entry.path).size;
			}
		} else if (typeof inline === 'string') {
			entry.storage = 'inline';
			entry.data = inline;
			entry.inlineBytes = Buffer.byteLength(inline, 'base64');
		}
		out[property] = entry;
	}
	return out;
}

function describeItem(item, storagePath) {
	const out = { json: item?.json ?? {} };
	if (item?.binary && Object.keys(item.binary).length) out.binary = describeBinary(item.binary, storagePath);
	if (item?.pairedItem !== undefined) out.pairedItem = item.pairedItem;
	if (item?.error) out.error = summarizeError(item.error);
	return out;
}

/**
 * Turns n8n's IRun into a result with per-node items.
 * @returns {RunResult}
 */
function toResult(
	run,
	{
		storagePath,
		executionId = null,
		workflowId = null,
		command = null,
		stdout = '',
		stderr = '',
		captured = false,
	} = {},
) {
	const resultData = run?.data?.resultData ?? {};
	const nodes = {};
	for (const [name, tasks] of Object.entries(resultData.runData ?? {})) {
		const runs = (tasks ?? []).map((task) => ({
			status: task.executionStatus ?? (task.error ? 'error' : 'success'),
			executionTime: task.executionTime ?? null,
			startTime: task.startTime ?? null,
			error: task.error ? summarizeError(task.error) : null,
			hints: task.hints ?? [],
			outputs: (task.data?.main ?? []).map((items) => (items ?? []).map((item) => describeItem(item, storagePath))),
		}));
		const last = runs[runs.length - 1];
		nodes[name] = {
			status: last?.status ?? 'unknown',
			error: last?.error ?? null,
			executionTime: last?.executionTime ?? null,
			items: last?.outputs?.[0] ?? [],
			runs,
		};
	}
	const error = resultData.error ? summarizeError(resultData.error) : null;
	const status = run?.status ?? (error ? 'error' : 'unknown');
	return {
		ok: Boolean(run) && status === 'success' && !error && (command ? command.code === 0 : true),
		status,
		error,
		executionId,
		workflowId,
		lastNodeExecuted: resultData.lastNodeExecuted ?? null,
		startedAt: run?.startedAt ?? null,
		stoppedAt: run?.stoppedAt ?? null,
		nodes,
		exitCode: command?.code ?? null,
		timedOut: command?.timedOut ?? false,
		ms: command?.ms ?? null,
		source: captured ? 'hook' : run ? 'stdout' : 'none',
		stdout,
		stderr,
		raw: run ?? null,
	};
}

/**
 * @typedef {object} RunResult
 * @property {boolean} ok            execution status "success", no error, `n8n execute` exit code 0
 * @property {string} status         n8n's execution status (success, error, canceled, crashed, ...)
 * @property {object|null} error     the workflow error (message, description, node, httpCode)
 * @property {string|null} executionId
 * @property {Record<string, {status: string, error: object|null, items: object[], runs: object[]}>} nodes
 *           per node: `items` is the first output of its last run; `runs[i].outputs[o]` has them all.
 *           Items are `{json, binary?: {<prop>: {fileName, mimeType, fileSize, bytes, id, storage, path, exists}}}`
 * @property {number|null} exitCode  of `n8n execute`
 * @property {number|null} ms        wall time of `n8n execute` (process start to exit)
 * @property {string} stdout         n8n's console output (logs and the printed run)
 * @property {object|null} raw       n8n's IRun as received
 */

module.exports = { parseExecuteStdout, summarizeError, describeBinary, describeItem, toResult };
