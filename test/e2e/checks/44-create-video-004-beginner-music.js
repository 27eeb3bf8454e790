'use strict';
const { assertCreateVideo } = require('../lib/createVideo');
const { imagePath, shippedExample } = require('../lib/examples');

module.exports = {
	name: 'create video 004: three photos become a checked video with fade transitions and Lo-fi music (anonymous token)',
	workflow: shippedExample('examples/create-video-004-beginner-photos-with-music.json', {
		'Read Photos': {
			fileSelector: { shipped: '/path/to/.n8n-files/my-photos/*.jpg', value: imagePath('product-{1,2,3}.jpg') },
		},
	}),
	credentials: { mode: 'anonymous', skillSource: 'for-beginners-ai-image' },
	async assert(ctx) {
		const item = await assertCreateVideo(ctx, { width: 1920, height: 1080, durationSeconds: 10 });
		ctx.assert.equal(
			item.json.timeline.summary,
			'Timeline (2 tracks): 1. Video: 3 clips (0-10s) 2. BGM: Lo-fi (0-10s, 35%)',
		);
		ctx.assert.deepEqual(
			item.json.checks.find((check) => check.name === 'music'),
			{ name: 'music', asked: 'Lo-fi, 35%', got: 'Lo-fi, 35%', pass: true, source: 'timeline' },
		);
	},
};
