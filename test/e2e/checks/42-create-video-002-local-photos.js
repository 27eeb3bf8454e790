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
	name: 'create video 002: five local photos become a checked 15-second video with transitions',
	workflow: shippedExample('examples/create-video-002-local-photos-to-video.json', {
		'Read Photos': { fileSelector: { shipped: '/path/to/.n8n-files/photos/*.jpg', value: imagePath('product-*.jpg') } },
	}),
	credentials: { mode: 'registered', skillSource: 'image-to-video-local' },
	async assert(ctx) {
		const item = await assertCreateVideo(ctx, { width: 1920, height: 1080, durationSeconds: 15 });
		ctx.assert.equal(item.json.uploadedFiles.length, 5);
		const state = await ctx.sim.session(item.json.sessionId);
		ctx.assert.ok(state.state.draft.t[0].sg.every((segment) => segment.transition?.type === 'crossfade'), 'every clip has a crossfade');
	},
};
