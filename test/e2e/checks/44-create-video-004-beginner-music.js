'use strict';
const { assertPlayableMp4, imagePath, shippedExample } = require('../lib/examples');

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
	name: 'create video 004: three photos become a checked video with fade transitions and Lo-fi music (anonymous token)',
	workflow: shippedExample('examples/create-video-004-beginner-photos-with-music.json', {
		'Read Photos': { fileSelector: { shipped: '/path/to/.n8n-files/my-photos/*.jpg', value: imagePath('product-{1,2,3}.jpg') } },
	}),
	credentials: { mode: 'anonymous', skillSource: 'for-beginners-ai-image' },
	async assert(ctx) {
		const item = await assertCreateVideo(ctx, { width: 1920, height: 1080, durationSeconds: 10 });
		ctx.assert.equal(item.json.timeline.summary, 'Timeline (2 tracks): 1. Video: 3 clips (0-10s) 2. BGM: Lo-fi (0-10s, 35%)');
		ctx.assert.deepEqual(item.json.checks.find((check) => check.name === 'music'), { name: 'music', asked: 'Lo-fi, 35%', got: 'Lo-fi, 35%', pass: true, source: 'timeline' });
	},
};
