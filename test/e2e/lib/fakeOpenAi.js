'use strict';
/**
 * A small, deterministic OpenAI-compatible server for the AI Agent e2e checks: n8n's OpenAI Chat
 * Model (lmChatOpenAi, Responses API off) sends `POST /v1/chat/completions` here when its
 * credential's Base URL is `<fake.url>`. Loopback only, a free port, in the test's own process;
 * stop() closes it (and it never outlives the process).
 *
 * It plays a model that wants to turn one image into a clip, the way a real model would with the
 * NemoVideo tools: it only knows what n8n sends it (the tool list with each tool's JSON schema, and
 * the conversation with the tool results so far), and picks the next call from that:
 *
 *   1. a tool whose name says "session"  → called with no arguments (or those it can fill)
 *   2. a tool whose name says "upload"   → urls: the image URL(s) in the user's message
 *   3. a tool whose name says "edit"     → prompt: what to make, sessionId from the results so far
 *   4. a tool whose name says "state"/"status" (only if attached) → sessionId
 *   5. a tool whose name says "render"/"export" → sessionId
 *   6. a final answer with the video URL from the last result
 *
 * Each argument is filled from the tool's schema: a property whose name says session/render/url/
 * prompt gets the session ID, render ID, URL(s) or the request; one it cannot fill is reported in
 * `problems` (a real model would have to guess). A tool result carrying `error` ends the run with
 * a final answer that quotes it. Everything it received and answered is kept for assertions.
 */
const http = require('node:http');

/** The steps in order; `optional` ones are taken only when such a tool is attached. */
const STEPS = [
	{ step: 'session' },
	{ step: 'upload' },
	{ step: 'edit' },
	{ step: 'state', optional: true },
	{ step: 'render' },
];

/** Which step a tool name is for (word starts only: "Check_Credits" contains "edit"). */
function stepOf(toolName) {
	const words = String(toolName)
		.toLowerCase()
		.split(/[^a-z0-9]+/)
		.filter(Boolean);
	const has = (word) => words.some((w) => w.startsWith(word));
	if (has('state') || has('status')) return 'state';
	if (has('session')) return 'session';
	if (has('upload')) return 'upload';
	if (has('edit')) return 'edit';
	if (has('render') || has('export')) return 'render';
	return undefined;
}

