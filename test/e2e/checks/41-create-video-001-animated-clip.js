'use strict';
const { assertCreateVideo } = require('../lib/createVideo');
const { shippedExample } = require('../lib/examples');

module.exports = {
	name: 'create video 001: one image URL becomes a checked 5-second animated clip',
	workflow: shippedExample('examples/create-video-001-image-to-animated-clip.json', {
		'Image URL': {
			'assignments.assignments.0.value': {
				shipped: 'https://example.com/replace-with-your-image.jpg',
				value: 'https://images.example.com/portrait.png',
			},
		},
	}),
	credentials: { mode: 'registered', skillSource: 'image-to-video-model-ai' },
	async assert(ctx) {
		const item = await assertCreateVideo(ctx, { width: 1920, height: 1080, durationSeconds: 5 });
		ctx.assert.equal(item.json.request.animate, true);
		ctx.assert.match(item.json.timeline.summary, /^Timeline \(1 track\): 1\. Video: Animated portrait\.png \(0-5s\)$/);
	},
};
