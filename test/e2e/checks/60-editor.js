'use strict';
// The real n8n editor in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// `n8n start` in its own user folder with the package installed as n8n installs it, owner created
// over REST, logged in by cookie. The node picker finds every NemoVideo node by "NemoVideo"; every
// operation's panel opens without a page error or a console error from our nodes; the credential's
// Test button passes against the simulator and fails against a closed port with the friendly
// "Can't reach …" text (also over POST /rest/credentials/test); the dark theme shows the dark
// icon; a Session → Upload → Edit → Export workflow executed in the editor puts the MP4 in the
// output panel. Writes docs/screenshots/{node-picker,render-panel,output-mp4}.png for the README.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { N8nRunner, REPO_ROOT } = require('../../../scripts/n8n');
const { startN8nServer } = require('../../../scripts/n8n/server');
const { freePort, onExit } = require('../../../scripts/n8n/processes');
const { IMAGES } = require('../lib/examples');

const CHROMIUM = process.env.NEMOVIDEO_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const PACKAGE = 'n8n-nodes-nemovideo';
const REQUIRED_NODES = [
	'NemoVideo Session',
	'NemoVideo Upload',
	'NemoVideo Edit',
	'NemoVideo Export',
	'NemoVideo Credits',
];
const REGISTERED_TOKEN = 'nmv_sk_simulator';
const RUN_TIMEOUT_MS = 180_000;
const CHECK_TIMEOUT_MS = 8 * 60_000;

module.exports = {
	name: 'editor: node picker, every operation panel, credential test, MP4 in the output panel; README screenshots',
	async run(ctx) {
		const { log } = ctx;
		const cleanups = [];
		try {
			await withTimeout(
				drive(ctx, cleanups),
				CHECK_TIMEOUT_MS,
				`the editor check did not finish within ${CHECK_TIMEOUT_MS / 1000} s`,
			);
		} finally {
			for (const cleanup of cleanups.reverse()) {
				try {
					await cleanup();
				} catch (error) {
					log(`cleanup: ${error?.message ?? error}`);
				}
			}
		}
	},
	async assert({ state, assert }) {
		assert.deepEqual(state.pageErrors, [], 'uncaught errors in the editor page');
		assert.deepEqual(state.ourConsoleErrors, [], 'console errors that mention our nodes');
		for (const name of REQUIRED_NODES)
			assert.ok(state.pickerNames.includes(name), `node picker misses ${name}: ${state.pickerNames.join(', ')}`);
		for (const file of ['node-picker.png', 'render-panel.png', 'output-mp4.png']) {
			const png = fs.readFileSync(path.join(SCREENSHOTS, file));
			assert.equal(png.subarray(1, 4).toString(), 'PNG', `${file} is a PNG`);
			assert.ok(png.length < 400 * 1024, `${file} is ${png.length} bytes`);
		}
	},
};

