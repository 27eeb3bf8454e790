'use strict';
// n8n's AI Agent (v3.1) with an OpenAI Chat Model pointed at a local fake OpenAI server
// (test/e2e/lib/fakeOpenAi.js) and the NemoVideo tool variants attached (…SessionTool, …UploadTool,
// …EditTool, …ExportTool, …CreditsTool). The "model" reads the tool schemas n8n sends and calls
// session → upload (by URL) → edit → state → render, then answers with the MP4 link. None of the tool
// parameters the model fills is set in the workflow: they must be model-filled ($fromAI) by default.
const {
	runAgent,
	toolRuns,
	agentOutput,
	describeToolResults,
	TOOL_RESULT_CAP,
	IMAGE_URL,
	TOKEN_RE,
} = require('../lib/agent');

module.exports = {
	name: 'AI Agent + NemoVideo tools: "make a 5-second clip from <image URL>" → session, upload by URL, one edit, render, answer with the MP4 link',
	simulator: { config: { renderMs: 300 } },
	async run(ctx) {
		await runAgent(ctx);
	},
	async assert({ results, state, sim, assert, log }) {
		const [result] = results;
		const { fake } = state;
		log?.(
			`agent run ${(state.executeMs / 1000).toFixed(1)} s; ${fake.requests.length} model requests; tool results: ${describeToolResults(fake)}`,
		);
		assert.ok(result.ok, `the workflow failed: ${result.error?.message ?? result.status}`);
		assert.deepEqual(fake.problems, [], 'the model could fill every tool call from the schemas and results');

		// The tools n8n offered, with model-filled parameters in their schemas.
		const offered = Object.fromEntries((fake.requests[0].tools ?? []).map((t) => [t.function.name, t.function]));
		assert.deepEqual(Object.keys(offered).sort(), [
			'Check_Credits',
			'Create_Session',
			'Edit_Video',
			'Get_Session_State',
			'Render_Video',
			'Upload_Media',
		]);
		for (const [tool, keys] of Object.entries({
			Upload_Media: ['sessionId', 'urls'],
			Edit_Video: ['sessionId', 'prompt'],
			Get_Session_State: ['sessionId'],
			Render_Video: ['sessionId'],
		})) {
			const properties = offered[tool].parameters?.properties ?? {};
			for (const key of keys) {
				assert.ok(properties[key], `${tool} offers "${key}" to the model (has: ${Object.keys(properties).join(', ')})`);
				assert.ok(
					(properties[key].description ?? '').length >= 20,
					`${tool}.${key} has a description written for a model: ${JSON.stringify(properties[key].description)}`,
				);
			}
		}
		for (const [name, tool] of Object.entries(offered))
			assert.ok((tool.description ?? '').length >= 20, `${name} has a description`);

		// The model's calls, in order, and what it filled in.
		assert.deepEqual(
			fake.toolCalls.map((c) => c.name),
			['Create_Session', 'Upload_Media', 'Edit_Video', 'Get_Session_State', 'Render_Video'],
		);
		const [, upload, edit, stateCall, render] = fake.toolCalls;
		const sessionId = upload.args.sessionId;
		assert.match(sessionId ?? '', /\S/, 'the upload call got the session ID from the session result');
		assert.equal(edit.args.sessionId, sessionId);
		assert.equal(stateCall.args.sessionId, sessionId);
		assert.equal(render.args.sessionId, sessionId);
		assert.ok(String(upload.args.urls).includes(IMAGE_URL), `urls: ${JSON.stringify(upload.args.urls)}`);

		// Every tool result the model received: short, no token, and carrying what the next call needs.
		assert.equal(fake.toolResults.length, 5);
		for (const r of fake.toolResults) {
			assert.ok(
				r.chars <= TOOL_RESULT_CAP,
				`${r.name} result is ${r.chars} characters (cap ${TOOL_RESULT_CAP}): ${r.content.slice(0, 300)}`,
			);
			assert.doesNotMatch(r.content, TOKEN_RE, `${r.name} result carries a token`);
		}
		const [sessionResult, uploadResult, editResult, stateResult, renderResult] = fake.toolResults.map((r) =>
			JSON.parse(r.content),
		);
		assert.equal(sessionResult[0].sessionId, sessionId, 'session result → sessionId');
		assert.equal(uploadResult[0].sessionId, sessionId, 'upload result → sessionId');
		assert.match(JSON.stringify(uploadResult), /cdn_?url|cdnUrl/i, 'upload result names the uploaded file’s URL');
		assert.equal(
			editResult[0].readyToExport,
			true,
			`edit result says the timeline can be rendered: ${JSON.stringify(editResult)}`,
		);
		assert.equal(stateResult[0].readyToExport, true, 'state result → readyToExport');
		assert.match(stateResult[0].summary ?? '', /^Timeline/, 'state result → timeline summary');
		assert.match(renderResult[0].renderId ?? '', /\S/, 'render result → renderId');
		assert.equal(renderResult[0].status, 'completed');
		assert.match(renderResult[0].url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/.+\.mp4/, 'render result → MP4 URL');

		// The final answer carries the MP4 link.
		const output = agentOutput(result);
		assert.ok(typeof output === 'string' && output.includes(renderResult[0].url), `agent output: ${output}`);
		assert.doesNotMatch(output, TOKEN_RE);

		// n8n ran each tool node once, as a tool, and the service saw one upload, one edit, one render.
		const runs = toolRuns(result);
		assert.deepEqual(runs.map((r) => r.node).sort(), [
			'Create Session',
			'Edit Video',
			'Get Session State',
			'Render Video',
			'Upload Media',
		]);
		for (const r of runs) assert.equal(r.error, undefined, `${r.node}: ${r.error?.message}`);
		const calls = (await sim.log()).map((e) => `${e.method} ${e.path.replace(/[0-9a-f-]{8,}|render_[\w-]+/gi, ':id')}`);
		const count = (pattern) => calls.filter((c) => pattern.test(c)).length;
		assert.equal(count(/^POST \/run_sse$/), 1, `exactly one edit: ${calls.join(', ')}`);
		assert.equal(count(/^POST \/api\/upload-video\//), 1, 'one upload');
		assert.equal(count(/^POST \/api\/tasks\/me\/with-session\//), 1, 'one session');
		assert.equal(count(/^POST \/api\/render\/proxy\/lambda$/), 1, 'one render');
		const session = await sim.session(sessionId);
		assert.equal(session.edits.length, 1);
		assert.ok(
			JSON.stringify(session.state.video_infos ?? []).includes('beach-sunset.jpg'),
			'the image is in the session the model edited',
		);
	},
};
