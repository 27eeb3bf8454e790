'use strict';
const { assertRenderItem, imagePath, shippedExample } = require('../lib/examples');

module.exports = {
	name: 'example 002: local photos from disk, one upload request, a 15-second video with transitions',
	workflow: shippedExample('examples/002-local-photos-to-video.json', {
		'Read Photos': { fileSelector: { shipped: '/path/to/.n8n-files/photos/*.jpg', value: imagePath('product-*.jpg') } },
	}),
	credentials: { mode: 'registered', customizeAttribution: true, skillSource: 'image-to-video-local' },
	async assert({ items, json, sim, assert }) {
		const uploads = (await sim.log()).filter((e) => e.method === 'POST' && e.path.startsWith('/api/upload-video/'));
		assert.equal(uploads.length, 1, 'all five photos in one request');

		const [edit] = json('Describe the Video');
		assert.equal(edit.timeline.summary, 'Timeline (1 track): 1. Video: 5 clips (0-15s)');
		const state = await sim.session(edit.sessionId);
		assert.ok(
			state.state.draft.t[0].sg.every((segment) => segment.transition),
			'every clip has a transition',
		);

		const [render] = items('Render MP4');
		assertRenderItem(assert, render, { width: 1920, height: 1080, durationSeconds: 15 });
	},
};
