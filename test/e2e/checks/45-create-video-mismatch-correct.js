'use strict';
const { assertCreateVideo } = require('../lib/createVideo');
const { imagePath, shippedExample } = require('../lib/examples');

/** Example 003 with On Mismatch "Correct Once", against a simulator whose first edit makes a 5 s timeline. */
function correctingWorkflow() {
	const workflow = shippedExample('examples/create-video-003-product-photos-slideshow.json', {
		'Read Photos': {
			fileSelector: { shipped: '/path/to/.n8n-files/product-photos/*.jpg', value: imagePath('product-{1,2}.jpg') },
		},
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
		ctx.assert.equal(
			item.json.correction,
			'Please correct the video: make the video exactly 10 seconds long (it is 5 s now). Keep everything else as it is.',
		);
	},
};
