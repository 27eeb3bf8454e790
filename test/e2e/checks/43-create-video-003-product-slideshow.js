'use strict';
const { assertCreateVideo } = require('../lib/createVideo');
const { imagePath, shippedExample } = require('../lib/examples');

module.exports = {
	name: 'create video 003: five product photos become a checked 1080p slideshow',
	workflow: shippedExample('examples/create-video-003-product-photos-slideshow.json', {
		'Read Photos': {
			fileSelector: { shipped: '/path/to/.n8n-files/product-photos/*.jpg', value: imagePath('product-*.jpg') },
		},
	}),
	credentials: { mode: 'registered', skillSource: 'picture-to-video' },
	async assert(ctx) {
		const item = await assertCreateVideo(ctx, { width: 1920, height: 1080, durationSeconds: 10 });
		ctx.assert.equal(item.json.timeline.summary, 'Timeline (1 track): 1. Video: 5 clips (0-10s)');
		ctx.assert.equal(item.json.fileName, 'product-slideshow.mp4');
	},
};
