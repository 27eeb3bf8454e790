/**
 * npm run bench:upload [-- --mib 200 --rounds 3 --chunk-kib 256]
 *
 * Uploads one file of 200 MiB (random content behind a PNG header, made in a temp folder) to the
 * simulator on loopback, in one run, four ways:
 *   - NemoVideo Upload node: a real workflow run by n8n-core's WorkflowExecute (Manual Trigger →
 *     harness "Binary From File", which streams the file into n8n's filesystem binary store →
 *     NemoVideo Upload, which streams it from the store to the socket: form-data over undici);
 *   - curl -F files=@file, the same endpoint and token (the reference);
 *   - n8n's own helper `this.helpers.httpRequest` (axios) with a form-data body streamed from the
 *     same binary store, as a node author would write it; once as is, once with
 *     `disableFollowRedirect: true` (its redirect layer buffers request bodies).
 * The simulator runs in a child process, so its parsing and disk writes are not in this process.
 * Each upload's window is the simulator's request log entry (headers received → response closed):
 * throughput = file bytes / that window; RSS growth = this process's peak RSS sampled every 5 ms
 * inside the window, minus its RSS just before the window. Rounds are interleaved; the table shows
 * medians for throughput and the largest RSS growth seen.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

import FormData from 'form-data';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { NemoVideoApi } from '../credentials/NemoVideoApi.credentials';
import type { NemoVideoUpload as UploadNode } from '../nodes/NemoVideoUpload/NemoVideoUpload.node';
// The in-process n8n-core runtime of the tests (temp user folder, filesystem binary store).
import * as harness from '../test/harness';
import { collectGarbage, mib, RssSampler } from './rss';
import { startSimulatorProcess } from './simulatorProcess';

/** With tsx, `…/NemoVideoUpload.node` would resolve to the codex file `NemoVideoUpload.node.json`: name the .ts. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NemoVideoUpload } = require(join(__dirname, '../nodes/NemoVideoUpload/NemoVideoUpload.node.ts')) as {
	NemoVideoUpload: typeof UploadNode;
};

const TOKEN = 'nmv_sk_simulator';
const SKILL_HEADERS = { 'x-skill-source': 'picture-to-video', 'x-skill-version': '1.0.0', 'x-skill-platform': 'bench' };
const MB = 1_000_000;
const MIB = 1024 * 1024;

interface Options {
	mib: number;
	rounds: number;
}

/** One pass run in a fresh process of its own, so RSS figures of one pass do not carry into the next. */
interface PassRequest {
	pass: 'node' | 'axios' | 'axiosNoRedirect';
	url: string;
	file: string;
	bytes: number;
	hash: string;
}

interface Sample {
	seconds: number;
	mbPerSecond: number;
	rssGrowthBytes?: number;
	rssPeakBytes?: number;
	check: string;
}

interface LogEntry {
	method: string;
	path: string;
	status?: number;
	startedAt: number;
	finishedAt?: number;
	bytesIn: number;
	aborted?: boolean;
}

