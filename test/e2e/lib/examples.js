'use strict';
// Helpers for the example-workflow checks: load an example with its "Read Files from Disk" node
// pointed at the repo's sample images, and prove a rendered MP4 plays (ffprobe decodes every frame).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('../../../scripts/n8n');

const IMAGES = path.join(REPO_ROOT, 'examples', 'images');

/** A `workflow(ctx)` function: the example, with `readNode` reading `pattern` from examples/images. */
function exampleReading(file, readNode, pattern) {
	return () => {
		const workflow = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
		const node = workflow.nodes.find((candidate) => candidate.name === readNode);
		if (!node) throw new Error(`${file} has no node "${readNode}"`);
		node.parameters.fileSelector = path.join(IMAGES, pattern);
		return workflow;
	};
}

/** Decodes the whole file with ffprobe and checks it is the H.264 video the metrics claim. */
function assertPlayableMp4(assert, binary, expected) {
	assert.ok(binary, 'no binary "data" on the Render MP4 item');
	assert.equal(binary.mimeType, 'video/mp4');
	assert.match(binary.fileName, /\.mp4$/);
	assert.equal(binary.exists, true, `MP4 missing at ${binary.path}`);
	const probe = JSON.parse(
		execFileSync('ffprobe', [
			'-v', 'error', '-count_frames', '-select_streams', 'v:0',
			'-show_entries', 'stream=codec_name,width,height,nb_read_frames,avg_frame_rate:format=duration',
			'-of', 'json', binary.path,
		]).toString(),
	);
	const [stream] = probe.streams;
	assert.equal(stream.codec_name, 'h264');
	assert.equal(stream.width, expected.width);
	assert.equal(stream.height, expected.height);
	const duration = Number(probe.format.duration);
	assert.ok(Math.abs(duration - expected.durationSeconds) < 0.5, `duration ${duration} s, expected ${expected.durationSeconds} s`);
	assert.ok(Number(stream.nb_read_frames) >= Math.floor(expected.durationSeconds * 24), `only ${stream.nb_read_frames} frames decoded`);
	return { duration, frames: Number(stream.nb_read_frames) };
}

/** The render item's metrics match the file and the run is attributed to the example's product. */
function assertRenderItem(assert, item, expected) {
	assert.equal(item.json.status, 'completed');
	assert.match(item.json.renderId, /^render_/);
	assert.match(item.json.url, /^http:\/\/127\.0\.0\.1:\d+\//);
	const { metrics } = item.json;
	assert.equal(metrics.width, expected.width);
	assert.equal(metrics.height, expected.height);
	assert.equal(metrics.codecName, 'H.264');
	assert.ok(metrics.polls >= 1 && metrics.submitToCompletionMs > 0, JSON.stringify(metrics));
	assert.equal(metrics.bytes, item.binary.data.sizeOnDisk);
	return assertPlayableMp4(assert, item.binary.data, expected);
}

module.exports = { IMAGES, assertPlayableMp4, assertRenderItem, exampleReading };
