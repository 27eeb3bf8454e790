'use strict';
// Credits → Session (create) → Session (getState), twice, with an anonymous credential (empty API
// Token, fixed Client ID): n8n runs the credential's preAuthentication once, stores the token in the
// credential, and the second `n8n execute` reuses it.
module.exports = {
	name: 'Credits, Session create and getState twice: one anonymous token, stored and reused',
	workflow: 'test/e2e/workflows/session-credits.json',
	credentials: 'anonymous',
	runs: 2,
	async assert({ results, json, sim, clientId, storedCredential, assert }) {
		const sessions = [];
		for (let run = 0; run < results.length; run++) {
			const [credits] = json('Check Credits', run);
			assert.equal(typeof credits.available, 'number', 'credits.available');
			assert.ok(credits.available >= 10, `available ${credits.available}`);
			assert.equal(typeof credits.frozen, 'number', 'credits.frozen');
			assert.equal(typeof credits.total, 'number', 'credits.total');
			assert.equal(credits.sufficient, true);
			assert.equal(credits.minimumAvailable, 10);

			const [session] = json('Create Session', run);
			assert.match(session.sessionId, /\S/, 'sessionId');
			assert.ok('taskId' in session && 'userId' in session, 'taskId and userId keys');
			sessions.push(session.sessionId);

			const [state] = json('Get Session State', run);
			assert.equal(state.sessionId, session.sessionId);
			assert.equal(typeof state.summary, 'string');
			assert.equal(state.readyToExport, false, 'a new session has nothing to export');
			assert.ok(
				Array.isArray(state.tracks) && Array.isArray(state.uploadedMedia) && Array.isArray(state.generatedMedia),
			);
			assert.equal(typeof state.state, 'object', 'includeRawState adds the raw state');
		}
		assert.notEqual(sessions[0], sessions[1], 'each run creates its own session');

		// Exactly one anonymous token for this client across both executions.
		assert.equal(await sim.anonymousTokensIssued(clientId), 1, JSON.stringify(await sim.tokens()));
		const log = await sim.log();
		const tokenCalls = log.filter((e) => e.path === '/api/auth/anonymous-token');
		assert.equal(tokenCalls.length, 1, 'anonymous-token calls');
		assert.equal(tokenCalls[0].clientId, clientId, 'X-Client-Id on the token call');
		const apiCalls = log.filter((e) => e.path.startsWith('/api/') && e.path !== '/api/auth/anonymous-token');
		for (const e of apiCalls) {
			assert.equal(e.status, 200, `${e.method} ${e.path} -> ${e.status}`);
			assert.equal(e.hasAuth, true, `${e.method} ${e.path} without Authorization`);
			assert.deepEqual(
				e.skillHeaders,
				{ source: 'picture-to-video', version: '1.0.0', platform: 'n8n-e2e' },
				`${e.method} ${e.path} attribution headers`,
			);
		}
		for (const path of ['/api/credits/balance/simple', '/api/tasks/me/with-session/nemo_agent']) {
			assert.ok(apiCalls.filter((e) => e.path === path).length >= 2, `${path} called in both runs`);
		}

		// n8n stored the token in the credential.
		const stored = await storedCredential();
		assert.ok(stored, 'credential still stored');
		assert.equal(stored.data.apiToken, '');
		assert.equal(stored.data.clientId, clientId);
		assert.match(stored.data.sessionToken ?? '', /^nmv_usr_/, 'sessionToken stored in the credential');
	},
};
