'use strict';
const { assertRenderItem, imagePath, shippedExample } = require('../lib/examples');

module.exports = {
	name: 'example 003: five product photos to a 1080p MP4 slideshow',
	workflow: shippedExample('examples/003-product-photos-slideshow.json', {
		'Read Photos': {
			fileSelector: { shipped: '/path/to/.n8n-files/product-photos/*.jpg', value: imagePath('product-*.jpg') },
		},
	}),
	credentials: { mode: 'registered', customizeAttribution: true, skillSource: 'picture-to-video' },
	async assert({ items, json, assert }) {
		const [edit] = json('Describe the Video');
		assert.equal(edit.timeline.summary, 'Timeline (1 track): 1. Video: 5 clips (0-10s)');
		assert.equal(edit.timeline.width, 1920);
		assert.equal(edit.timeline.height, 1080);

		const [render] = items('Render MP4');
		assertRenderItem(assert, render, { width: 1920, height: 1080, durationSeconds: 10 });
	},
};