async function drive(ctx, cleanups) {
	const { sim, log, state, assert, runner: suiteRunner } = ctx;
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`${CHROMIUM} is missing: apt-get install --no-install-recommends chromium (.ci/run does)`);
	const { chromium, selectors } = require('playwright-core');
	state.pageErrors = [];
	state.ourConsoleErrors = [];
	state.schemaProbes = [];
	state.steps = {};
	const step = async (name, fn) => {
		const started = Date.now();
		try {
			return await fn();
		} catch (error) {
			error.message = `${state.where ?? name}: ${error.message}`;
			throw error;
		} finally {
			state.steps[name] = Date.now() - started;
			log(`editor: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
		}
	};

	// n8n as a server, in a user folder of its own (the package installed as for every runner).
	const runner = await N8nRunner.create({ quiet: true, env: suiteRunner.options?.env });
	cleanups.push(() => runner.dispose());
	const server = await step('n8n start', () => startN8nServer(runner, { echo: suiteRunner.options?.echo }));
	cleanups.push(() => server.stop());
	const owner = await server.setupOwner();
	const rest = (method, route, body) => server.rest(method, route, { body, cookie: owner.cookie });

	// What n8n loaded from the package: every node (not the generated "… Tool" variants) and operation.
	const types = await (await fetch(`${server.url}/types/nodes.json`, { headers: { cookie: owner.cookie } })).json();
	const ours = types.filter((t) => t.name.startsWith(`${PACKAGE}.`) && !/Tool$/.test(t.name));
	state.nodeNames = ours.map((t) => t.displayName).sort();
	for (const name of REQUIRED_NODES)
		assert.ok(state.nodeNames.includes(name), `n8n did not load ${name} (loaded: ${state.nodeNames.join(', ')})`);
	const panels = [];
	for (const type of ours) {
		const operation = type.properties.find((p) => p.name === 'operation' && p.type === 'options');
		const options = (operation?.options ?? []).filter((o) => o.value !== '__CUSTOM_API_CALL__');
		if (options.length === 0) panels.push({ type, operation: undefined, label: type.displayName });
		for (const o of options) panels.push({ type, operation: o, label: `${type.displayName}: ${o.name}` });
	}

	// Credentials over REST: one on the simulator (registered token), one on a port nothing listens on.
	const closedPort = await freePort();
	const closedUrl = `http://127.0.0.1:${closedPort}`;
	const good = await rest('POST', '/rest/credentials', {
		name: 'NemoVideo (simulator)',
		type: 'nemoVideoApi',
		data: { apiToken: REGISTERED_TOKEN, baseUrl: sim.url },
	});
	const closed = await rest('POST', '/rest/credentials', {
		name: 'NemoVideo (closed port)',
		type: 'nemoVideoApi',
		data: { apiToken: REGISTERED_TOKEN, baseUrl: closedUrl },
	});
	const friendly = new RegExp(`Can't reach ${escapeRegExp(closedUrl)}: nothing is listening at that address`);
	const restTest = async (cred, baseUrl) =>
		await rest('POST', '/rest/credentials/test', {
			credentials: {
				id: cred.id,
				name: cred.name,
				type: 'nemoVideoApi',
				data: { apiToken: REGISTERED_TOKEN, baseUrl },
			},
		});
	const restGood = await restTest(good, sim.url);
	assert.equal(restGood.status, 'OK', `REST credential test against the simulator: ${JSON.stringify(restGood)}`);
	const restClosed = await restTest(closed, closedUrl);
	assert.equal(restClosed.status, 'Error', JSON.stringify(restClosed));
	assert.match(restClosed.message, friendly);

	// Workflows over REST: a trigger alone (for the picker), one node per operation, and the render run.
	const cred = { nemoVideoApi: { id: good.id, name: good.name } };
	const trigger = {
		id: 'trigger',
		name: 'When clicking ‘Execute workflow’',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const pickerWf = await rest('POST', '/rest/workflows', {
		name: 'NemoVideo · node picker',
		nodes: [trigger],
		connections: {},
		settings: {},
	});
	const panelNodes = panels.map((p, i) => ({
		id: `panel-${i}`,
		name: p.label.replace(/:/g, ' ·'),
		type: p.type.name,
		typeVersion: Array.isArray(p.type.version) ? Math.max(...p.type.version) : p.type.version,
		position: [(i % 4) * 260, Math.floor(i / 4) * 200],
		parameters: p.operation ? { operation: p.operation.value } : {},
		...(usesOurCredential(p.type) ? { credentials: cred } : {}),
	}));
	panels.forEach((p, i) => (p.nodeName = panelNodes[i].name));
	const panelsWf = await rest('POST', '/rest/workflows', {
		name: 'NemoVideo · every operation',
		nodes: panelNodes,
		connections: {},
		settings: {},
	});
	const renderWf = await rest('POST', '/rest/workflows', renderWorkflow(cred));

	// The browser: Debian's chromium, a fresh profile, logged in with the owner's cookie.
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nemovideo-chromium-'));
	const unregister = onExit(() => fs.rmSync(profile, { recursive: true, force: true }));
	cleanups.push(() => {
		fs.rmSync(profile, { recursive: true, force: true });
		unregister();
	});
	selectors.setTestIdAttribute('data-test-id');
	const context = await step('chromium start', () =>
		chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_FLAGS,
			viewport: VIEWPORT,
			colorScheme: 'light',
			timeout: 60_000,
		}),
	);
	cleanups.push(() => context.close());
	context.setDefaultTimeout(60_000); // generous: CI machines are shared
	const login = await context.request.post(`${server.url}/rest/login`, {
		data: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	assert.equal(login.status(), 200, `browser login: HTTP ${login.status()}`);
	const page = context.pages()[0] ?? (await context.newPage());
	page.on('pageerror', (error) => state.pageErrors.push(`${state.where ?? ''}: ${error.message}`));
	page.on('console', (message) => {
		if (message.type() !== 'error') return;
		const where = message.location()?.url ?? '';
		const text = message.text();
		if (!/nemo ?video/i.test(`${text} ${where}`)) return;
		// n8n's schema preview asks /schemas/<node>/<version>/<operation>.json of every node; a
		// package without __schema__ files answers 404. n8n's own probe, not an error of our nodes.
		// (counted from the responses below).
		if (/^Failed to load resource: .*404/.test(text) && /\/schemas\//.test(where)) return;
		state.ourConsoleErrors.push(`${state.where ?? ''}: ${text} ${where}`.trim());
	});
	page.on('response', (response) => {
		if (response.status() === 404 && /\/schemas\/n8n-nodes-nemovideo\./.test(response.url()))
			state.schemaProbes.push(response.url());
	});
	fs.mkdirSync(SCREENSHOTS, { recursive: true });

	// 1. Node picker: "NemoVideo" finds every node of the package.
	await step('node picker', async () => {
		state.where = 'node picker';
		await page.goto(`${server.url}/workflow/${pickerWf.id}`);
		await page.getByTestId('canvas-node').first().waitFor();
		await page.getByTestId('node-creator-plus-button').click();
		const search = page.getByTestId('node-creator-search-bar');
		await search.waitFor();
		await search.fill('NemoVideo');
		const names = page.getByTestId('node-creator-item-name');
		await page
			.waitForFunction(
				(expected) => {
					const shown = [...document.querySelectorAll('[data-test-id="node-creator-item-name"]')].map((e) =>
						e.textContent.trim(),
					);
					return expected.every((n) => shown.includes(n));
				},
				state.nodeNames,
				{ timeout: 15_000 },
			)
			.catch(() => {});
		state.pickerNames = (await names.allInnerTexts()).map((n) => n.trim());
		for (const name of state.nodeNames)
			assert.ok(state.pickerNames.includes(name), `node picker shows ${state.pickerNames.join(', ')}; missing ${name}`);
		// Every node in the picture: a taller window when the list is longer than 800 px (at most 1000).
		const lastBottom = await names
			.last()
			.evaluate((e) => (e.closest('[data-test-id="node-creator-node-item"]') ?? e).getBoundingClientRect().bottom);
		if (lastBottom > VIEWPORT.height - 16)
			await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(1000, Math.ceil(lastBottom + 24)) });
		await page.mouse.move(0, 0);
		await page.screenshot({ path: path.join(SCREENSHOTS, 'node-picker.png') });
		await page.setViewportSize(VIEWPORT);
	});

	// 2. Every operation's panel opens (parameters shown, the operation selected) with no page error.
	await step(`${panels.length} operation panels`, async () => {
		await page.goto(`${server.url}/workflow/${panelsWf.id}`);
		await page.getByTestId('canvas-node').first().waitFor();
		state.panels = [];
		for (const panel of panels) {
			state.where = `panel ${panel.label}`;
			log(`editor: opening ${state.where}`);
			const errorsBefore = state.pageErrors.length + state.ourConsoleErrors.length;
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${panel.nodeName}"]`).dblclick();
			const ndv = page.getByTestId('ndv');
			await ndv.getByTestId('node-parameters').waitFor();
			if (panel.operation) {
				const shown = await ndv.getByTestId('parameter-input-operation').locator('input').inputValue();
				assert.equal(shown, panel.operation.name, `${panel.label}: the Operation field shows "${shown}"`);
			}
			const parameters = await ndv.getByTestId('node-parameters').getByTestId('parameter-item').count();
			assert.ok(parameters >= 1, `${panel.label}: no parameters shown`);
			if (usesOurCredential(panel.type)) await ndv.getByTestId('credentials-label').first().waitFor();
			await page.waitForTimeout(200); // let late errors of the panel's rendering arrive
			state.panels.push({
				panel: panel.label,
				parameters,
				errors: state.pageErrors.length + state.ourConsoleErrors.length - errorsBefore,
			});
			await page.getByTestId('ndv-close-button').click();
			await ndv.waitFor({ state: 'hidden' });
		}
	});

	// 3. The credential's Test button ("Retry" once a test ran): passes on the simulator, fails on a
	//    closed port with the friendly text; the dark theme shows the dark icon.
	await step('credential test in the form', async () => {
		state.where = 'credential form (simulator)';
		await page.goto(`${server.url}/home/credentials/${good.id}`);
		let modal = page.getByTestId('editCredential-modal');
		await modal.getByTestId('credentials-config-container-test-success').waitFor();
		await modal.getByRole('button', { name: 'Retry' }).click();
		await modal.getByTestId('credentials-config-container-test-success').waitFor();

		state.where = 'credential form (closed port, dark theme)';
		await page.goto(`${server.url}/home/credentials/${closed.id}?theme=dark`);
		modal = page.getByTestId('editCredential-modal');
		await modal.getByRole('button', { name: 'Retry' }).click();
		await modal.getByText('Couldn’t connect with these settings').waitFor();
		await modal.getByText('More details').click();
		await modal.getByText(friendly).waitFor();
		state.credentialError = (await modal.getByText(friendly).innerText()).trim();
		const icon = modal.locator('img[src*="/icons/n8n-nodes-nemovideo/"]').first();
		await icon.waitFor();
		state.darkIcon = await icon.evaluate((img) => ({
			src: img.getAttribute('src'),
			loaded: img.complete && img.naturalWidth > 0,
		}));
		assert.match(
			state.darkIcon.src,
			/credentials\/nemovideo\.dark\.svg$/,
			'dark theme: the credential form header shows the dark icon',
		);
		assert.ok(state.darkIcon.loaded, `${state.darkIcon.src} did not load`);
	});

	// 4. A filled Render panel, then the workflow executed in the editor and the MP4 in the output panel.
	await step('render workflow in the editor', async () => {
		state.where = 'render workflow';
		await page.goto(`${server.url}/workflow/${renderWf.id}`);
		const renderNode = page.locator('[data-test-id="canvas-node"][data-node-name="Render MP4"]');
		await renderNode.dblclick();
		const ndv = page.getByTestId('ndv');
		await ndv.getByTestId('parameter-input-operation').waitFor();
		assert.equal(await ndv.getByTestId('parameter-input-operation').locator('input').inputValue(), 'Render');
		await page.mouse.move(0, VIEWPORT.height - 1);
		await page.screenshot({ path: path.join(SCREENSHOTS, 'render-panel.png') });
		await page.getByTestId('ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });

		const started = Date.now();
		await page.getByTestId('execute-workflow-button').click();
		const done = page.locator(
			'[data-test-id="canvas-node"][data-node-name="Render MP4"] [data-test-id="canvas-node-status-success"], [data-test-id="canvas-node-status-error"]',
		);
		await done.first().waitFor({ timeout: RUN_TIMEOUT_MS });
		state.runMs = Date.now() - started;
		const failedNodes = await page
			.locator('[data-test-id="canvas-node"]:has([data-test-id="canvas-node-status-error"])')
			.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node-name')));
		assert.deepEqual(failedNodes, [], 'nodes that failed in the editor run');

		await renderNode.dblclick();
		const output = page.getByTestId('output-panel');
		await output.getByTestId('ndv-binary-data_0').waitFor();
		const binary = await output.getByTestId('ndv-binary-data_0').innerText();
		assert.match(binary, /video\/mp4/, `output panel binary: ${binary}`);
		assert.match(binary, /\.mp4\b/, `output panel binary: ${binary}`);
		state.outputBinary = binary.replace(/\s+/g, ' ').trim();
		await dismissToasts(page);
		await page.mouse.move(0, VIEWPORT.height - 1);
		await page.screenshot({ path: path.join(SCREENSHOTS, 'output-mp4.png') });
	});
	const renders = (await sim.log()).filter(
		(e) => e.method === 'POST' && /^\/api\/render\/proxy\/lambda\/?$/.test(e.path) && e.status === 200,
	);
	assert.ok(renders.length >= 1, 'the simulator saw no render request from the editor run');
	state.where = undefined;
	log(
		`editor: ${state.panels.length} panels, picker: ${state.pickerNames.join(', ')}; ${state.schemaProbes.length} schema-preview 404(s) ignored; run ${(state.runMs / 1000).toFixed(1)} s; ${state.outputBinary}`,
	);
}

function usesOurCredential(type) {
	return (type.credentials ?? []).some((c) => c.name === 'nemoVideoApi');
}

/** Manual Trigger → Create Session → Read Photos (examples/images/product-*.jpg) → Upload → Edit → Render MP4. */
function renderWorkflow(cred) {
	const sessionId = "={{ $('Create Session').first().json.sessionId }}";
	const nodes = [
		{
			id: 'trigger',
			name: 'When clicking ‘Execute workflow’',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'session',
			name: 'Create Session',
			type: `${PACKAGE}.nemoVideoSession`,
			typeVersion: 1,
			position: [220, 0],
			parameters: { operation: 'create', taskName: 'product slideshow' },
			credentials: cred,
		},
		{
			id: 'read',
			name: 'Read Photos',
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1.1,
			position: [440, 0],
			parameters: { fileSelector: path.join(IMAGES, 'product-*.jpg'), options: {} },
		},
		{
			id: 'upload',
			name: 'Upload Photos',
			type: `${PACKAGE}.nemoVideoUpload`,
			typeVersion: 1,
			position: [660, 0],
			parameters: {
				operation: 'upload',
				sessionId,
				source: 'binary',
				binaryFields: 'named',
				binaryPropertyName: 'data',
				options: { combineItems: true },
			},
			credentials: cred,
		},
		{
			id: 'edit',
			name: 'Describe the Video',
			type: `${PACKAGE}.nemoVideoEdit`,
			typeVersion: 1,
			position: [880, 0],
			executeOnce: true,
			parameters: {
				operation: 'sendPrompt',
				sessionId,
				prompt: 'Convert these five product photos into a 1080p MP4 slideshow with smooth transitions',
				options: {},
			},
			credentials: cred,
		},
		{
			id: 'render',
			name: 'Render MP4',
			type: `${PACKAGE}.nemoVideoExport`,
			typeVersion: 1,
			position: [1100, 0],
			parameters: {
				operation: 'render',
				sessionId,
				waitForCompletion: true,
				output: 'both',
				options: { quality: 'high' },
			},
			credentials: cred,
		},
	];
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { name: 'NemoVideo · product photos to MP4', nodes, connections, settings: {} };
}

async function dismissToasts(page) {
	for (const close of await page.locator('.el-notification .el-notification__closeBtn').all())
		await close.click().catch(() => {});
	await page
		.locator('.el-notification')
		.first()
		.waitFor({ state: 'hidden', timeout: 5000 })
		.catch(() => {});
}

function withTimeout(promise, ms, message) {
	let timer;
	return Promise.race([
		promise,
		new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
	]).finally(() => clearTimeout(timer));
}

function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
