'use strict';
/**
 * Shared by the AI Agent checks (70-ai-agent*.js): the workflow (Manual Trigger → AI Agent with an
 * OpenAI Chat Model and the NemoVideo tool variants), running it against test/e2e/lib/fakeOpenAi.js,
 * and reading what each tool returned from n8n's run data.
 */
const { newCredentialId } = require('../../../scripts/n8n');
const { credentialData } = require('./suite');
const { startFakeOpenAi } = require('./fakeOpenAi');

const PACKAGE = 'n8n-nodes-nemovideo';
/** The cap the checks hold every tool result to (characters of the JSON the model receives). */
const TOOL_RESULT_CAP = 2_000;
const IMAGE_URL = 'https://example.com/photos/beach-sunset.jpg';
const REQUEST = `make a 5-second clip from ${IMAGE_URL} and give me the link`;
/** The tool nodes, as a user would add them under AI → Tools; no parameter the model fills is set. */
const TOOLS = [
	{ name: 'Create Session', type: `${PACKAGE}.nemoVideoSessionTool`, parameters: { operation: 'create' } },
	{ name: 'Upload Media', type: `${PACKAGE}.nemoVideoUploadTool`, parameters: { operation: 'upload' } },
	{ name: 'Edit Video', type: `${PACKAGE}.nemoVideoEditTool`, parameters: { operation: 'sendPrompt' } },
	{ name: 'Get Session State', type: `${PACKAGE}.nemoVideoSessionTool`, parameters: { operation: 'getState' } },
	{ name: 'Render Video', type: `${PACKAGE}.nemoVideoExportTool`, parameters: { operation: 'render' } },
	{ name: 'Check Credits', type: `${PACKAGE}.nemoVideoCreditsTool`, parameters: {} },
];
const TOKEN_RE = /nmv_(usr|sk)_[A-Za-z0-9_-]+|Bearer\s+\S+/;

function agentWorkflow({ request = REQUEST, tools = TOOLS } = {}) {
	const nodes = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			name: 'AI Agent',
			type: '@n8n/n8n-nodes-langchain.agent',
			typeVersion: 3.1,
			position: [240, 0],
			parameters: {
				promptType: 'define',
				text: request,
				options: {
					systemMessage:
						'You make short videos with the NemoVideo tools: create a session, upload the images by URL, send one edit prompt, render, then answer with the MP4 link.',
					maxIterations: 10,
				},
			},
		},
		{
			name: 'OpenAI Chat Model',
			type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
			typeVersion: 1.3,
			position: [120, 240],
			// A local OpenAI-compatible server speaks Chat Completions, not the Responses API.
			parameters: {
				model: { __rl: true, mode: 'id', value: 'fake-video-model' },
				responsesApiEnabled: false,
				options: {},
			},
			credentials: { openAiApi: { id: 'placeholder', name: 'placeholder' } },
		},
		...tools.map((tool, index) => ({ typeVersion: 1, position: [360 + index * 120, 240], ...tool })),
	];
	const connections = {
		Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
		'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
	};
	for (const tool of tools) connections[tool.name] = { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] };
	return {
		name: 'e2e: AI Agent makes a clip with the NemoVideo tools',
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Imports a NemoVideo credential (anonymous, at the simulator) and an OpenAI credential whose Base
 * URL is a fake OpenAI server started here, imports the workflow, executes it once, and stops the
 * server whatever happens. Pushes the run result into ctx.results; the server's record goes to
 * ctx.state.fake.
 */
async function runAgent(
	ctx,
	{ workflow = agentWorkflow(), credentials = 'anonymous', fakeOptions, timeoutMs = 180_000 } = {},
) {
	const { runner, sim, state } = ctx;
	const fake = await startFakeOpenAi(fakeOptions);
	state.fake = fake;
	try {
		const data = credentialData(credentials, sim);
		const nemo = { id: newCredentialId(), name: 'NemoVideo e2e (agent)', type: 'nemoVideoApi', data };
		const openAi = {
			id: newCredentialId(),
			name: 'Fake OpenAI (e2e)',
			type: 'openAiApi',
			data: { apiKey: 'sk-e2e-not-a-real-key', url: fake.url, header: false },
		};
		state.clientId = data.clientId;
		await runner.importCredentials([nemo, openAi]);
		const id = await runner.importWorkflow(workflow, { credentials: { nemoVideoApi: nemo, openAiApi: openAi } });
		const started = Date.now();
		ctx.results.push(await runner.execute(id, { timeoutMs }));
		state.executeMs = Date.now() - started;
	} finally {
		await fake.stop();
		// E2E_AGENT_DUMP=<file>: what the fake model received and answered, for debugging a check
		if (process.env.E2E_AGENT_DUMP) {
			const { requests, answers, toolResults, problems } = fake;
			require('node:fs').writeFileSync(
				process.env.E2E_AGENT_DUMP,
				JSON.stringify({ requests, answers, toolResults, problems }, null, 2),
			);
		}
	}
}

/** Each run of a tool node as n8n recorded it: { node, input, output (json items), error } */
function toolRuns(result, toolNames = TOOLS.map((t) => t.name)) {
	const runData = result?.raw?.data?.resultData?.runData ?? {};
	const runs = [];
	for (const node of toolNames) {
		for (const task of runData[node] ?? []) {
			runs.push({
				node,
				input: task.inputOverride?.ai_tool?.[0]?.[0]?.json,
				output: (task.data?.ai_tool?.[0] ?? []).map((item) => item.json),
				error: task.error,
				executionTime: task.executionTime,
			});
		}
	}
	return runs;
}

/** The agent node's final answer. */
function agentOutput(result) {
	const task = result?.raw?.data?.resultData?.runData?.['AI Agent']?.at(-1);
	return task?.data?.main?.[0]?.[0]?.json?.output;
}

/** A line per tool result for the log: "Create_Session 112 chars". */
function describeToolResults(fake) {
	return fake.toolResults.map((r) => `${r.name} ${r.chars} chars`).join(', ');
}

module.exports = {
	agentWorkflow,
	runAgent,
	toolRuns,
	agentOutput,
	describeToolResults,
	TOOLS,
	TOOL_RESULT_CAP,
	IMAGE_URL,
	REQUEST,
	TOKEN_RE,
};
