'use strict';
const { assertRenderItem, exampleReading } = require('../lib/examples');

module.exports = {
	name: 'example 004: three photos with transitions and background music (anonymous token)',
	workflow: exampleReading('examples/004-beginner-photos-with-music.json', 'Read Photos', 'product-{1,2,3}.jpg'),
	credentials: { mode: 'anonymous', skillSource: 'for-beginners-ai-image' },
	async assert({ items, json, assert }) {
		const [edit] = json('Describe the Video');
		assert.equal(edit.timeline.summary, 'Timeline (2 tracks): 1. Video: 3 clips (0-10s) 2. BGM: Lo-fi (0-10s, 35%)');

		const [render] = items('Render MP4');
		assertRenderItem(assert, render, { width: 1920, height: 1080, durationSeconds: 10 });
	},
};
