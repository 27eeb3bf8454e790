'use strict';
// Every workflow in examples/, also those no other check runs: n8n imports it as shipped, no
// NemoVideo node names a credential (n8n then asks for one), and every node a sticky note names in
// bold exists. Static apart from one `n8n import:workflow` of all of them.
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('../../../scripts/n8n');
const { assertShippable } = require('../lib/examples');

const EXAMPLES = path.join(REPO_ROOT, 'examples');

function exampleFiles() {
	return fs
		.readdirSync(EXAMPLES)
		.filter((file) => file.endsWith('.json'))
		.sort();
}

module.exports = {
	name: 'example files: each imports as shipped, names no NemoVideo credential, and its notes name real nodes',
	credentials: 'none',
	async run({ runner, state }) {
		state.files = exampleFiles();
		// Without a credential binding, exactly as a user imports them; fresh ids, so nothing collides.
		state.ids = await runner.importWorkflows(state.files.map((file) => ({ workflow: `examples/${file}` })));
	},
	async assert({ state, assert }) {
		assert.ok(state.files.length >= 6, `only ${state.files.length} example files`);
		assert.equal(state.ids.length, state.files.length, 'n8n imported every example');
		for (const file of state.files) {
			assertShippable(`examples/${file}`, JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')));
		}
	},
};
