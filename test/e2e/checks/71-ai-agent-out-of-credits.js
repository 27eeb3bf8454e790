'use strict';
// The same agent as 70-ai-agent.js with an anonymous account at 0 credits: the edit fails with
// NemoVideo code 2001. The failure must reach the model as a readable tool result (not end the
// workflow), say what to do, carry no token, and the edit must not be retried.
const { runAgent, toolRuns, agentOutput, TOOL_RESULT_CAP, TOKEN_RE } = require('../lib/agent');

module.exports = {
	name: 'AI Agent + NemoVideo tools at 0 credits: the 2001 from the edit reaches the model as a readable tool result, no crash, no retry',
	simulator: { config: { renderMs: 300, anonymousCredits: 0 } },
	async run(ctx) {
		await runAgent(ctx);
	},
	async assert({ results, state, sim, assert, log }) {
		const [result] = results;
		const { fake } = state;
		log?.(
			`agent run ${(state.executeMs / 1000).toFixed(1)} s; tool results: ${fake.toolResults.map((r) => `${r.name} ${r.chars} chars`).join(', ')}`,
		);
		assert.ok(result.ok, `a tool error must not fail the workflow: ${result.error?.message ?? result.status}`);
		assert.deepEqual(
			fake.toolCalls.map((c) => c.name),
			['Create_Session', 'Upload_Media', 'Edit_Video'],
			'the model stops after the failed edit',
		);

		const failed = fake.toolResults.find((r) => r.name === 'Edit_Video');
		assert.ok(failed, 'the model received the edit’s result');
		assert.ok(failed.chars <= TOOL_RESULT_CAP, `error result is ${failed.chars} characters`);
		assert.doesNotMatch(failed.content, TOKEN_RE, 'no token in the error');
		const parsed = JSON.parse(failed.content);
		const error = (Array.isArray(parsed) ? parsed[0] : parsed).error;
		assert.equal(typeof error, 'string', `an error the model can read: ${failed.content}`);
		assert.match(error, /credits/i, 'says it is about credits');
		assert.match(error, /register/i, `says what to do: ${error}`);
		// the node's hint, which n8n's agent would drop if it were not in the message
		assert.match(
			error,
			/The free anonymous credits are used up\. Register at https:\/\/\S+bind=\S+ .*API Token in the credential/,
			`carries the hint: ${error}`,
		);
		assert.doesNotMatch(error, /\[object Object\]|undefined|at \w+ \(/, 'no stack or object dump');
		state.errorText = error;

		const output = agentOutput(result);
		assert.ok(
			typeof output === 'string' && /credits/i.test(output),
			`the final answer passes the reason on: ${output}`,
		);
		assert.doesNotMatch(output, TOKEN_RE);

		const edit = toolRuns(result).find((r) => r.node === 'Edit Video');
		assert.ok(edit, 'the Edit tool node ran');
		const calls = (await sim.log()).map((e) => `${e.method} ${e.path} ${e.status}`);
		assert.equal(
			calls.filter((c) => c.startsWith('POST /run_sse')).length,
			1,
			`the edit was sent once: ${calls.join(', ')}`,
		);
		assert.equal(calls.filter((c) => c.startsWith('POST /api/render/proxy/lambda')).length, 0, 'nothing rendered');
		log?.(`error the model saw (${failed.chars} chars): ${failed.content}`);
	},
};
