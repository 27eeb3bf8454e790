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
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { onExit } = require('./processes');
const { defaultLog, Timings } = require('./timings');
const {
	REPO_ROOT,
	DEFAULT_EXECUTE_TIMEOUT_MS,
	processTimings,
	prepare,
	ensureN8n,
	runN8n,
	tail,
} = require('./prepare');
const {
	CREDENTIAL_TYPE,
	newWorkflowId,
	newCredentialId,
	bindCredentials,
	normalizeWorkflow,
	readJsonFile,
} = require('./workflows');
const { parseExecuteStdout, toResult } = require('./results');
const { startN8nServer, N8nServer } = require('./server');

/** @typedef {import('./results').RunResult} RunResult */

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
		if (!fs.existsSync(path.join(userFolder, '.n8n', 'database.sqlite')))
			throw new Error(`${userFolder} has no n8n database`);
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
				fs.cpSync(path.join(this.prepared.templateUserFolder, '.n8n', entry), path.join(this.n8nFolder, entry), {
					recursive: true,
				});
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
		const main =
			records.find((r) => r.workflowId === workflowId && r.mode === 'cli') ??
			records.find((r) => r.workflowId === workflowId);
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
		result.subExecutions = records
			.filter((r) => r !== main)
			.map((r) =>
				toResult(r.run, {
					storagePath: this.storagePath,
					executionId: r.executionId,
					workflowId: r.workflowId,
					captured: true,
				}),
			);
		if (command.timedOut)
			result.error ??= {
				message: `n8n execute did not finish within ${options.timeoutMs ?? DEFAULT_EXECUTE_TIMEOUT_MS} ms and was stopped`,
			};
		if (!run)
			result.error ??= {
				message: `n8n execute printed no run data (exit ${command.code})`,
				description: tail(command.stdout + command.stderr),
			};
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
			if (result.code !== 0)
				throw new Error(`n8n export:credentials failed (exit ${result.code}):\n${tail(result.stdout + result.stderr)}`);
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

module.exports = {
	N8nRunner,
	startN8nServer,
	N8nServer,
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
