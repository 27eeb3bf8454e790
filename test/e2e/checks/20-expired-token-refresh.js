'use strict';
// The stored anonymous token stops working between two executions (expired on the simulator): the
// second run gets HTTP 401, n8n runs the credential's preAuthentication again, stores the new token
// and the run succeeds.
module.exports = {
	name: 'expired stored token: the next run gets a new one, stores it and succeeds',
	workflow: 'test/e2e/workflows/session-credits.json',
	credentials: 'anonymous',
	runs: 2,
	async beforeRun({ sim, storedCredential, state, assert }, run) {
		if (run !== 1) return;
		const stored = await storedCredential();
		assert.match(stored?.data?.sessionToken ?? '', /^nmv_usr_/, 'token stored by run 1');
		state.firstToken = stored.data.sessionToken;
		await sim.request('POST', '/__sim/tokens/expire', { token: state.firstToken });
	},
	async assert({ json, sim, clientId, storedCredential, state, assert }) {
		assert.match(json('Create Session', 1)[0].sessionId, /\S/);
		assert.equal(await sim.anonymousTokensIssued(clientId), 2, 'a second token after the first expired');
		const rejected = (await sim.log()).filter((e) => e.status === 401);
		assert.ok(rejected.length >= 1, 'the expired token was rejected at least once');
		const stored = await storedCredential();
		assert.match(stored.data.sessionToken, /^nmv_usr_/);
		assert.notEqual(stored.data.sessionToken, state.firstToken, 'the new token replaced the expired one');
	},
};
