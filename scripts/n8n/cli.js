#!/usr/bin/env node
'use strict';
/**
 * Command line for the real-n8n runner (see scripts/n8n/README.md).
 *
 *   node scripts/n8n/cli.js install
 *   node scripts/n8n/cli.js pack [--no-build]
 *   node scripts/n8n/cli.js run <workflow.json>... [--simulator [--sim-arg=--seed --sim-arg=7]]
 *        [--credentials=<file.json>] [--base-url=URL] [--client-id=ID] [--api-token=T] [--skill-source=S]
 *        [--runs=N] [--user-folder=DIR] [--keep] [--no-build] [--echo] [--json] [--show-credentials]
 *   node scripts/n8n/cli.js credentials --user-folder=DIR
 *   node scripts/n8n/cli.js n8n --user-folder=DIR -- <n8n arguments>
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { N8nRunner, ensureN8n, prepare, processTimings, CREDENTIAL_TYPE } = require('./index');
const { startSimulator } = require('./simulator');

function parseArgs(argv) {
	const flags = { _: [], simArg: [], rest: [] };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--') {
			flags.rest = argv.slice(i + 1);
			break;
		}
		if (!arg.startsWith('--')) {
			flags._.push(arg);
			continue;
		}
		let [name, value] = arg.slice(2).split(/=(.*)/s, 2);
		name = name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
		if (name.startsWith('no') && name.length > 2 && value === undefined) {
			flags[name[2].toLowerCase() + name.slice(3)] = false;
			continue;
		}
		const takesValue = [
			'credentials',
			'baseUrl',
			'clientId',
			'apiToken',
			'skillSource',
			'runs',
			'userFolder',
			'simArg',
			'timeout',
		].includes(name);
		if (takesValue && value === undefined) value = argv[++i];
		if (name === 'simArg') flags.simArg.push(value);
		else flags[name] = takesValue ? value : true;
	}
	return flags;
}

function usage() {
	const text = fs.readFileSync(__filename, 'utf8').split('\n');
	const start = text.findIndex((l) => l.startsWith('/**'));
	const end = text.findIndex((l, i) => i > start && l.startsWith(' */'));
	return text
		.slice(start + 1, end)
		.map((l) => l.replace(/^ \* ?/, ''))
		.join('\n');
}

