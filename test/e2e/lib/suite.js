'use strict';
/**
 * The e2e suite: each check in test/e2e/checks/*.js runs one workflow (one or more `n8n execute`
 * runs) in a real n8n against the simulator, then asserts on the results. A check module exports:
 *
 *   module.exports = {
 *     name: 'what it proves',
 *     workflow: 'examples/picture-to-video.json',  // repo-relative path, a workflow object, or (ctx) => object
 *     credentials: 'anonymous',    // 'anonymous' (empty API Token, fresh Client ID) | 'registered'
 *                                  // (API Token nmv_sk_simulator) | 'none' | { mode, ...credential field overrides }
 *     runs: 1,                     // separate `n8n execute` runs of the same imported workflow
 *     simulator: { config: {}, faults: [] },  // optional: POST /__sim/config and /__sim/faults after the reset
 *     beforeRun: async (ctx, run) => {},      // optional, before each run (0-based), e.g. expire a token
 *     expectFailure: false,        // true: runs may fail (assert inspects result.error)
 *     timeoutMs: 300000,           // per execution
 *     async assert(ctx) {},        // throw (node:assert) to fail; see CheckContext below
 *   };
 *
 * A check that needs something other than `n8n execute` (e.g. the editor of an `n8n start` server)
 * exports `run(ctx)` instead of `workflow`: the suite then imports nothing for it, calls `run` once
 * (ctx has `sim`, `runner`, `state`, `assert`, `log`; `results` stays empty) and then `assert(ctx)`.
 * `run` must stop everything it starts, also when it throws.
 */
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { CREDENTIAL_TYPE, REPO_ROOT, newCredentialId, newWorkflowId } = require('../../../scripts/n8n');

const CHECKS_DIR = path.join(__dirname, '..', 'checks');
const REGISTERED_TOKEN = 'nmv_sk_simulator';

function loadChecks(filters = []) {
	return fs
		.readdirSync(CHECKS_DIR)
		.filter((f) => f.endsWith('.js'))
		.sort()
		.map((f) => {
			const check = require(path.join(CHECKS_DIR, f));
			check.file = `test/e2e/checks/${f}`;
			for (const key of ['name', 'assert']) {
				if (!check[key]) throw new Error(`${check.file}: a check must export "${key}"`);
			}
			if (!check.workflow && typeof check.run !== 'function')
				throw new Error(`${check.file}: a check must export "workflow" or "run"`);
			return check;
		})
		.filter(
			(c) =>
				filters.length === 0 ||
				filters.some((needle) => `${c.file} ${c.name}`.toLowerCase().includes(needle.toLowerCase())),
		);
}

/** The plain credential data for a check's credentials mode, pointing at the simulator. */
function credentialData(spec, sim) {
	const { mode = 'anonymous', ...overrides } = typeof spec === 'string' ? { mode: spec } : (spec ?? {});
	if (mode === 'none') return undefined;
	if (mode !== 'anonymous' && mode !== 'registered') throw new Error(`unknown credentials mode "${mode}"`);
	return {
		apiToken: mode === 'registered' ? REGISTERED_TOKEN : '',
		baseUrl: sim.url,
		clientId: crypto.randomUUID(),
		// Customized, so the checks can see the credential's own attribution values reach the service.
		customizeAttribution: true,
		skillSource: 'picture-to-video',
		skillVersion: '1.0.0',
		skillPlatform: 'n8n-e2e',
		...overrides,
	};
}

/**
 * @typedef {object} CheckContext
 * @property {import('../../../scripts/n8n').RunResult[]} results   one per run, in order
 * @property {import('../../../scripts/n8n').RunResult} result      the last run
 * @property {(node: string, run?: number) => object[]} json          json of a node's items (last run by default)
 * @property {(node: string, run?: number) => object[]} items         items (json + binary metadata and file path)
 * @property {import('../../../scripts/n8n/simulator').Simulator} sim
 * @property {{id: string, name: string, type: string, data: object} | undefined} credential   as imported (plain data)
 * @property {string | undefined} clientId
 * @property {() => Promise<object|undefined>} storedCredential      decrypted, as n8n stores it now (~3 s)
 * @property {import('../../../scripts/n8n').N8nRunner} runner
 * @property {object} state                                          shared between beforeRun and assert
 * @property {typeof assert} assert
 */

/**
 * Creates every check's credential and workflow, then imports them all with two n8n commands (each
 * n8n command costs ~3 s). Returns one entry per check: { check, credential, clientId, workflowId, error }.
 */
