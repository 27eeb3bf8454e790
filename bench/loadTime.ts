/**
 * npm run bench:load [-- --runs 11 --dist dist]
 *
 * What the package adds to n8n's start: in a fresh Node process, n8n-workflow is loaded first (n8n
 * has it loaded anyway), then every built node (`dist/nodes/*\/*.node.js`) and the credential are
 * required, as n8n's loader does, and that second step is timed. Several processes, median (and
 * min/max). Also lists which heavy dependencies got loaded with the nodes: they should load on
 * first use (a request, an upload, an edit stream, a render download, a HEIC photo), not here.
 * Needs `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = join(__dirname, '..');
const HEAVY = ['undici', 'form-data', 'eventsource-parser', 'mp4box', 'heic-convert'];

interface Run {
	workflowMs: number;
	packageMs: number;
	heavy: string[];
	files: number;
}

function builtFiles(dist: string): string[] {
	const nodes = join(dist, 'nodes');
	if (!existsSync(nodes)) throw new Error('dist/nodes is missing: run npm run build first');
	const files = readdirSync(nodes, { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.flatMap((entry) =>
			readdirSync(join(nodes, entry.name))
				.filter((name) => name.endsWith('.node.js'))
				.map((name) => join(nodes, entry.name, name)),
		);
	const credentials = join(dist, 'credentials');
	for (const name of readdirSync(credentials))
		if (name.endsWith('.credentials.js')) files.push(join(credentials, name));
	return files;
}

/** The child: times `require` of n8n-workflow, then of every file; reports the heavy modules the files added to the cache. */
const CHILD = `
const files = JSON.parse(process.argv[1]);
const heavy = JSON.parse(process.argv[2]);
const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;
let start = process.hrtime.bigint();
require('n8n-workflow');
const workflowMs = ms(start);
const before = new Set(Object.keys(require.cache));
start = process.hrtime.bigint();
for (const file of files) require(file);
const packageMs = ms(start);
const added = Object.keys(require.cache).filter((path) => !before.has(path));
const loaded = heavy.filter((name) => added.some((path) => path.includes('/node_modules/' + name + '/')));
const own = added.filter((path) => !path.includes('/node_modules/')).length;
process.stdout.write(JSON.stringify({ workflowMs, packageMs, heavy: loaded, files: own }));
`;

function run(files: string[]): Run {
	const out = execFileSync(process.execPath, ['-e', CHILD, JSON.stringify(files), JSON.stringify(HEAVY)], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	return JSON.parse(out) as Run;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function main(): void {
	const option = (name: string) => {
		const at = process.argv.indexOf(name);
		return at > 0 ? process.argv[at + 1] : undefined;
	};
	const runs = Number(option('--runs') ?? 11);
	const files = builtFiles(resolve(ROOT, option('--dist') ?? 'dist'));
	run(files); // warm the file system cache
	const results = Array.from({ length: runs }, () => run(files));
	const packageMs = results.map((result) => result.packageMs);
	const workflowMs = results.map((result) => result.workflowMs);
	const fmt = (value: number) => value.toFixed(1);
	console.log(
		`Load time: ${files.length} files (nodes + credential), ${runs} fresh processes, Node ${process.version}, ${cpus().length} cores, load average ${loadavg()
			.map((value) => value.toFixed(2))
			.join(' ')}`,
	);
	console.log(`| step | median ms | min | max |`);
	console.log(`|---|---|---|---|`);
	console.log(
		`| n8n-workflow (loaded by n8n anyway) | ${fmt(median(workflowMs))} | ${fmt(Math.min(...workflowMs))} | ${fmt(Math.max(...workflowMs))} |`,
	);
	console.log(
		`| the package over n8n-workflow | ${fmt(median(packageMs))} | ${fmt(Math.min(...packageMs))} | ${fmt(Math.max(...packageMs))} |`,
	);
	console.log(
		`package modules loaded: ${results[0].files}; heavy dependencies loaded with the nodes (beyond n8n-workflow's own): ${results[0].heavy.join(', ') || 'none'}`,
	);
	console.log(`target: < 30 ms over n8n-workflow: ${median(packageMs) < 30 ? 'met' : 'not met'}`);
}

main();
