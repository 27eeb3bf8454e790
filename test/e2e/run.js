#!/usr/bin/env node
'use strict';
/**
 * End-to-end checks in a real n8n 2.41.1 (npm run test:e2e).
 *
 *   node test/e2e/run.js [filter...] [--no-build] [--keep] [--echo] [--list]
 *
 * Installs n8n if needed, builds and packs the package, installs it into one temporary n8n user
 * folder for the whole suite, starts the NemoVideo simulator, then runs every check in
 * test/e2e/checks/ (or those whose file or name contains a filter). Ends with `N passed, M failed`
 * and exits non-zero when anything failed.
 */
const path = require('node:path');

const { N8nRunner } = require('../../scripts/n8n');
const { startSimulator } = require('../../scripts/n8n/simulator');
const { loadChecks, prepareChecks, runCheck, describeFailure } = require('./lib/suite');

function log(message) {
	process.stderr.write(`[e2e] ${message}\n`);
}

async function main() {
	const argv = process.argv.slice(2);
	const flags = new Set(argv.filter((a) => a.startsWith('--')));
	const filters = argv.filter((a) => !a.startsWith('--'));
	const checks = loadChecks(filters);
	if (flags.has('--list')) {
		for (const c of checks) process.stdout.write(`${path.basename(c.file)}  ${c.name}\n`);
		return 0;
	}
	if (checks.length === 0) {
		process.stdout.write('no checks matched\n0 passed, 0 failed\n');
		return 1;
	}

	let runner;
	let sim;
	let passed = 0;
	let failed = 0;
	const suiteStarted = Date.now();
	try {
		try {
			runner = await N8nRunner.create({
				build: flags.has('--no-build') ? false : undefined,
				keep: flags.has('--keep'),
				echo: flags.has('--echo'),
			});
			sim = await startSimulator();
			log(`simulator ${sim.url} (pid ${sim.pid})`);
		} catch (error) {
			process.stdout.write(`✘ setup: ${error?.stack ?? error}\n`);
			failed = checks.length;
			return 1;
		}
		const entries = await prepareChecks(checks, { runner, sim });
		for (const entry of entries) {
			const { check } = entry;
			log(`running ${check.file}: ${check.name}`);
			const outcome = await runCheck(entry, { runner, sim, log });
			const seconds = (outcome.ms / 1000).toFixed(1);
			if (outcome.ok) {
				passed++;
				process.stdout.write(`✔ ${check.name} (${path.basename(check.file)}, ${seconds} s)\n`);
			} else {
				failed++;
				process.stdout.write(
					`✘ ${check.name} (${path.basename(check.file)}, ${seconds} s)\n  ${describeFailure(outcome)}\n`,
				);
			}
		}
	} finally {
		await sim?.stop();
		if (runner) {
			process.stderr.write(`${runner.formatTimings()}\n`);
			await runner.dispose();
		}
		log(`suite took ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s`);
		process.stdout.write(`${passed} passed, ${failed} failed\n`);
	}
	return failed === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error) => {
		process.stderr.write(`${error?.stack ?? error}\n`);
		process.stdout.write('0 passed, 1 failed\n');
		process.exit(1);
	},
);
