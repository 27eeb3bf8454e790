'use strict';
/**
 * npm run demo: starts the local NemoVideo simulator, runs example 003 (five product photos to a
 * 1080p MP4 slideshow) in a real n8n 2.41.1 with this package installed, copies the MP4 to
 * demo-output/, and prints the timeline summary and render metrics. The first run installs n8n
 * and Node 24 into a cache folder outside the repository (a few minutes; progress is shown).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { N8nRunner, REPO_ROOT } = require('./n8n');
const { startSimulator } = require('./n8n/simulator');

const EXAMPLE = 'examples/003-product-photos-slideshow.json';
const OUTPUT = path.join(REPO_ROOT, 'demo-output', 'product-slideshow.mp4');

function say(message) {
	console.log(`[demo] ${message}`);
}

async function main() {
	let simulator;
	let runner;
	try {
		runner = await N8nRunner.create({ build: true });
		simulator = await startSimulator();
		say(`NemoVideo simulator on ${simulator.url} (pid ${simulator.pid})`);

		const [credential] = await runner.importCredentials([
			{
				name: 'NemoVideo (local simulator, anonymous token)',
				type: 'nemoVideoApi',
				data: {
					apiToken: '',
					baseUrl: simulator.url,
					clientId: crypto.randomUUID(),
					skillSource: 'picture-to-video',
					skillVersion: '1.0.0',
					skillPlatform: 'n8n',
				},
			},
		]);
		const workflow = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8'));
		workflow.nodes.find((node) => node.name === 'Read Photos').parameters.fileSelector = path.join(
			REPO_ROOT,
			'examples',
			'images',
			'product-*.jpg',
		);
		const workflowId = await runner.importWorkflow(workflow, { credentials: { nemoVideoApi: credential } });

		say(`running "${workflow.name}" in n8n…`);
		const result = await runner.execute(workflowId);
		if (!result.ok) throw new Error(`the workflow failed: ${result.error?.message ?? result.status}`);

		const [edit] = result.nodes['Describe the Video'].items;
		const [render] = result.nodes['Render MP4'].items;
		fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
		fs.copyFileSync(render.binary.data.path, OUTPUT);

		const { metrics } = render.json;
		console.log('');
		console.log(`Agent:     ${edit.json.reply || '(no text; timeline read from the session)'}`);
		console.log(`Timeline:  ${edit.json.timeline.summary}`);
		console.log(
			`Render:    ${render.json.renderId}, ${metrics.submitToCompletionMs} ms from submit to completion, status polled ${metrics.polls}×`,
		);
		console.log(
			`Video:     ${metrics.durationSeconds} s, ${metrics.width}x${metrics.height}, ${metrics.frameRate} fps, ${metrics.codecName}, ${metrics.bytes} bytes`,
		);
		console.log(`MP4 file:  ${OUTPUT}`);
	} finally {
		await simulator?.stop();
		await runner?.dispose();
	}
}

main().catch((error) => {
	console.error(`[demo] ${error.message}`);
	process.exitCode = 1;
});