async function prepareChecks(checks, { runner, sim }) {
	const entries = [];
	for (const check of checks) {
		const entry = { check, state: {} };
		entries.push(entry);
		if (check.run && !check.workflow) continue; // drives n8n itself (see run(ctx) above)
		try {
			const data = credentialData(check.credentials ?? 'anonymous', sim);
			if (data)
				entry.credential = {
					id: newCredentialId(),
					name: `NemoVideo e2e (${path.basename(check.file)})`,
					type: CREDENTIAL_TYPE,
					data,
				};
			entry.clientId = data?.clientId;
			const workflow =
				typeof check.workflow === 'function'
					? await check.workflow(baseContext(entry, { runner, sim }))
					: check.workflow;
			entry.workflow =
				typeof workflow === 'string'
					? JSON.parse(fs.readFileSync(path.resolve(REPO_ROOT, workflow), 'utf8'))
					: workflow;
			if (!Array.isArray(entry.workflow?.nodes)) throw new Error(`${check.file}: the workflow has no "nodes" array`);
		} catch (error) {
			entry.error = error;
		}
	}
	const ready = entries.filter((e) => !e.error && e.workflow);
	try {
		const credentials = ready.filter((e) => e.credential).map((e) => e.credential);
		if (credentials.length) await runner.importCredentials(credentials);
		const ids = ready.length
			? await runner.importWorkflows(
					// a fresh id each: two checks may share one workflow file (and its id)
					ready.map((e) => ({
						workflow: e.workflow,
						id: newWorkflowId(),
						credentials: e.credential ? { [CREDENTIAL_TYPE]: e.credential } : undefined,
					})),
				)
			: [];
		ready.forEach((e, i) => (e.workflowId = ids[i]));
	} catch (error) {
		for (const e of ready) e.error = error;
	}
	return entries;
}

function baseContext(entry, { runner, sim }) {
	return { sim, runner, assert, credential: entry.credential, clientId: entry.clientId, state: entry.state };
}

/** Runs one prepared check in the suite's n8n user folder. Returns { ok, ms, error?, results }. */
async function runCheck(entry, { runner, sim, log }) {
	const { check } = entry;
	const started = Date.now();
	const results = [];
	try {
		if (entry.error) throw entry.error;
		await sim.restore();
		if (check.simulator?.config) await sim.configure(check.simulator.config);
		if (check.simulator?.faults) await sim.faults(check.simulator.faults);
		const partial = {
			...baseContext(entry, { runner, sim }),
			results,
			log,
			storedCredential: () => stored(runner, entry.credential),
		};
		if (check.run && !check.workflow) {
			await check.run(partial);
		} else {
			for (let i = 0; i < (check.runs ?? 1); i++) {
				if (check.beforeRun) await check.beforeRun(partial, i);
				const result = await runner.execute(entry.workflowId, { timeoutMs: check.timeoutMs });
				results.push(result);
				if (!check.expectFailure && !result.ok) throw new RunFailed(i + 1, result);
			}
		}
		const pick = (node, run) => {
			const result = results[run ?? results.length - 1];
			const found = result?.nodes[node];
			if (!found)
				throw new assert.AssertionError({
					message: `node "${node}" did not run (ran: ${Object.keys(result?.nodes ?? {}).join(', ')})`,
				});
			return found.items;
		};
		/** @type {CheckContext} */
		const ctx = {
			...partial,
			result: results[results.length - 1],
			items: pick,
			json: (node, run) => pick(node, run).map((item) => item.json),
		};
		await check.assert(ctx);
		return { ok: true, ms: Date.now() - started, results };
	} catch (error) {
		if (results.length) log?.(`simulator stderr (last lines):\n${sim.stderrTail(15)}`);
		return { ok: false, ms: Date.now() - started, error, results };
	}
}

async function stored(runner, credential) {
	return credential ? await runner.getCredential(credential.id) : undefined;
}

class RunFailed extends Error {
	constructor(run, result) {
		const where = result.error?.node ? ` in node "${result.error.node}"` : '';
		super(
			`run ${run} failed${where}: ${result.error?.message ?? result.status}${result.error?.description ? ` (${result.error.description})` : ''}`,
		);
		this.result = result;
	}
}

/** Printable details of a failed check. */
function describeFailure(outcome) {
	const lines = [String(outcome.error?.message ?? outcome.error)];
	const failed = outcome.error?.result ?? outcome.results.find((r) => !r.ok);
	if (failed) {
		for (const [name, node] of Object.entries(failed.nodes)) {
			lines.push(
				`    ${node.status === 'success' ? '✓' : '✗'} ${name}: ${node.items.length} item(s)${node.error ? `: ${node.error.message}` : ''}`,
			);
		}
		if (!failed.raw || failed.exitCode !== 0)
			lines.push(
				'    n8n output (tail):',
				...failed.stdout
					.trim()
					.split('\n')
					.slice(-15)
					.map((l) => `      ${l}`),
			);
	} else if (outcome.error?.stack && !(outcome.error instanceof assert.AssertionError)) {
		lines.push(outcome.error.stack);
	}
	return lines.join('\n');
}

module.exports = { loadChecks, prepareChecks, runCheck, credentialData, describeFailure, REGISTERED_TOKEN };