function parseOptions(argv: string[]): Options {
	const options: Options = { mib: 200, rounds: 3 };
	for (let index = 0; index < argv.length; index++) {
		const flag = argv[index];
		const value = Number(argv[++index]);
		if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} needs a positive number`);
		if (flag === '--mib') options.mib = value;
		else if (flag === '--rounds') options.rounds = Math.round(value);
		else throw new Error(`unknown flag ${flag}`);
	}
	return options;
}

/** Random (incompressible) content behind a PNG signature and IHDR, written in 1 MiB chunks. */
async function makeFile(path: string, bytes: number): Promise<string> {
	const hash = createHash('sha256');
	const header = Buffer.alloc(33);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
	header.writeUInt32BE(13, 8);
	header.write('IHDR', 12, 'latin1');
	header.writeUInt32BE(3840, 16);
	header.writeUInt32BE(2160, 20);
	async function* content() {
		let written = 0;
		for (let chunk = header; written < bytes; chunk = randomBytes(Math.min(MIB, bytes - written))) {
			hash.update(chunk);
			written += chunk.length;
			yield chunk;
		}
	}
	await pipeline(Readable.from(content()), createWriteStream(path));
	return hash.digest('hex');
}

/** A node as a package author would write an upload with n8n's own HTTP helper (axios), for comparison. */
class AxiosFormUpload implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Axios Form Upload (bench)',
		name: 'axiosFormUpload',
		group: ['transform'],
		version: 1,
		description: 'POSTs the item’s binary as multipart form-data with this.helpers.httpRequest',
		defaults: { name: 'Axios Form Upload' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Disable Follow Redirect', name: 'disableFollowRedirect', type: 'boolean', default: false },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const binary = this.getInputData()[0].binary!.data;
		const metadata = await this.helpers.getBinaryMetadata(binary.id!);
		const form = new FormData();
		form.append('files', await this.helpers.getBinaryStream(binary.id!), {
			filename: binary.fileName,
			contentType: binary.mimeType,
			knownLength: metadata.fileSize,
		});
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: this.getNodeParameter('url', 0) as string,
			body: form,
			headers: { authorization: `Bearer ${TOKEN}`, ...SKILL_HEADERS, 'content-length': String(form.getLengthSync()) },
			disableFollowRedirect: this.getNodeParameter('disableFollowRedirect', 0) as boolean,
			json: true,
		})) as { code: number; data?: { files?: Array<{ hash: string }> } };
		return [
			[{ json: { code: response.code, hash: response.data?.files?.[0]?.hash ?? null }, pairedItem: { item: 0 } }],
		];
	}
}

class Bench {
	private sessionId = '';
	readonly sampler = new RssSampler();
	private readonly credentials: harness.CredentialStore;

	constructor(
		private readonly url: string,
		private readonly file: string,
		private readonly bytes: number,
		private readonly hash: string,
	) {
		this.credentials = new harness.CredentialStore([
			{
				id: 'c1',
				name: 'NemoVideo',
				type: 'nemoVideoApi',
				data: { baseUrl: url, clientId: '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b', apiToken: TOKEN },
			},
		]);
	}

	/** Clears the simulator (its stored uploads too) and opens a fresh session. */
	async freshSession(): Promise<void> {
		await fetch(`${this.url}/__sim/reset`, { method: 'POST' });
		const response = await fetch(`${this.url}/api/tasks/me/with-session/nemo_agent`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...SKILL_HEADERS },
			body: JSON.stringify({ task_name: 'bench', language: 'en' }),
		});
		this.sessionId = ((await response.json()) as { data: { session_id: string } }).data.session_id;
	}

	get uploadUrl(): string {
		return `${this.url}/api/upload-video/nemo_agent/me/${this.sessionId}`;
	}

	async uploadNode(): Promise<Sample> {
		await this.freshSession();
		const workflow = harness.chain(
			harness.node('Start', harness.MANUAL_TRIGGER_TYPE),
			harness.node('Read File', harness.BINARY_FROM_FILE_TYPE, { filePaths: this.file }),
			harness.node(
				'Upload',
				'n8n-nodes-nemovideo.nemoVideoUpload',
				{ operation: 'upload', sessionId: this.sessionId },
				{
					credentials: { nemoVideoApi: { id: 'c1', name: 'NemoVideo' } },
				},
			),
		);
		return await this.inWorkflow(
			workflow,
			harness.nodeTypesOf('n8n-nodes-nemovideo', new NemoVideoUpload()),
			(result) => {
				const files = result.output('Upload')[0]?.json.files as Array<{ hash: string }> | undefined;
				return files?.[0]?.hash === this.hash
					? 'ok: hash matches'
					: `MISMATCH: ${JSON.stringify(result.error?.message ?? files)}`;
			},
		);
	}

	async axiosHelper(disableFollowRedirect: boolean): Promise<Sample> {
		await this.freshSession();
		const workflow = harness.chain(
			harness.node('Start', harness.MANUAL_TRIGGER_TYPE),
			harness.node('Read File', harness.BINARY_FROM_FILE_TYPE, { filePaths: this.file }),
			harness.node('Axios', 'n8n-nodes-bench.axiosFormUpload', { url: this.uploadUrl, disableFollowRedirect }),
		);
		return await this.inWorkflow(workflow, harness.nodeTypesOf('n8n-nodes-bench', new AxiosFormUpload()), (result) => {
			const json = result.output('Axios')[0]?.json;
			return json?.hash === this.hash
				? 'ok: hash matches'
				: `MISMATCH: ${JSON.stringify(result.error?.message ?? json)}`;
		});
	}

	async curl(): Promise<Sample> {
		await this.freshSession();
		const headers = Object.entries({ authorization: `Bearer ${TOKEN}`, ...SKILL_HEADERS }).flatMap(([name, value]) => [
			'-H',
			`${name}: ${value}`,
		]);
		const curl = spawnSync(
			'curl',
			['-sS', '-H', 'Expect:', ...headers, '-F', `files=@${this.file};type=image/png`, this.uploadUrl],
			{ encoding: 'utf8' },
		);
		if (curl.status !== 0) throw new Error(`curl failed: ${curl.stderr}`);
		const hash = (JSON.parse(curl.stdout) as { data?: { files?: Array<{ hash: string }> } }).data?.files?.[0]?.hash;
		const entry = await this.uploadEntry();
		return {
			...this.throughput(entry),
			check: hash === this.hash ? 'ok: hash matches' : `MISMATCH: ${curl.stdout.slice(0, 200)}`,
		};
	}

	private async inWorkflow(
		workflow: ReturnType<typeof harness.chain>,
		nodeTypes: harness.RunOptions['nodeTypes'],
		check: (result: harness.WorkflowRunResult) => string,
	): Promise<Sample> {
		collectGarbage();
		this.sampler.clear();
		this.sampler.sample();
		const result = await harness.runWorkflow(workflow, {
			nodeTypes,
			credentialTypes: { nemoVideoApi: new NemoVideoApi() },
			credentials: this.credentials,
			timeoutMs: 600_000,
		});
		this.sampler.sample();
		const verdict = check(result);
		await result.cleanup();
		const entry = await this.uploadEntry();
		const rss = this.sampler.window(entry.startedAt, entry.finishedAt as number);
		return { ...this.throughput(entry), rssGrowthBytes: rss.growth, rssPeakBytes: rss.peak, check: verdict };
	}

	private async uploadEntry(): Promise<LogEntry> {
		const log = (await (await fetch(`${this.url}/__sim/log`)).json()) as LogEntry[];
		const uploads = log.filter((entry) => entry.method === 'POST' && entry.path.startsWith('/api/upload-video/'));
		const entry = uploads.at(-1);
		if (!entry || entry.finishedAt === undefined)
			throw new Error(`no finished upload in the simulator log: ${JSON.stringify(uploads)}`);
		if (uploads.length !== 1) throw new Error(`expected one upload request, the simulator saw ${uploads.length}`);
		return entry;
	}

	private throughput(entry: LogEntry): Pick<Sample, 'seconds' | 'mbPerSecond'> {
		const seconds = ((entry.finishedAt as number) - entry.startedAt) / 1000;
		return { seconds, mbPerSecond: this.bytes / MB / seconds };
	}
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs one pass in a child process (this same script with --pass) and reads its result line. */
function runPassInChild(request: PassRequest): Promise<Sample> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--pass', JSON.stringify(request)], {
			cwd: join(__dirname, '..'),
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let output = '';
		child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.once('error', reject);
		child.once('exit', (code) => {
			const line = output.split('\n').find((text) => text.startsWith('RESULT '));
			if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)) as Sample);
			else reject(new Error(`pass ${request.pass} failed (exit ${code}): ${output}`));
		});
	});
}

async function runPass(request: PassRequest): Promise<void> {
	const bench = new Bench(request.url, request.file, request.bytes, request.hash);
	try {
		const sample =
			request.pass === 'node' ? await bench.uploadNode() : await bench.axiosHelper(request.pass === 'axiosNoRedirect');
		process.stdout.write(`RESULT ${JSON.stringify(sample)}\n`);
	} finally {
		bench.sampler.stop();
		harness.disposeRuntime();
	}
}

async function main(): Promise<void> {
	const passIndex = process.argv.indexOf('--pass');
	if (passIndex >= 0) {
		await runPass(JSON.parse(process.argv[passIndex + 1]) as PassRequest);
		return;
	}
	const options = parseOptions(process.argv.slice(2));
	const bytes = Math.round(options.mib * MIB);
	const dir = mkdtempSync(join(tmpdir(), 'nemovideo-bench-upload-'));
	const { url, child } = await startSimulatorProcess(1);
	try {
		const file = join(dir, 'bench-upload.png');
		process.stdout.write(`Generating ${mib(bytes)} MiB of random content (PNG header) in ${dir} …\n`);
		const hash = await makeFile(file, bytes);
		if (statSync(file).size !== bytes) throw new Error('test file has the wrong size');
		const request = { url, file, bytes, hash };
		const curlBench = new Bench(url, file, bytes, hash);
		curlBench.sampler.stop();
		const passes: Array<{ name: string; run: () => Promise<Sample> }> = [
			{
				name: 'NemoVideo Upload node (undici + form-data, in WorkflowExecute)',
				run: () => runPassInChild({ ...request, pass: 'node' }),
			},
			{ name: 'curl -F files=@file', run: () => curlBench.curl() },
			{ name: 'n8n httpRequest helper (axios) + form-data', run: () => runPassInChild({ ...request, pass: 'axios' }) },
			{
				name: '  same, disableFollowRedirect: true',
				run: () => runPassInChild({ ...request, pass: 'axiosNoRedirect' }),
			},
		];
		const samples = passes.map(() => [] as Sample[]);
		for (let round = 1; round <= options.rounds; round++) {
			for (const [index, pass] of passes.entries()) {
				const sample = await pass.run();
				samples[index].push(sample);
				const rss =
					sample.rssGrowthBytes === undefined
						? ''
						: `, RSS +${mib(sample.rssGrowthBytes)} MiB (peak ${mib(sample.rssPeakBytes as number)})`;
				process.stdout.write(
					`round ${round}: ${pass.name.trim()}: ${sample.seconds.toFixed(2)} s, ${sample.mbPerSecond.toFixed(0)} MB/s${rss} (${sample.check})\n`,
				);
			}
		}

		const curlRate = median(samples[1].map((sample) => sample.mbPerSecond));
		const rows = passes.map((pass, index) => {
			const rate = median(samples[index].map((sample) => sample.mbPerSecond));
			const growth = samples[index]
				.map((sample) => sample.rssGrowthBytes)
				.filter((value): value is number => value !== undefined);
			const peak = samples[index]
				.map((sample) => sample.rssPeakBytes)
				.filter((value): value is number => value !== undefined);
			const failed = samples[index].filter((sample) => !sample.check.startsWith('ok')).length;
			return [
				pass.name,
				median(samples[index].map((sample) => sample.seconds)).toFixed(2),
				rate.toFixed(0),
				(rate / curlRate).toFixed(2),
				growth.length ? mib(Math.max(...growth)) : 'n/a (other process)',
				peak.length ? mib(Math.max(...peak)) : '',
				failed ? `${failed} FAILED` : 'all ok',
			];
		});
		const header = [
			'upload of one file',
			'time s',
			'MB/s',
			'vs curl',
			'peak RSS growth MiB',
			'peak RSS MiB',
			'result check',
		];
		const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
		const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
		process.stdout.write(
			`\nFile: ${mib(bytes)} MiB (${(bytes / MB).toFixed(1)} MB), random content; ${options.rounds} rounds, medians (RSS: largest). MB = 10^6 bytes.\n`,
		);
		process.stdout.write(
			`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`,
		);
		process.stdout.write(
			`${line(header)}\n${line(widths.map((width) => '-'.repeat(width)))}\n${rows.map(line).join('\n')}\n`,
		);
		const node = rows[0];
		process.stdout.write(
			`\nTargets: Upload node peak RSS growth < 64 MiB: ${Number(node[4]) < 64 ? 'met' : 'NOT met'} (${node[4]} MiB); throughput ≥ 0.8 × curl: ${Number(node[3]) >= 0.8 ? 'met' : 'NOT met'} (${node[3]} ×).\n`,
		);
	} finally {
		child.kill('SIGTERM');
		rmSync(dir, { recursive: true, force: true });
		harness.disposeRuntime();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exitCode = 1;
});
