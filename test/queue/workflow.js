'use strict';
/**
 * Example 003 behind a Webhook (its Manual Trigger swapped; its photos read from examples/images),
 * created and activated over the main's REST API, plus the REST reads the checks need: executions,
 * their run data (n8n's `flatted` format) and the binary download endpoint.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('../../scripts/n8n/prepare');

const EXAMPLE = path.join(REPO_ROOT, 'examples', '003-product-photos-slideshow.json');
const PHOTOS_PLACEHOLDER = '/path/to/.n8n-files/product-photos/*.jpg';
const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';

/** The shipped example with a Webhook (POST /webhook/<path>, answers with the last node's JSON). */
function webhookExample(webhookPath) {
	const workflow = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
	const trigger = workflow.nodes.find((n) => n.type === MANUAL_TRIGGER);
	if (!trigger) throw new Error('example 003 has no Manual Trigger to swap');
	const read = workflow.nodes.find((n) => n.name === 'Read Photos');
	if (read?.parameters?.fileSelector !== PHOTOS_PLACEHOLDER)
		throw new Error(`example 003 "Read Photos" no longer reads ${PHOTOS_PLACEHOLDER}`);
	read.parameters.fileSelector = path.join(REPO_ROOT, 'examples', 'images', 'product-*.jpg');
	const oldName = trigger.name;
	Object.assign(trigger, {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: crypto.randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path: webhookPath,
			responseMode: 'lastNode',
			responseData: 'firstEntryJson',
			options: {},
		},
	});
	workflow.connections.Webhook = workflow.connections[oldName];
	delete workflow.connections[oldName];
	return workflow;
}

/** An anonymous NemoVideo credential (empty token field) pointing at the simulator. */
async function createCredential(cluster, simUrl, clientId) {
	const created = await cluster.rest('POST', '/rest/credentials', {
		body: {
			name: 'NemoVideo (queue test)',
			type: 'nemoVideoApi',
			data: {
				apiToken: '',
				baseUrl: simUrl,
				clientId,
				skillSource: 'picture-to-video',
				skillVersion: '1.0.0',
				skillPlatform: 'n8n',
			},
		},
	});
	return { id: created.id, name: created.name };
}

/** Creates the webhook variant of example 003 bound to the credential, and activates it. */
async function createActiveWorkflow(cluster, credential, webhookPath) {
	const workflow = webhookExample(webhookPath);
	for (const node of workflow.nodes) {
		if (node.type.startsWith('n8n-nodes-nemovideo.')) node.credentials = { nemoVideoApi: credential };
	}
	const created = await cluster.rest('POST', '/rest/workflows', {
		body: {
			name: `${workflow.name} (webhook, queue test)`,
			nodes: workflow.nodes,
			connections: workflow.connections,
			settings: workflow.settings,
		},
	});
	await cluster.rest('POST', `/rest/workflows/${created.id}/activate`, { body: { versionId: created.versionId } });
	await waitWebhookRegistered(cluster, webhookPath);
	return { id: created.id, webhookPath };
}

/**
 * The main may answer 404 for a webhook for a moment after activation (seen once in queue mode).
 * A GET tells without starting an execution: n8n answers "not registered for GET requests. Did you
 * mean to make a POST request?" once the POST webhook exists.
 */
async function waitWebhookRegistered(cluster, webhookPath, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	while (Date.now() < deadline) {
		const response = await fetch(`${cluster.url}/webhook/${webhookPath}`, { signal: AbortSignal.timeout(5000) }).catch(
			(error) => ({ text: async () => String(error) }),
		);
		last = await response.text();
		if (/Did you mean to make a POST request/.test(last)) return;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`webhook ${webhookPath} not registered ${timeoutMs} ms after activation: ${last.slice(0, 300)}`);
}

/** One webhook call: resolves with { status, ms, body } (never throws on HTTP errors). */
async function callWebhook(cluster, webhookPath, payload = {}, timeoutMs = 300_000) {
	const started = Date.now();
	try {
		const response = await fetch(`${cluster.url}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(payload),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await response.text();
		let body;
		try {
			body = JSON.parse(text);
		} catch {
			body = text;
		}
		return { status: response.status, ms: Date.now() - started, body };
	} catch (error) {
		return { status: 0, ms: Date.now() - started, body: String(error?.message ?? error) };
	}
}

/** Executions of a workflow, newest first: [{ id, status, startedAt, stoppedAt, mode }]. */
async function listExecutions(cluster, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const data = await cluster.rest('GET', `/rest/executions?filter=${filter}&limit=100`);
	return data?.results ?? data ?? [];
}

/** One execution with its run data parsed (n8n stores it in the `flatted` format). */
async function getExecution(cluster, prepared, id) {
	const execution = await cluster.rest('GET', `/rest/executions/${id}`);
	const flatted = require(path.join(prepared.install.dir, 'node_modules', 'flatted'));
	const data = typeof execution.data === 'string' ? flatted.parse(execution.data) : execution.data;
	return { ...execution, data };
}

/** The first output item of a node in a parsed execution (last run). */
function nodeOutput(execution, nodeName) {
	const runs = execution.data?.resultData?.runData?.[nodeName];
	const run = runs?.[runs.length - 1];
	return { run, item: run?.data?.main?.[0]?.[0] };
}

/** The error a user sees for an execution: the workflow error, else the first failed node's. */
function executionError(execution) {
	const result = execution.data?.resultData;
	const error =
		result?.error ??
		Object.values(result?.runData ?? {})
			.flat()
			.find((r) => r?.error)?.error;
	if (!error) return undefined;
	return {
		message: error.message,
		description: error.description ?? null,
		node: error.node?.name ?? result?.lastNodeExecuted ?? null,
	};
}

/** Streams GET /rest/binary-data?id=…&action=download from the main into a file. */
async function downloadBinary(cluster, binaryId, file) {
	const started = Date.now();
	const response = await fetch(`${cluster.url}/rest/binary-data?id=${encodeURIComponent(binaryId)}&action=download`, {
		headers: { cookie: cluster.cookie },
	});
	if (!response.ok) return { status: response.status, bytes: 0, ms: Date.now() - started };
	const { Readable } = require('node:stream');
	const { pipeline } = require('node:stream/promises');
	await pipeline(Readable.fromWeb(response.body), fs.createWriteStream(file));
	return {
		status: response.status,
		bytes: fs.statSync(file).size,
		ms: Date.now() - started,
		contentType: response.headers.get('content-type'),
	};
}

module.exports = {
	waitWebhookRegistered,
	webhookExample,
	createCredential,
	createActiveWorkflow,
	callWebhook,
	listExecutions,
	getExecution,
	nodeOutput,
	executionError,
	downloadBinary,
};
