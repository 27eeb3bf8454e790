'use strict';
// examples/chat-intent-routing.json as shipped, one chat of six messages against the simulator.
// `n8n execute` cannot start a Chat Trigger, so only the trigger is replaced: a Manual Trigger and
// a Code node that hands out the chat's next message (the Chat Trigger's item shape: sessionId,
// action, chatInput, files + binary data0) from the workflow's static data, one per run. Everything
// after it is the shipped file: the chat keeps one NemoVideo session across runs, and each message
// reaches its branch and its reply.
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('../../../scripts/n8n');
const { imagePath } = require('../lib/examples');

const EXAMPLE = 'examples/chat-intent-routing.json';
const TRIGGER = 'When chat message received';
const IMAGE_URL = 'https://example.com/photos/beach.jpg';

/** [chat message, the reply node the run must end in] */
const TURNS = [
	[{ chatInput: `upload ${IMAGE_URL}` }, 'Reply: Uploaded'],
	[{ chatInput: 'and this one', withFile: 'product-2.jpg' }, 'Reply: Uploaded'],
	[{ chatInput: 'make a 5-second clip with gentle motion' }, 'Reply: Edit'],
	[{ chatInput: '状态' }, 'Reply: Status'],
	[{ chatInput: 'balance' }, 'Reply: Credits'],
	[{ chatInput: 'send me the video' }, 'Reply: Video Link'],
];

function chatMessages() {
	return TURNS.map(([turn]) => {
		const json = { sessionId: 'e2e-chat-1', action: 'sendMessage', chatInput: turn.chatInput };
		if (!turn.withFile) return { json };
		const bytes = fs.readFileSync(imagePath(turn.withFile));
		json.files = [
			{
				fileName: turn.withFile,
				fileSize: `${Math.round(bytes.length / 1024)} kB`,
				fileType: 'image',
				mimeType: 'image/jpeg',
				fileExtension: 'jpg',
				binaryKey: 'data0',
			},
		];
		return {
			json,
			binary: {
				data0: {
					data: bytes.toString('base64'),
					mimeType: 'image/jpeg',
					fileName: turn.withFile,
					fileExtension: 'jpg',
				},
			},
		};
	});
}

function exampleWithTestTrigger() {
	const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8'));
	const trigger = example.nodes.find((n) => n.name === TRIGGER);
	if (!trigger) throw new Error(`${EXAMPLE} has no "${TRIGGER}"`);
	const next = example.connections[TRIGGER].main[0][0].node;
	example.nodes = example.nodes.filter((n) => n !== trigger);
	example.nodes.push(
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: trigger.position, parameters: {} },
		{
			name: 'Next Chat Message',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [trigger.position[0], trigger.position[1] + 200],
			parameters: {
				jsCode: [
					`const messages = ${JSON.stringify(chatMessages())};`,
					"const data = $getWorkflowStaticData('global');",
					'const turn = data.e2eTurn ?? 0;',
					'data.e2eTurn = turn + 1;',
					'return [messages[turn]];',
				].join('\n'),
			},
		},
	);
	delete example.connections[TRIGGER];
	example.connections.Start = { main: [[{ node: 'Next Chat Message', type: 'main', index: 0 }]] };
	example.connections['Next Chat Message'] = { main: [[{ node: next, type: 'main', index: 0 }]] };
	return example;
}

module.exports = {
	name: 'chat intent routing example as shipped: one chat, six messages (upload URL, upload file, edit, 状态, balance, send me the video) → one session, each branch and reply',
	workflow: exampleWithTestTrigger,
	credentials: 'anonymous',
	simulator: { config: { renderMs: 300 } },
	runs: TURNS.length,
	async assert({ results, json, sim, assert, log }) {
		const sessions = new Set();
		results.forEach((result, run) => {
			const [, replyNode] = TURNS[run];
			assert.equal(
				result.lastNodeExecuted,
				replyNode,
				`message ${run + 1} (${JSON.stringify(TURNS[run][0].chatInput)}) ended in ${result.lastNodeExecuted}`,
			);
			const [chat] = json('Find Chat’s Video Session', run);
			if (run > 0) assert.match(chat.nemoSessionId, /\S/, `message ${run + 1} found the chat’s session`);
			// the Switch's items are on the output of their intent, not only the first
			const routed = result.nodes['Route by Intent'].runs.flatMap((r) => r.outputs.flat());
			assert.equal(routed.length, 1, `message ${run + 1} routed once`);
			sessions.add(routed[0].json.nemoSessionId);
		});
		assert.equal(sessions.size, 1, `one NemoVideo session for the whole chat: ${[...sessions].join(', ')}`);
		assert.ok(results[0].nodes['Create Session'], 'the first message created it');
		for (let run = 1; run < results.length; run++)
			assert.equal(results[run].nodes['Create Session'], undefined, `message ${run + 1} reused it`);

		const reply = (run) => json(TURNS[run][1], run)[0].output;
		log?.(`replies:\n${TURNS.map((t, run) => `  ${t[0].chatInput} → ${reply(run)}`).join('\n')}`);
		assert.match(reply(0), /^Added 1 file\(s\) to your video: beach\.jpg\./);
		assert.match(reply(1), /^Added 1 file\(s\) to your video: product-2\.jpg\./);
		assert.equal(typeof reply(2), 'string');
		assert.match(reply(3), /Timeline/);
		assert.match(reply(4), /^You have \d+ NemoVideo credits available/);
		assert.match(reply(5), /https?:\/\/\S+\.mp4/, `the video link: ${reply(5)}`);

		const calls = (await sim.log()).map((e) => `${e.method} ${e.path}`);
		const count = (pattern) => calls.filter((c) => pattern.test(c)).length;
		assert.equal(count(/^POST \/api\/tasks\/me\/with-session\//), 1, 'one session');
		assert.equal(count(/^POST \/api\/upload-video\//), 2, 'two uploads');
		assert.equal(count(/^POST \/run_sse$/), 1, 'one edit');
		assert.equal(count(/^POST \/api\/render\/proxy\/lambda$/), 1, 'one render');
		const [session] = [...sessions];
		const media = JSON.stringify((await sim.session(session)).state.video_infos ?? []);
		assert.ok(media.includes('beach.jpg') && media.includes('product-2.jpg'), 'both files in the chat’s session');
	},
};