function compact(value, max = 400) {
	const text = JSON.stringify(value);
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

function printResult(label, result) {
	const out = [];
	out.push(
		`${label}: ${result.ok ? 'SUCCESS' : 'FAILED'} (status ${result.status}, exit ${result.exitCode}, ${((result.ms ?? 0) / 1000).toFixed(1)} s, execution ${result.executionId ?? '?'})`,
	);
	if (result.error)
		out.push(
			`  error: ${result.error.message}${result.error.node ? ` [node ${result.error.node}]` : ''}${result.error.description ? ` - ${result.error.description}` : ''}`,
		);
	for (const [name, node] of Object.entries(result.nodes)) {
		out.push(
			`  ${node.status === 'success' ? '✓' : '✗'} ${name}: ${node.items.length} item(s)${node.error ? `, error: ${node.error.message}` : ''}`,
		);
		node.items.slice(0, 3).forEach((item, i) => {
			out.push(`      [${i}] json ${compact(item.json)}`);
			for (const [prop, b] of Object.entries(item.binary ?? {})) {
				out.push(
					`      [${i}] binary.${prop}: ${b.fileName ?? '?'} ${b.mimeType ?? ''} ${b.bytes ?? b.inlineBytes ?? '?'} bytes, ${b.storage}${b.path ? ` at ${b.path}${b.exists ? '' : ' (missing)'}` : ''}`,
				);
			}
		});
		if (node.items.length > 3) out.push(`      … ${node.items.length - 3} more`);
	}
	process.stderr.write(`${out.join('\n')}\n`);
}

async function cmdRun(flags) {
	if (flags._.length === 0) throw new Error('run: give at least one workflow JSON file');
	let simulator;
	const runner = await N8nRunner.create({
		build: flags.build,
		userFolder: flags.userFolder,
		keep: flags.keep,
		echo: flags.echo,
	});
	const results = [];
	try {
		/** @type {Record<string, {id: string, name: string}>} */
		let bind;
		if (flags.credentials) {
			const list = JSON.parse(fs.readFileSync(path.resolve(flags.credentials), 'utf8'));
			const imported = await runner.importCredentials(list);
			const ours = imported.find((c) => c.type === CREDENTIAL_TYPE);
			if (ours && imported.filter((c) => c.type === CREDENTIAL_TYPE).length === 1) bind = { [CREDENTIAL_TYPE]: ours };
		}
		if (flags.simulator || flags.baseUrl || flags.apiToken) {
			if (flags.simulator) {
				simulator = await startSimulator({ args: flags.simArg });
				process.stderr.write(`[n8n-runner] simulator ${simulator.url} (pid ${simulator.pid})\n`);
			}
			const data = {
				apiToken: flags.apiToken ?? '',
				baseUrl: flags.baseUrl ?? simulator?.url,
				clientId: flags.clientId ?? crypto.randomUUID(),
				skillSource: flags.skillSource ?? 'picture-to-video',
				skillVersion: '1.0.0',
				skillPlatform: 'n8n',
			};
			const [credential] = await runner.importCredentials([
				{ name: 'NemoVideo (runner)', type: CREDENTIAL_TYPE, data },
			]);
			bind = { [CREDENTIAL_TYPE]: credential };
			process.stderr.write(
				`[n8n-runner] credential ${credential.id}: ${data.apiToken ? 'API token' : `anonymous, client ${data.clientId}`}, ${data.baseUrl}\n`,
			);
		}
		const runs = Number(flags.runs ?? 1);
		for (const file of flags._) {
			const id = await runner.importWorkflow(path.resolve(file), { credentials: bind });
			for (let i = 1; i <= runs; i++) {
				const result = await runner.execute(id, {
					timeoutMs: flags.timeout ? Number(flags.timeout) * 1000 : undefined,
				});
				printResult(`${file}${runs > 1 ? ` run ${i}/${runs}` : ''}`, result);
				results.push({
					file,
					run: i,
					...result,
					stdout: undefined,
					stderr: undefined,
					raw: flags.json ? result.raw : undefined,
				});
			}
		}
		if (simulator) {
			const tokens = await simulator.tokens();
			process.stderr.write(`[n8n-runner] simulator anonymous tokens issued: ${JSON.stringify(tokens)}\n`);
		}
		let credentials;
		if (flags.showCredentials) {
			credentials = await runner.exportCredentials();
			for (const c of credentials)
				process.stderr.write(`[n8n-runner] stored credential ${c.id} (${c.type}): ${JSON.stringify(c.data)}\n`);
		}
		if (flags.json)
			process.stdout.write(`${JSON.stringify({ results, credentials, userFolder: runner.userFolder }, null, 2)}\n`);
		process.stderr.write(`${runner.formatTimings()}\n`);
	} finally {
		await simulator?.stop();
		await runner.dispose();
	}
	return results.every((r) => r.ok) ? 0 : 1;
}

async function main() {
	const [command, ...rest] = process.argv.slice(2);
	const flags = parseArgs(rest);
	switch (command) {
		case 'install': {
			const install = await ensureN8n();
			process.stdout.write(`${install.dir}\n`);
			return 0;
		}
		case 'pack': {
			const prepared = await prepare({ build: flags.build, keepTemp: true });
			process.stderr.write(`${processTimings.format('timings')}\n`);
			process.stdout.write(`${prepared.tarball}\n`);
			return 0;
		}
		case 'run':
			return await cmdRun(flags);
		case 'credentials': {
			if (!flags.userFolder)
				throw new Error('credentials: --user-folder=DIR is required (a folder kept by run --keep or --user-folder)');
			const runner = await N8nRunner.attach(flags.userFolder, { quiet: true });
			process.stdout.write(`${JSON.stringify(await runner.exportCredentials(), null, 2)}\n`);
			return 0;
		}
		case 'n8n': {
			if (!flags.userFolder) throw new Error('n8n: --user-folder=DIR is required');
			const runner = await N8nRunner.attach(flags.userFolder, { quiet: true, echo: true });
			const result = await runner.n8n(flags.rest);
			return result.code ?? 1;
		}
		default:
			process.stderr.write(`${usage()}\n`);
			return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
	}
}

main().then(
	(code) => process.exit(code),
	(error) => {
		process.stderr.write(`[n8n-runner] ${error?.stack ?? error}\n`);
		process.exit(1);
	},
);
