'use strict';
const { assertRenderItem, imagePath, shippedExample } = require('../lib/examples');

module.exports = {
	name: 'example 000: three images, one session and video each, metrics in one table item',
	workflow: shippedExample('examples/000-image-to-video-benchmark.json', {
		'Read Benchmark Images': { fileSelector: { shipped: '/path/to/.n8n-files/benchmark/*.jpg', value: imagePath('product-{1,2,3}.jpg') } },
	}),
	credentials: { mode: 'registered', customizeAttribution: true, skillSource: 'image-to-video-benchmark' },
	async assert({ items, json, sim, assert }) {
		const renders = items('Render MP4');
		assert.equal(renders.length, 3);
		for (const item of renders) assertRenderItem(assert, item, { width: 1920, height: 1080, durationSeconds: 5 });
		assert.equal(new Set(renders.map((item) => item.json.sessionId)).size, 3, 'one session per image');

		const [table] = json('Benchmark Table');
		assert.equal(table.renders.length, 3);
		assert.deepEqual(table.renders.map((row) => row.image).sort(), ['product-1.jpg', 'product-2.jpg', 'product-3.jpg']);
		for (const row of table.renders) {
			assert.equal(row.resolution, '1920x1080');
			assert.equal(row.frameRate, 25);
			assert.equal(row.codec, 'H.264');
			assert.equal(row.durationSeconds, 5);
			assert.ok(row.bytes > 10_000 && row.polls >= 1 && row.submitToCompletionMs > 0, JSON.stringify(row));
			assert.match(row.timeline, /^Timeline \(1 track\): 1\. Video: product-\d\.jpg \(0-5s\)$/);
		}
		const sources = new Set((await sim.log()).filter((e) => e.path.startsWith('/api/')).map((e) => e.skillHeaders.source));
		assert.deepEqual([...sources], ['image-to-video-benchmark']);
	},
};
