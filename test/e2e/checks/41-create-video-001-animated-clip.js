'use strict';
const { assertPlayableMp4, shippedExample } = require('../lib/examples');

/** The Create Video item: every check passes, and ffprobe finds the asked duration and size in the MP4. */
async function assertCreateVideo({ items, sim, assert }, expected) {
	const [item, ...rest] = items('Create Video');
	assert.equal(rest.length, 0, 'one video');
	const { json } = item;
	assert.equal(json.status, 'completed');
	assert.equal(json.allChecksPass, true, JSON.stringify(json.checks));
	assert.deepEqual(json.checks.map((check) => check.name), ['duration', 'resolution', 'music', 'title']);
	for (const check of json.checks) assert.equal(check.pass, true, `check ${check.name}: asked ${check.asked}, got ${check.got}`);
	assert.equal(json.edits, expected.edits ?? 1);
	assert.equal(json.fileSizeBytes, item.binary.data.sizeOnDisk, 'fileSizeBytes is the stored file');
	assertPlayableMp4(assert, item.binary.data, { width: expected.width, height: expected.height, durationSeconds: expected.durationSeconds });
	const log = await sim.log();
	const count = (method, pattern) => log.filter((e) => e.method === method && pattern.test(e.path)).length;
	assert.equal(count('POST', /^\/run_sse$/), expected.edits ?? 1, 'prompts sent');
	assert.equal(count('POST', /^\/api\/render\/proxy\/lambda$/), 1, 'renders started');
	assert.equal(count('POST', /^\/api\/upload-video\//), 1, 'upload requests');
	return item;
}

module.exports = {
	name: 'create video 001: one image URL becomes a checked 5-second animated clip',
	workflow: shippedExample('examples/create-video-001-image-to-animated-clip.json', {
		'Image URL': { 'assignments.assignments.0.value': { shipped: 'https://example.com/replace-with-your-image.jpg', value: 'https://images.example.com/portrait.png' } },
	}),
	credentials: { mode: 'registered', skillSource: 'image-to-video-model-ai' },
	async assert(ctx) {
		const item = await assertCreateVideo(ctx, { width: 1920, height: 1080, durationSeconds: 5 });
		ctx.assert.equal(item.json.request.animate, true);
		ctx.assert.match(item.json.timeline.summary, /^Timeline \(1 track\): 1\. Video: Animated portrait\.png \(0-5s\)$/);
	},
};
