'use strict';
const { assertRenderItem, imagePath, shippedExample } = require('../lib/examples');

module.exports = {
	name: 'example 004: three photos with transitions and background music (anonymous token)',
	workflow: shippedExample('examples/004-beginner-photos-with-music.json', {
		'Read Photos': {
			fileSelector: { shipped: '/path/to/.n8n-files/my-photos/*.jpg', value: imagePath('product-{1,2,3}.jpg') },
		},
	}),
	credentials: { mode: 'anonymous', customizeAttribution: true, skillSource: 'for-beginners-ai-image' },
	async assert({ items, json, sim, assert }) {
		assert.equal(json('Create Session').length, 1, 'one session for the three photos');
		assert.equal(json('Photos Once the Session Exists').length, 3, 'the merge passes the three photos on');
		const uploads = (await sim.log()).filter((e) => e.method === 'POST' && e.path.startsWith('/api/upload-video/'));
		assert.equal(uploads.length, 1, 'all three photos in one request');

		const [edit] = json('Describe the Video');
		assert.equal(edit.timeline.summary, 'Timeline (2 tracks): 1. Video: 3 clips (0-10s) 2. BGM: Lo-fi (0-10s, 35%)');

		const [render] = items('Render MP4');
		assertRenderItem(assert, render, { width: 1920, height: 1080, durationSeconds: 10 });
	},
};
