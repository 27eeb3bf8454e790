'use strict';
const { assertRenderItem, shippedExample } = require('../lib/examples');

// The simulator records a URL upload without fetching it; the file name comes from the URL.
const IMAGE_URL = 'https://images.example.com/portrait.png';

module.exports = {
	name: 'example 001: one image uploaded by URL becomes a 5-second animated clip',
	workflow: shippedExample('examples/001-image-to-animated-clip.json', {
		'Image URL': {
			'assignments.assignments.0.value': {
				shipped: 'https://example.com/replace-with-your-image.jpg',
				value: IMAGE_URL,
			},
		},
	}),
	credentials: { mode: 'registered', customizeAttribution: true, skillSource: 'image-to-video-model-ai' },
	async assert({ items, json, sim, assert }) {
		const [upload] = json('Upload Image by URL');
		assert.equal(upload.files.length, 1);
		assert.equal(upload.files[0].fileName, 'portrait.png');
		const session = await sim.session(upload.sessionId);
		assert.ok(JSON.stringify(session).includes(IMAGE_URL), 'the filled-in image URL reached NemoVideo');
		assert.equal(upload.files[0].fileType, 'image');

		const [edit] = json('Describe the Video');
		assert.equal(edit.timeline.readyToExport, true);
		assert.equal(edit.timeline.durationSeconds, 5);
		assert.match(edit.timeline.summary, /^Timeline \(1 track\): 1\. Video: .+ \(0-5s\)$/);

		const [render] = items('Render MP4');
		assertRenderItem(assert, render, { width: 1920, height: 1080, durationSeconds: 5 });
	},
};
