#!/usr/bin/env node
/**
 * node dist/simulator/cli.js [--port 0] [--seed 1] [--render-ms 1500] ...   (one --kebab-case flag per SimulatorOptions field)
 * Prints exactly one stdout line: `NemoVideo simulator listening on http://127.0.0.1:<port>`; request lines go to stderr.
 */
import { startSimulator, type SimulatorOptions } from './index';

const NUMBER_FLAGS = [
	'port',
	'seed',
	'anonymousCredits',
	'registeredCredits',
	'editCost',
	'generateCost',
	'silentEditRate',
	'editDurationMs',
	'generationMs',
	'heartbeatIntervalMs',
	'renderMs',
	'maxUploadBytes',
	'renderOutputBytes',
	'nextEditStreamBytes',
	'anonymousTokensPerIpPerHour',
];
const STRING_FLAGS = [
	'renderUrlStyle',
	'userIdInSession',
	'failNextRender',
	'editDialect',
	'tokenRejection',
	'renderFrom',
];
const BOOLEAN_FLAGS = ['quiet'];
const LIST_FLAGS = ['registeredTokens'];

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function parseArgs(argv: string[]): SimulatorOptions {
	const out: Record<string, unknown> = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') {
			process.stdout.write(
				`usage: cli.js ${[...NUMBER_FLAGS, ...STRING_FLAGS, ...LIST_FLAGS].map((f) => `[--${f.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} X]`).join(' ')} [--quiet]\n`,
			);
			process.exit(0);
		}
		if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
		let [name, value] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
		name = camel(name);
		if (BOOLEAN_FLAGS.includes(name)) {
			out[name] = value === undefined ? true : value !== 'false';
			continue;
		}
		if (value === undefined) value = argv[++i];
		if (value === undefined) throw new Error(`--${name} needs a value`);
		if (NUMBER_FLAGS.includes(name)) {
			const n = Number(value);
			if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
			out[name] = n;
		} else if (STRING_FLAGS.includes(name)) out[name] = value;
		else if (LIST_FLAGS.includes(name))
			out[name] = value
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
		else throw new Error(`unknown option --${name}`);
	}
	return out as SimulatorOptions;
}

async function main(): Promise<void> {
	let options: SimulatorOptions;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`${(e as Error).message}\n`);
		process.exit(2);
	}
	// from the command line (the demo, the e2e suite) renders show the uploaded images when ffmpeg is there
	const sim = await startSimulator({ renderFrom: 'uploads', ...options });
	process.stdout.write(`NemoVideo simulator listening on ${sim.url}\n`);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		sim.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

if (require.main === module) {
	main().catch((e) => {
		process.stderr.write(`${(e as Error).stack ?? e}\n`);
		process.exit(1);
	});
}
