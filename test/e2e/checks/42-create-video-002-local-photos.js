'use strict';
const { assertCreateVideo } = require('../lib/createVideo');
const { imagePath, shippedExample } = require('../lib/examples');

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
		ctx.assert.ok(
			state.state.draft.t[0].sg.every((segment) => segment.transition?.type === 'crossfade'),
			'every clip has a crossfade',
		);
	},
};
