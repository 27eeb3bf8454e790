'use strict';
const { assertRenderItem } = require('../lib/examples');

module.exports = {
	name: 'example 001: one image uploaded by URL becomes a 5-second animated clip',
	workflow: 'examples/001-image-to-animated-clip.json',
	credentials: { mode: 'registered', skillSource: 'image-to-video-model-ai' },
	async assert({ items, json, assert }) {
		const [upload] = json('Upload Image by URL');
		assert.equal(upload.files.length, 1);
		assert.equal(upload.files[0].fileType, 'image');

		const [edit] = json('Describe the Video');
		assert.equal(edit.timeline.readyToExport, true);
		assert.equal(edit.timeline.durationSeconds, 5);
		assert.match(edit.timeline.summary, /^Timeline \(1 track\): 1\. Video: .+ \(0-5s\)$/);

		const [render] = items('Render MP4');
		assertRenderItem(assert, render, { width: 1920, height: 1080, durationSeconds: 5 });
	},
};
