'use strict';
// Runner self-check with built-in nodes only: a binary that a node writes lands as a file under
// <N8N_USER_FOLDER>/.n8n/storage (filesystem mode), and the runner reports its metadata and path.
const fs = require('node:fs');
const path = require('node:path');

module.exports = {
	name: 'runner: binary data is stored on disk and reported with metadata and path',
	workflow: 'test/e2e/workflows/binary-smoke.json',
	credentials: 'none',
	async assert({ json, items, result, runner, assert }) {
		assert.deepEqual(json('Start'), [{}]);
		const [item] = items('Convert to File');
		const file = item.binary?.data;
		assert.ok(file, 'Convert to File produced no binary "data"');
		assert.equal(file.fileName, 'smoke.json');
		assert.equal(file.mimeType, 'application/json');
		assert.equal(file.storage, 'filesystem-v2');
		assert.match(file.id, new RegExp(`^filesystem-v2:workflows/${result.workflowId}/executions/${result.executionId}/binary_data/`));
		assert.ok(file.path.startsWith(path.join(runner.storagePath, 'workflows') + path.sep), file.path);
		assert.equal(file.exists, true, `missing ${file.path}`);
		assert.equal(file.sizeOnDisk, file.bytes);
		assert.deepEqual(JSON.parse(fs.readFileSync(file.path, 'utf8')), [{}]);
		const metadata = JSON.parse(fs.readFileSync(file.metadataPath, 'utf8'));
		assert.equal(metadata.fileName, 'smoke.json');
	},
};