const URL_RE = /https?:\/\/[^\s"'<>)\]]+/g;

/**
 * @param {{ editPrompt?: string, model?: string }} [options]
 * @returns {Promise<FakeOpenAi>}
 */
async function startFakeOpenAi(options = {}) {
	const fake = new FakeOpenAi(options);
	await fake.listen();
	return fake;
}

class FakeOpenAi {
	constructor(options) {
		this.editPrompt = options.editPrompt;
		this.model = options.model ?? 'fake-video-model';
		/** Every /chat/completions request body, in order. */
		this.requests = [];
		/** Every answer sent: { kind: 'tool_call', name, args } | { kind: 'final', content } */
		this.answers = [];
		/** Tool results as the model received them: { name, callId, content, chars } */
		this.toolResults = [];
		/** What the model could not do (a schema without a needed property, an unknown step...). */
		this.problems = [];
		/** Other paths n8n asked for (e.g. /v1/models) */
		this.otherRequests = [];
		this.server = http.createServer((req, res) => this.handle(req, res));
		this.sockets = new Set();
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.once('close', () => this.sockets.delete(socket));
		});
	}

	listen() {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(0, '127.0.0.1', () => {
				const { port } = this.server.address();
				this.port = port;
				/** What the OpenAI credential's Base URL field gets. */
				this.url = `http://127.0.0.1:${port}/v1`;
				resolve();
			});
		});
	}

	async stop() {
		for (const socket of this.sockets) socket.destroy();
		await new Promise((resolve) => this.server.close(() => resolve()));
	}

	handle(req, res) {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const path = (req.url ?? '').split('?')[0];
			if (req.method === 'POST' && /\/chat\/completions$/.test(path)) {
				let body;
				try {
					body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				} catch (error) {
					return sendJson(res, 400, {
						error: { message: `invalid JSON: ${error.message}`, type: 'invalid_request_error' },
					});
				}
				this.requests.push(body);
				const message = this.next(body);
				return body.stream ? sendStream(res, this.model, message) : sendJson(res, 200, completion(this.model, message));
			}
			this.otherRequests.push(`${req.method} ${path}`);
			if (req.method === 'GET' && /\/models$/.test(path))
				return sendJson(res, 200, { object: 'list', data: [{ id: this.model, object: 'model', owned_by: 'e2e' }] });
			return sendJson(res, 404, {
				error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' },
			});
		});
	}

	/** The assistant message for one request: one tool call, or the final answer. */
	next(body) {
		const messages = Array.isArray(body.messages) ? body.messages : [];
		const tools = (Array.isArray(body.tools) ? body.tools : []).map((t) => t.function ?? t).filter((f) => f && f.name);
		const userText = messages
			.filter((m) => m.role === 'user')
			.map((m) => text(m.content))
			.join('\n');
		const calls = new Map(); // tool call id -> name
		for (const m of messages) for (const call of m.tool_calls ?? []) calls.set(call.id, call.function?.name);
		const results = messages
			.filter((m) => m.role === 'tool')
			.map((m) => ({
				name: calls.get(m.tool_call_id) ?? m.name ?? '?',
				callId: m.tool_call_id,
				content: text(m.content),
			}));
		for (const r of results) {
			if (!this.toolResults.some((seen) => seen.callId === r.callId))
				this.toolResults.push({ ...r, chars: r.content.length });
		}

		const failed = results.find((r) => errorText(r.content) !== undefined);
		if (failed)
			return this.final(
				`The ${failed.name} step failed, so there is no video yet. The tool said: ${errorText(failed.content)}`,
			);

		const known = facts(results);
		const done = new Set(results.map((r) => stepOf(r.name)).filter(Boolean));
		for (const { step, optional } of STEPS) {
			if (done.has(step)) continue;
			const tool = tools.find((t) => stepOf(t.name) === step);
			if (!tool && optional) continue;
			if (!tool) {
				this.problems.push(`no tool for the ${step} step among: ${tools.map((t) => t.name).join(', ') || 'none'}`);
				return this.final(`I cannot ${step}: no such tool.`);
			}
			return this.toolCall(tool, this.arguments(step, tool, { userText, known }));
		}
		if (!known.videoUrl) {
			this.problems.push('every step ran but no result carried a video URL');
			return this.final('The video was rendered, but no link came back.');
		}
		return this.final(`Here is your 5-second clip: ${known.videoUrl}`);
	}

	arguments(step, tool, { userText, known }) {
		const schema = tool.parameters ?? {};
		const properties = schema.properties ?? {};
		const required = new Set(Array.isArray(schema.required) ? schema.required : Object.keys(properties));
		const args = {};
		const imageUrls = userText.match(URL_RE) ?? [];
		for (const [key, prop] of Object.entries(properties)) {
			const type = Array.isArray(prop?.type) ? prop.type[0] : prop?.type;
			let value;
			if (/session/i.test(key)) value = known.sessionId;
			else if (/render/i.test(key)) value = known.renderId;
			else if (/url/i.test(key)) value = type === 'array' ? imageUrls : imageUrls.join(', ');
			else if (/prompt|instruction|message|request/i.test(key)) value = this.editPrompt ?? editPromptFrom(userText);
			if (value === undefined || (Array.isArray(value) && value.length === 0) || value === '') {
				if (required.has(key))
					this.problems.push(`${tool.name}: cannot fill required "${key}" (${prop?.description ?? 'no description'})`);
				continue;
			}
			args[key] = value;
		}
		const needs = { upload: /url/i, edit: /prompt|instruction|message|request/i };
		if (needs[step] && !Object.keys(properties).some((k) => needs[step].test(k))) {
			this.problems.push(
				`${tool.name}: its schema has no property for the ${step === 'upload' ? 'file URLs' : 'prompt'} (properties: ${Object.keys(properties).join(', ') || 'none'})`,
			);
		}
		if (step !== 'session' && !Object.keys(properties).some((k) => /session/i.test(k))) {
			this.problems.push(
				`${tool.name}: its schema has no session ID property (properties: ${Object.keys(properties).join(', ') || 'none'})`,
			);
		}
		return args;
	}

	toolCall(tool, args) {
		const id = `call_${this.answers.length + 1}`;
		this.answers.push({ kind: 'tool_call', name: tool.name, args });
		return {
			role: 'assistant',
			content: null,
			tool_calls: [{ id, type: 'function', function: { name: tool.name, arguments: JSON.stringify(args) } }],
		};
	}

	final(content) {
		this.answers.push({ kind: 'final', content });
		return { role: 'assistant', content };
	}

	/** The tool calls made, in order: [{ name, args }] */
	get toolCalls() {
		return this.answers.filter((a) => a.kind === 'tool_call');
	}
}

