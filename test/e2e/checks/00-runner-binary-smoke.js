'use strict';
// Runner self-check with built-in nodes only: a binary that a node writes lands as a file under
// <N8N_USER_FOLDER>/.n8n/storage (filesystem mode) and the runner reports its metadata and path;
// "Read/Write Files from Disk" may read from the repo's test/ folder (N8N_RESTRICT_FILE_ACCESS_TO).
const fs = require('node:fs');
const path = require('node:path');

const SAMPLE = path.join(__dirname, '..', 'workflows', 'session-credits.json');

module.exports = {
	name: 'runner: binary data is stored on disk and reported with metadata and path; test/ files are readable',
	workflow() {
		const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'workflows', 'binary-smoke.json'), 'utf8'));
		workflow.nodes.find((n) => n.name === 'Read File').parameters.fileSelector = SAMPLE;
		return workflow;
	},
	credentials: 'none',
	async assert({ json, items, result, runner, assert }) {
		assert.deepEqual(json('Start'), [{}]);
		const [item] = items('Convert to File');
		const file = item.binary?.data;
		assert.ok(file, 'Convert to File produced no binary "data"');
		assert.equal(file.fileName, 'smoke.json');
		assert.equal(file.mimeType, 'application/json');
		assert.equal(file.storage, 'filesystem-v2');
		assert.match(
			file.id,
			new RegExp(`^filesystem-v2:workflows/${result.workflowId}/executions/${result.executionId}/binary_data/`),
		);
		assert.ok(file.path.startsWith(path.join(runner.storagePath, 'workflows') + path.sep), file.path);
		assert.equal(file.exists, true, `missing ${file.path}`);
		assert.equal(file.sizeOnDisk, file.bytes);
		assert.deepEqual(JSON.parse(fs.readFileSync(file.path, 'utf8')), [{}]);
		assert.equal(JSON.parse(fs.readFileSync(file.metadataPath, 'utf8')).fileName, 'smoke.json');

		const [read] = items('Read File');
		const copy = read.binary?.data;
		assert.ok(copy?.exists, 'Read File stored the file it read');
		assert.equal(copy.fileName, 'session-credits.json');
		assert.equal(copy.sizeOnDisk, fs.statSync(SAMPLE).size);
	},
};
