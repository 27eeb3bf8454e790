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

/** Example 003 with On Mismatch "Correct Once", against a simulator whose first edit makes a 5 s timeline. */
function correctingWorkflow() {
	const workflow = shippedExample('examples/create-video-003-product-photos-slideshow.json', {
		'Read Photos': { fileSelector: { shipped: '/path/to/.n8n-files/product-photos/*.jpg', value: imagePath('product-{1,2}.jpg') } },
	})();
	workflow.nodes.find((node) => node.name === 'Create Video').parameters.onMismatch = 'correct';
	return workflow;
}

module.exports = {
	name: 'create video: a video of the wrong length is found by the duration check and fixed by exactly one correction edit',
	workflow: correctingWorkflow,
	credentials: { mode: 'registered', skillSource: 'picture-to-video' },
	simulator: { config: { nextEditDurationMs: 5000 } },
	async assert(ctx) {
		const item = await assertCreateVideo(ctx, { width: 1920, height: 1080, durationSeconds: 10, edits: 2 });
		ctx.assert.equal(item.json.correction, 'Please correct the video: make the video exactly 10 seconds long (it is 5 s now). Keep everything else as it is.');
	},
};
