'use strict';
const fs = require('node:fs');
const { assertRenderItem, imagePath, shippedExample } = require('../lib/examples');

const IMAGES = ['product-1.jpg', 'product-2.jpg', 'product-3.jpg'];
const VARIANTS = ['smooth', 'dynamic zoom'];
const METRICS = [
	'firstFrameSsim',
	'firstFramePsnr',
	'flickerScore',
	'motionIntensity',
	'frozenFrameRatio',
	'blackFrameRatio',
	'sharpness',
	'bitrateKbps',
];

/** Well-formed enough to open: one root <svg>, every tag closed in order, no stray '<' or '&'. Returns the tag count by name. */
function checkSvg(assert, svg) {
	assert.match(svg, /^(<\?xml[^>]*\?>\s*)?<svg[\s>]/);
	const body = svg.replace(/^<\?xml[^>]*\?>/, '');
	const stack = [];
	const counts = {};
	for (const [tag, close, name, selfClose] of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
		if (close) assert.equal(stack.pop(), name, `SVG: </${name}> closes the wrong element (${tag})`);
		else {
			counts[name] = (counts[name] ?? 0) + 1;
			if (!selfClose) stack.push(name);
		}
	}
	assert.deepEqual(stack, [], 'SVG: unclosed elements');
	const text = body.replace(/<[^<>]*>/g, '');
	assert.doesNotMatch(text, /[<>]|&(?!(?:amp|lt|gt|quot|apos|#\d+);)/, 'SVG: unescaped text');
	return counts;
}

module.exports = {
	name: 'example 000: three images × two prompt variants, one session and video each, measured, one report with a table (CSV) and a chart (SVG)',
	workflow: shippedExample('examples/000-image-to-video-benchmark.json', {
		'Read Benchmark Images': {
			fileSelector: { shipped: '/path/to/.n8n-files/benchmark/*.jpg', value: imagePath('product-{1,2,3}.jpg') },
		},
	}),
	credentials: { mode: 'registered', customizeAttribution: true, skillSource: 'image-to-video-benchmark' },
	async assert({ items, json, sim, assert }) {
		const renders = items('Render MP4');
		assert.equal(renders.length, IMAGES.length * VARIANTS.length);
		for (const item of renders) assertRenderItem(assert, item, { width: 1920, height: 1080, durationSeconds: 5 });
		assert.equal(new Set(renders.map((item) => item.json.sessionId)).size, 6, 'one session per image and variant');

		const [table] = json('Benchmark Table');
		assert.equal(table.renders.length, 6);
		assert.deepEqual(
			table.renders.map((row) => `${row.image} ${row.variant}`).sort(),
			IMAGES.flatMap((image) => VARIANTS.map((v) => `${image} ${v}`)).sort(),
		);
		for (const row of table.renders) {
			assert.equal(row.resolution, '1920x1080');
			assert.equal(row.frameRate, 25);
			assert.equal(row.codec, 'H.264');
			assert.equal(row.durationSeconds, 5);
			assert.ok(row.bytes > 10_000 && row.polls >= 1 && row.submitToCompletionMs > 0, JSON.stringify(row));
			assert.match(row.timeline, /^Timeline \(1 track\): 1\. Video: product-\d\.jpg \(0-5s\)$/);
		}

		// The report: one row per image × variant with every metric, a CSV and an SVG bar chart.
		const reports = items('Benchmark Report');
		assert.equal(reports.length, 1);
		const [report] = reports;
		assert.deepEqual([...report.json.groups].sort(), IMAGES);
		assert.deepEqual([...report.json.series].sort(), [...VARIANTS].sort());
		assert.equal(report.json.chartMetric, 'firstFrameSsim');
		const rows = report.json.rows;
		assert.equal(rows.length, IMAGES.length * VARIANTS.length);
		assert.deepEqual(
			rows.map((row) => `${row.group} ${row.series}`).sort(),
			IMAGES.flatMap((image) => VARIANTS.map((v) => `${image} ${v}`)).sort(),
		);
		for (const row of rows) {
			for (const metric of METRICS)
				assert.equal(typeof row[metric], 'number', `${row.group} / ${row.series}: ${metric} is ${row[metric]}`);
			// the simulator's render shows the uploaded image (made by ffmpeg from the upload): the first frame is it
			assert.ok(row.firstFrameSsim > 0.9, `${row.group} / ${row.series}: first-frame SSIM ${row.firstFrameSsim}`);
			assert.equal(row.resolution, '1920x1080');
			assert.equal(row.durationSeconds, 5);
			assert.equal(row.requestMatched, true);
		}

		const csvFile = report.binary?.table;
		assert.ok(csvFile?.exists, 'no CSV in binary field "table"');
		assert.equal(csvFile.mimeType, 'text/csv');
		assert.match(csvFile.fileName, /\.csv$/);
		const csv = fs.readFileSync(csvFile.path, 'utf8').trim().split(/\r?\n/);
		assert.equal(csv.length, 1 + rows.length, 'CSV: a header and one line per row');
		const header = csv[0].split(',');
		for (const column of ['group', 'series', ...METRICS])
			assert.ok(header.includes(column), `CSV header has ${column}: ${csv[0]}`);

		const chartFile = report.binary?.chart;
		assert.ok(chartFile?.exists, 'no SVG in binary field "chart"');
		assert.equal(chartFile.mimeType, 'image/svg+xml');
		const svg = fs.readFileSync(chartFile.path, 'utf8');
		checkSvg(assert, svg);
		const bars = [...svg.matchAll(/<rect\b[^>]*>\s*<title>([^<]*)<\/title>\s*<\/rect>/g)].map((match) => match[1]);
		assert.equal(bars.length, rows.length, 'SVG: one bar per row');
		for (const row of rows)
			assert.ok(
				bars.some((title) => title.startsWith(`${row.group} / ${row.series}:`)),
				`SVG: no bar for ${row.group} / ${row.series}`,
			);
		if (process.env.E2E_CHART_OUT) fs.copyFileSync(chartFile.path, process.env.E2E_CHART_OUT);

		const sources = new Set(
			(await sim.log()).filter((e) => e.path.startsWith('/api/')).map((e) => e.skillHeaders.source),
		);
		assert.deepEqual([...sources], ['image-to-video-benchmark']);
	},
};
