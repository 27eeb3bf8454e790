'use strict';
// The Create Video checks' shared assertion (checks 41-45).
const { assertPlayableMp4 } = require('./examples');

/** The Create Video item: every check passes, and ffprobe finds the asked duration and size in the MP4. */
async function assertCreateVideo({ items, sim, assert }, expected) {
	const [item, ...rest] = items('Create Video');
	assert.equal(rest.length, 0, 'one video');
	const { json } = item;
	assert.equal(json.status, 'completed');
	assert.equal(json.allChecksPass, true, JSON.stringify(json.checks));
	assert.deepEqual(
		json.checks.map((check) => check.name),
		['duration', 'resolution', 'music', 'title'],
	);
	for (const check of json.checks)
		assert.equal(check.pass, true, `check ${check.name}: asked ${check.asked}, got ${check.got}`);
	assert.equal(json.edits, expected.edits ?? 1);
	assert.equal(json.fileSizeBytes, item.binary.data.sizeOnDisk, 'fileSizeBytes is the stored file');
	assertPlayableMp4(assert, item.binary.data, {
		width: expected.width,
		height: expected.height,
		durationSeconds: expected.durationSeconds,
	});
	const log = await sim.log();
	const count = (method, pattern) => log.filter((e) => e.method === method && pattern.test(e.path)).length;
	assert.equal(count('POST', /^\/run_sse$/), expected.edits ?? 1, 'prompts sent');
	assert.equal(count('POST', /^\/api\/render\/proxy\/lambda$/), 1, 'renders started');
	assert.equal(count('POST', /^\/api\/upload-video\//), 1, 'upload requests');
	return item;
}

module.exports = { assertCreateVideo };