/** What the user asked for, as a prompt for the video agent (the URL is already uploaded). */
function editPromptFrom(userText) {
	const seconds = /(\d+)\s*-?\s*(?:second|sec|s)\b/i.exec(userText)?.[1] ?? '5';
	return `Turn the uploaded image into a ${seconds}-second video clip with gentle camera motion`;
}

/** Session ID, render ID and video URL found in the tool results so far (the latest wins). */
function facts(results) {
	const known = {};
	for (const r of results) {
		const values = [];
		try {
			walk(JSON.parse(r.content), values);
		} catch {
			/* not JSON: only the URL scan below */
		}
		for (const [key, value] of values) {
			if (typeof value !== 'string' || value === '') continue;
			if (/^sessionId$/i.test(key)) known.sessionId = value;
			if (/^renderId$/i.test(key)) known.renderId = value;
			if (/^(url|videoUrl|outputUrl)$/i.test(key) && /\.mp4(\?|$)/i.test(value)) known.videoUrl = value;
		}
		if (!known.videoUrl && stepOf(r.name) === 'render')
			known.videoUrl = (r.content.match(URL_RE) ?? []).find((u) => /\.mp4/i.test(u));
	}
	return known;
}

function walk(value, out, key = '') {
	if (Array.isArray(value)) for (const v of value) walk(v, out, key);
	else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, out, k);
	else out.push([key, value]);
}

/** The error text of a tool result ({"error": "..."} or [{"error": "..."}]), if it is one. */
function errorText(content) {
	try {
		const parsed = JSON.parse(content);
		const first = Array.isArray(parsed) ? parsed[0] : parsed;
		if (first && typeof first === 'object' && typeof first.error === 'string') return first.error;
	} catch {
		/* plain text */
	}
	return /^error\b/i.test(content) ? content : undefined;
}

function text(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content))
		return content.map((part) => (typeof part === 'string' ? part : (part?.text ?? ''))).join('');
	return content == null ? '' : JSON.stringify(content);
}

let counter = 0;
function completion(model, message) {
	counter++;
	return {
		id: `chatcmpl-e2e-${counter}`,
		object: 'chat.completion',
		created: 1_800_000_000 + counter,
		model,
		choices: [{ index: 0, message, finish_reason: message.tool_calls ? 'tool_calls' : 'stop', logprobs: null }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The same answer as a `stream: true` event stream (one content or tool-call delta, then [DONE]). */
function sendStream(res, model, message) {
	counter++;
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
	const base = {
		id: `chatcmpl-e2e-${counter}`,
		object: 'chat.completion.chunk',
		created: 1_800_000_000 + counter,
		model,
	};
	const delta = message.tool_calls
		? { role: 'assistant', content: null, tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })) }
		: { role: 'assistant', content: message.content };
	res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`);
	res.write(
		`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }] })}\n\n`,
	);
	res.end('data: [DONE]\n\n');
}

function sendJson(res, status, body) {
	const payload = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
	res.end(payload);
}

module.exports = { startFakeOpenAi, FakeOpenAi };
