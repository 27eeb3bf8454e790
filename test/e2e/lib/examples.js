'use strict';
// Helpers for the example-workflow checks: load an example exactly as shipped, fill only its
// placeholders (the folder of Read Files from Disk, an image URL), and prove a rendered MP4 plays
// (ffprobe decodes every frame). The credential is bound by the runner (bindCredentials in
// scripts/n8n), as a user picks one after importing: the shipped file names none.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('../../../scripts/n8n');

const IMAGES = path.join(REPO_ROOT, 'examples', 'images');
const PACKAGE_PREFIX = 'n8n-nodes-nemovideo.';

/** An absolute path under examples/images (a folder the e2e n8n may read). */
function imagePath(pattern) {
	return path.join(IMAGES, pattern);
}

/**
 * A `workflow(ctx)` function: the example as shipped, with each placeholder replaced. `fill` maps
 * a node name to `{ <parameter path>: { shipped, value } }` (path segments joined by dots, e.g.
 * `assignments.assignments.0.value`); `shipped` must be the file's current value, so an example
 * and its check cannot drift apart silently. Nothing else is changed. The shipped file is also
 * checked for what a user meets on import (see assertShippable).
 */
function shippedExample(file, fill = {}) {
	return () => {
		const workflow = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
		assertShippable(file, workflow);
		for (const [nodeName, parameters] of Object.entries(fill)) {
			const node = workflow.nodes.find((candidate) => candidate.name === nodeName);
			if (!node) throw new Error(`${file} has no node "${nodeName}"`);
			for (const [parameterPath, { shipped, value }] of Object.entries(parameters)) {
				const keys = parameterPath.split('.');
				const last = keys.pop();
				const holder = keys.reduce((object, key) => object?.[key], node.parameters);
				if (holder?.[last] !== shipped) {
					throw new Error(
						`${file}: "${nodeName}" ${parameterPath} is ${JSON.stringify(holder?.[last])}, the check expects the placeholder ${JSON.stringify(shipped)}`,
					);
				}
				holder[last] = value;
			}
		}
		return workflow;
	};
}

/**
 * What a user meets on import: no NemoVideo node names a credential (a reference to an id that
 * does not exist fails on execute with "Credential with ID … does not exist" and no warning on the
 * canvas; without one, n8n asks for the credential), and every node a sticky note names in bold
 * exists in the workflow.
 */
function assertShippable(file, workflow) {
	for (const node of workflow.nodes) {
		if (node.type.startsWith(PACKAGE_PREFIX)) {
			assert.equal(node.credentials, undefined, `${file}: node "${node.name}" ships with a credential reference`);
		}
	}
	const names = new Set(workflow.nodes.map((node) => node.name));
	for (const note of workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote')) {
		for (const [, bold, colon] of String(note.parameters.content ?? '').matchAll(/\*\*([^*]+)\*\*(:?)/g)) {
			if (colon) continue; // a lead-in such as **Swap the trigger**: names no node
			assert.ok(names.has(bold), `${file}: the sticky note names a node "${bold}" the workflow does not have`);
		}
	}
}

/** Decodes the whole file with ffprobe and checks it is the H.264 video the metrics claim. */
function assertPlayableMp4(assert, binary, expected) {
	assert.ok(binary, 'no binary "data" on the Render MP4 item');
	assert.equal(binary.mimeType, 'video/mp4');
	assert.match(binary.fileName, /\.mp4$/);
	assert.equal(binary.exists, true, `MP4 missing at ${binary.path}`);
	const probe = JSON.parse(
		execFileSync('ffprobe', [
			'-v',
			'error',
			'-count_frames',
			'-select_streams',
			'v:0',
			'-show_entries',
			'stream=codec_name,width,height,nb_read_frames,avg_frame_rate:format=duration',
			'-of',
			'json',
			binary.path,
		]).toString(),
	);
	const [stream] = probe.streams;
	assert.equal(stream.codec_name, 'h264');
	assert.equal(stream.width, expected.width);
	assert.equal(stream.height, expected.height);
	const duration = Number(probe.format.duration);
	assert.ok(
		Math.abs(duration - expected.durationSeconds) < 0.5,
		`duration ${duration} s, expected ${expected.durationSeconds} s`,
	);
	assert.ok(
		Number(stream.nb_read_frames) >= Math.floor(expected.durationSeconds * 24),
		`only ${stream.nb_read_frames} frames decoded`,
	);
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

module.exports = { IMAGES, imagePath, assertPlayableMp4, assertRenderItem, assertShippable, shippedExample };
