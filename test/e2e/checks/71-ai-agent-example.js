'use strict';
// examples/chat-intent-routing-agent.json as shipped, with the fake OpenAI server as its model:
// only the Chat Trigger (which `n8n execute` cannot start) is replaced by a Manual Trigger and a Set
// node giving the same item (sessionId, action, chatInput), and the two credentials are picked.
// The model gets the example's own tool descriptions and system message, and makes the clip.
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('../../../scripts/n8n');
const { runAgent, toolRuns, TOOL_RESULT_CAP, REQUEST, TOKEN_RE } = require('../lib/agent');

const EXAMPLE = 'examples/chat-intent-routing-agent.json';
const TRIGGER = 'When chat message received';
const AGENT = 'Video Assistant';

function exampleWithTestTrigger() {
	const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8'));
	const trigger = example.nodes.find((n) => n.name === TRIGGER);
	if (!trigger) throw new Error(`${EXAMPLE} has no "${TRIGGER}"`);
	for (const n of example.nodes) {
		if (n.type.startsWith('n8n-nodes-nemovideo.') && n.credentials)
			throw new Error(`${EXAMPLE}: "${n.name}" names a credential; examples leave it to the user`);
	}
	const model = example.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi');
	model.credentials = { openAiApi: { id: 'placeholder', name: 'placeholder' } }; // the runner binds the e2e one
	example.nodes = example.nodes.filter((n) => n !== trigger);
	example.nodes.push(
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: trigger.position, parameters: {} },
		{
			name: 'Chat Message',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [trigger.position[0], trigger.position[1] + 160],
			parameters: {
				mode: 'manual',
				assignments: {
					assignments: [
						{ id: 'a1', name: 'sessionId', type: 'string', value: 'e2e-agent-chat-1' },
						{ id: 'a2', name: 'action', type: 'string', value: 'sendMessage' },
						{ id: 'a3', name: 'chatInput', type: 'string', value: REQUEST },
					],
				},
				options: {},
			},
		},
	);
	example.connections.Start = { main: [[{ node: 'Chat Message', type: 'main', index: 0 }]] };
	example.connections['Chat Message'] = example.connections[TRIGGER];
	delete example.connections[TRIGGER];
	return example;
}

module.exports = {
	name: 'chat agent example as shipped (system message, tool descriptions, memory): "make a 5-second clip from <image URL>…" → the MP4 link',
	simulator: { config: { renderMs: 300 } },
	async run(ctx) {
		await runAgent(ctx, { workflow: exampleWithTestTrigger() });
	},
	async assert({ results, state, sim, assert, log }) {
		const [result] = results;
		const { fake } = state;
		log?.(
			`agent run ${(state.executeMs / 1000).toFixed(1)} s; tool results: ${fake.toolResults.map((r) => `${r.name} ${r.chars} chars`).join(', ')}`,
		);
		assert.ok(result.ok, `the workflow failed: ${result.error?.message ?? result.status}`);
		assert.deepEqual(fake.problems, []);

		const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8'));
		const [first] = fake.requests;
		const system = first.messages.find((m) => m.role === 'system' || m.role === 'developer')?.content ?? '';
		assert.ok(
			system.includes('导出') && system.includes('余额') && system.includes('show tracks'),
			'the intent table reaches the model',
		);
		for (const n of example.nodes.filter((node) => node.type.startsWith('n8n-nodes-nemovideo.'))) {
			const offered = first.tools.find((t) => t.function.name === n.name.replace(/ /g, '_'));
			assert.ok(offered, `tool ${n.name} offered`);
			assert.equal(
				offered.function.description,
				n.parameters.toolDescription,
				`${n.name}: the model reads the example's description`,
			);
		}

		assert.deepEqual(
			fake.toolCalls.map((c) => c.name),
			['Create_Session', 'Upload_Media', 'Edit_Video', 'Get_Session_State', 'Render_Video'],
		);
		for (const r of fake.toolResults) {
			assert.ok(r.chars <= TOOL_RESULT_CAP, `${r.name}: ${r.chars} characters`);
			assert.doesNotMatch(r.content, TOKEN_RE);
		}
		const output = result.raw?.data?.resultData?.runData?.[AGENT]?.at(-1)?.data?.main?.[0]?.[0]?.json?.output;
		assert.match(output ?? '', /http:\/\/127\.0\.0\.1:\d+\/\S+\.mp4/, `the answer has the MP4 link: ${output}`);
		assert.equal(
			toolRuns(
				result,
				example.nodes.filter((n) => n.type.startsWith('n8n-nodes-nemovideo.')).map((n) => n.name),
			).length,
			5,
			'five tool runs',
		);
		const calls = (await sim.log()).map((e) => `${e.method} ${e.path}`);
		assert.equal(calls.filter((c) => c === 'POST /run_sse').length, 1, 'one edit');
	},
};
