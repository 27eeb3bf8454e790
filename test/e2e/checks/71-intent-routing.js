'use strict';
// The intent table of examples/chat-intent-routing.json, run by n8n's own Switch node: the example's
// "Route by Intent" node, taken from the shipped file unchanged, gets one item per chat message
// (Manual Trigger → Set → Split Out) and each output goes to its own No Op node. Every phrase of the
// NemoVideo skills' table (English and Chinese), a message with files, and ordinary edit prompts
// must land on the right output. No NemoVideo call is made.
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('../../../scripts/n8n');

const EXAMPLE = 'examples/chat-intent-routing.json';
const SWITCH = 'Route by Intent';
const OUTPUTS = ['export', 'credits', 'status', 'upload', 'edit'];
const FILE = [{ fileName: 'beach.jpg', mimeType: 'image/jpeg', fileSize: 48_213, binaryKey: 'data0' }];

/** [message, expected intent]; a message is a chatInput string or a chat item. */
const PHRASES = [
	['export', 'export'],
	['Export it please', 'export'],
	['导出', 'export'],
	['导出视频', 'export'],
	['download', 'export'],
	['Can I DOWNLOAD it?', 'export'],
	['send me the video', 'export'],
	['Send me the video now', 'export'],
	['credits', 'credits'],
	['How many credits do I have left?', 'credits'],
	['积分', 'credits'],
	['我还有多少积分', 'credits'],
	['balance', 'credits'],
	["what's my balance", 'credits'],
	['余额', 'credits'],
	['查询余额', 'credits'],
	['status', 'status'],
	['What is the status?', 'status'],
	['状态', 'status'],
	['查看状态', 'status'],
	['show tracks', 'status'],
	['Show the tracks', 'status'],
	['upload', 'upload'],
	['I want to upload three photos', 'upload'],
	['上传', 'upload'],
	['上传图片', 'upload'],
	[{ chatInput: 'here you go', files: FILE }, 'upload'],
	[{ chatInput: '', files: FILE }, 'upload'],
	['make a 15-second video with background music', 'edit'],
	['turn these photos into a slideshow with smooth transitions', 'edit'],
	['把这些照片做成一个视频', 'edit'],
	['add a title "Summer 2026"', 'edit'],
	[{ chatInput: 'make it brighter', files: [] }, 'edit'],
];

function routingWorkflow() {
	const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8'));
	const route = example.nodes.find((n) => n.name === SWITCH);
	if (!route || route.type !== 'n8n-nodes-base.switch') throw new Error(`${EXAMPLE} has no Switch node "${SWITCH}"`);
	const outputs = (example.connections[SWITCH]?.main ?? []).length;
	if (outputs !== OUTPUTS.length)
		throw new Error(`${EXAMPLE}: "${SWITCH}" has ${outputs} connected outputs, expected ${OUTPUTS.length}`);
	const messages = PHRASES.map(([message], index) => ({
		index,
		sessionId: `chat-${index}`,
		action: 'sendMessage',
		...(typeof message === 'string' ? { chatInput: message } : message),
	}));
	const nodes = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			name: 'Chat Messages',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ messages }), options: {} },
		},
		{
			name: 'One Item per Message',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [400, 0],
			parameters: { fieldToSplitOut: 'messages', options: {} },
		},
		{ ...structuredClone(route), position: [600, 0] },
		...OUTPUTS.map((intent, i) => ({
			name: `→ ${intent}`,
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [850, i * 150],
			parameters: {},
		})),
	];
	const connections = {
		Start: { main: [[{ node: 'Chat Messages', type: 'main', index: 0 }]] },
		'Chat Messages': { main: [[{ node: 'One Item per Message', type: 'main', index: 0 }]] },
		'One Item per Message': { main: [[{ node: SWITCH, type: 'main', index: 0 }]] },
		[SWITCH]: { main: OUTPUTS.map((intent) => [{ node: `→ ${intent}`, type: 'main', index: 0 }]) },
	};
	return { name: 'e2e: chat intent routing', nodes, connections, settings: { executionOrder: 'v1' } };
}

module.exports = {
	name: `chat intent routing example: its Switch sends each of ${PHRASES.length} phrases (EN/中文, files) to export, credits, status, upload or edit`,
	workflow: routingWorkflow,
	credentials: 'none',
	async assert({ result, assert, sim }) {
		const landed = new Map();
		for (const intent of OUTPUTS) {
			for (const item of result.nodes[`→ ${intent}`]?.items ?? []) {
				assert.ok(!landed.has(item.json.index), `message ${item.json.index} reached two outputs`);
				landed.set(item.json.index, intent);
			}
		}
		const wrong = PHRASES.map(([message, expected], index) => ({ message, expected, got: landed.get(index) })).filter(
			(r) => r.got !== r.expected,
		);
		assert.deepEqual(wrong, [], 'every phrase on its intent’s output');
		assert.equal(landed.size, PHRASES.length);
		assert.equal((await sim.log()).length, 0, 'routing calls nothing');
		// The example's own branches start where the check expects them.
		const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8'));
		const first = example.connections[SWITCH].main.map((targets) => targets[0].node);
		assert.deepEqual(first, ['Render MP4', 'Check Credits', 'Get Status', 'Has Files?', 'Edit Video']);
		const keys = example.nodes.find((n) => n.name === SWITCH).parameters.rules.values.map((rule) => rule.outputKey);
		assert.deepEqual(
			[...keys, example.nodes.find((n) => n.name === SWITCH).parameters.options.renameFallbackOutput],
			OUTPUTS,
		);
	},
};
