/**
 * npm run bench:export [-- --renders 30 --scale 0.1 --seed 1 --download-mib 500 --no-download]
 *
 * 1. Waiting for renders. Render times are drawn (seeded, uniform) from the product pages' range,
 *    30–90 s, and every duration is multiplied by `--scale` (default 0.1: renders of 3–9 s). The
 *    same renders are waited for, at the same time, with three schedules on the same scale:
 *      - ours: the adaptive, progress-predicting schedule the Export node uses (renderPolling.ts;
 *        2 s first poll, 15 s backoff cap, 1 s minimum lateness, all × scale);
 *      - fixed 10 s polling (× scale), and fixed 30 s polling (× scale, the product pages' advice).
 *    Each render is submitted to the simulator with its own duration, then waited for by
 *    `pollUntilDone` over the real transport (undici, loopback). Delay = when the poll answer that
 *    said "completed" arrived here, minus the simulator's completedAt (submittedAt + render time;
 *    same machine clock). Requests per render = the submit + every status poll. Target: delay at
 *    most max(1 s, 10% of the render time) (× scale), with fewer requests than fixed 10 s polling.
 * 2. Download. One render whose MP4 the simulator pads to 500 MiB (a trailing `free` box) is made
 *    by the NemoVideo Export node (Render, wait, download into the binary store) in a real
 *    workflow run by n8n-core's WorkflowExecute, with the filesystem binary store. Peak RSS growth
 *    of this process over the whole run (sampled every 5 ms, baseline after GC). Target < 64 MiB.
 * The simulator runs in a child process, so its serving and padding are not in this process.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { NemoVideoApi } from '../credentials/NemoVideoApi.credentials';
import type { NemoVideoExport as ExportNode } from '../nodes/NemoVideoExport/NemoVideoExport.node';
import {
	connectionFromCredentials,
	createSession,
	getRender,
	NemoVideoClient,
	openEditStream,
	startRender,
	uploadUrls,
	getSessionState,
	type RenderJob,
} from '../nodes/shared/transport';
import {
	adaptiveSchedule,
	fixedSchedule,
	pollUntilDone,
	scaledScheduleOptions,
	type PollSchedule,
} from '../nodes/shared/transport/renderPolling';
// The in-process n8n-core runtime of the tests (temp user folder, filesystem binary store).
import * as harness from '../test/harness';
import { collectGarbage, measureRss, mib } from './rss';
import { startSimulatorProcess } from './simulatorProcess';

/** With tsx, `…/NemoVideoExport.node` would resolve to the codex file `NemoVideoExport.node.json`: name the .ts. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NemoVideoExport } = require(join(__dirname, '../nodes/NemoVideoExport/NemoVideoExport.node.ts')) as {
	NemoVideoExport: typeof ExportNode;
};

const TOKEN = 'nmv_sk_simulator';
const CLIENT_ID = '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b';
const MIB = 1024 * 1024;

interface Options {
	renders: number;
	scale: number;
	seed: number;
	downloadMib: number;
	download: boolean;
}

function parseOptions(argv: string[]): Options {
	const options: Options = { renders: 30, scale: 0.1, seed: 1, downloadMib: 500, download: true };
	for (let index = 0; index < argv.length; index++) {
		const flag = argv[index];
		if (flag === '--no-download') options.download = false;
		else if (['--renders', '--scale', '--seed', '--download-mib'].includes(flag)) {
			const value = Number(argv[++index]);
			if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} needs a positive number`);
			const key = { '--renders': 'renders', '--scale': 'scale', '--seed': 'seed', '--download-mib': 'downloadMib' }[
				flag
			] as keyof Omit<Options, 'download'>;
			options[key] = value;
		} else throw new Error(`unknown flag ${flag}`);
	}
	return options;
}

async function control(url: string, path: string, body?: unknown): Promise<IDataObject> {
	const response = await fetch(`${url}${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
	return (await response.json()) as IDataObject;
}

function clientFor(url: string): NemoVideoClient {
	return new NemoVideoClient({
		connection: connectionFromCredentials({ baseUrl: url, clientId: CLIENT_ID, apiToken: TOKEN }),
		tokens: { token: async () => TOKEN, refresh: async () => undefined },
	});
}

/** A session whose timeline is ready to render: create, add a photo by URL, one edit. */
async function readySession(client: NemoVideoClient): Promise<{ sessionId: string; draft: unknown }> {
	const { sessionId } = await createSession(client, { taskName: 'bench export', language: 'en' });
	await uploadUrls(client, sessionId, ['https://images.example.com/photo1.jpg']);
	const opened = await openEditStream(client, {
		sessionId,
		prompt: 'turn my photo into a 10-second video',
		maxWaitMs: 30_000,
		idleTimeoutMs: 30_000,
	});
	if (opened.stream) for await (const chunk of opened.stream.body) void chunk;
	const state = await getSessionState(client, sessionId);
	return { sessionId, draft: state.draft };
}

/** mulberry32: small seeded PRNG so every run draws the same render times. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface Waited {
	renderMs: number;
	delayMs: number;
	requests: number;
}

/** Serialises "set the simulator's render time, submit": each render gets its own duration. */
let submitQueue: Promise<unknown> = Promise.resolve();

async function renderAndWait(
	url: string,
	client: NemoVideoClient,
	session: { sessionId: string; draft: unknown },
	renderMs: number,
	schedule: PollSchedule,
	id: string,
): Promise<Waited> {
	const submitted = (submitQueue = submitQueue.then(async () => {
		await control(url, '/__sim/config', { renderMs });
		const submittedAt = Date.now();
		const job = await startRender(client, {
			renderId: id,
			sessionId: session.sessionId,
			draft: session.draft,
			format: 'mp4',
			quality: 'high',
		});
		return { job, submittedAt };
	})) as Promise<{ job: RenderJob; submittedAt: number }>;
	const { job, submittedAt } = await submitted;
	const result = await pollUntilDone<RenderJob>({
		poll: async () => await getRender(client, id),
		wait: async (ms) => await client.wait(ms),
		now: Date.now,
		schedule,
		maxWaitMs: 600_000,
		startedAt: submittedAt,
		first: job,
		observe: (value) => ({
			final: value.status === 'completed' || value.status === 'failed',
			progress: value.progress,
			status: value.status,
		}),
	});
	const noticedAt = Date.now();
	if (!result.final || result.value.status !== 'completed') throw new Error(`render ${id} did not complete`);
	const record = await control(url, `/__sim/renders/${encodeURIComponent(id)}`);
	return { renderMs, delayMs: noticedAt - (record.completedAt as number), requests: 1 + result.polls };
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function table(head: string[], body: string[][]): string {
	const widths = head.map((cell, column) => Math.max(cell.length, ...body.map((row) => row[column].length)));
	const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	return [line(head), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

async function pollingBench(url: string, options: Options): Promise<void> {
	const client = clientFor(url);
	const session = await readySession(client);
	const draw = random(options.seed);
	const renderTimes = Array.from({ length: options.renders }, () =>
		Math.round((30_000 + draw() * 60_000) * options.scale),
	);
	const schedules: Array<{ name: string; make: () => PollSchedule }> = [
		{
			name: 'ours (adaptive, progress-predicting)',
			make: () => adaptiveSchedule(scaledScheduleOptions(options.scale)),
		},
		{ name: 'fixed 10 s', make: () => fixedSchedule(10_000 * options.scale) },
		{ name: 'fixed 30 s', make: () => fixedSchedule(30_000 * options.scale) },
	];
	const started = Date.now();
	const results = await Promise.all(
		schedules.map(async (schedule, s) => ({
			name: schedule.name,
			waited: await Promise.all(
				renderTimes.map(
					async (renderMs, i) =>
						await renderAndWait(url, client, session, renderMs, schedule.make(), `render_bench_${s}_${i}`),
				),
			),
		})),
	);
	const seconds = (Date.now() - started) / 1000;

	const real = (ms: number) => (ms / options.scale / 1000).toFixed(2);
	const allowed = (w: Waited) => Math.max(1000 * options.scale, 0.1 * w.renderMs);
	console.log(
		`\nWaiting for renders: ${options.renders} renders per schedule, render times drawn from 30–90 s (seed ${options.seed}), ` +
			`time scale ×${options.scale} (renders of ${(Math.min(...renderTimes) / 1000).toFixed(1)}–${(Math.max(...renderTimes) / 1000).toFixed(1)} s here), ` +
			`all ${options.renders * schedules.length} renders at once, ${seconds.toFixed(1)} s wall.`,
	);
	console.log(
		'Delays are shown at real scale (measured ÷ scale); "within target" = delay ≤ max(1 s, 10% of that render’s time).\n',
	);
	const fixed10 = results[1].waited.reduce((sum, w) => sum + w.requests, 0) / options.renders;
	console.log(
		table(
			[
				'schedule',
				'median delay s',
				'p90 delay s',
				'max delay s',
				'within target',
				'median delay / allowed',
				'requests per render',
				'vs fixed 10 s',
			],
			results.map(({ name, waited }) => {
				const delays = waited.map((w) => w.delayMs);
				const sorted = [...delays].sort((a, b) => a - b);
				const requests = waited.reduce((sum, w) => sum + w.requests, 0) / waited.length;
				return [
					name,
					real(median(delays)),
					real(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]),
					real(sorted[sorted.length - 1]),
					`${waited.filter((w) => w.delayMs <= allowed(w)).length}/${waited.length}`,
					median(waited.map((w) => w.delayMs / allowed(w))).toFixed(2),
					requests.toFixed(2),
					`${((requests / fixed10) * 100).toFixed(0)}%`,
				];
			}),
		),
	);
	console.log('\nrequests per render = 1 submit + status polls (same for every schedule).');
}

async function downloadBench(url: string, options: Options): Promise<void> {
	const bytes = Math.round(options.downloadMib * MIB);
	await control(url, '/__sim/config', { renderOutputBytes: bytes, renderMs: Math.round(3000 * options.scale) });
	const session = await readySession(clientFor(url));
	const credentials = new harness.CredentialStore([
		{ id: 'c1', name: 'NemoVideo', type: 'nemoVideoApi', data: { baseUrl: url, clientId: CLIENT_ID, apiToken: TOKEN } },
	]);
	const workflow = harness.chain(
		harness.node('Start', harness.MANUAL_TRIGGER_TYPE),
		harness.node(
			'Export',
			'n8n-nodes-nemovideo.nemoVideoExport',
			{ operation: 'render', sessionId: session.sessionId, output: 'both' },
			{ credentials: { nemoVideoApi: { id: 'c1', name: 'NemoVideo' } } },
		),
	);
	await harness.ensureRuntime();
	collectGarbage();
	const started = performance.now();
	const { value: result, rss } = await measureRss(
		async () =>
			await harness.runWorkflow(workflow, {
				nodeTypes: harness.nodeTypesOf('n8n-nodes-nemovideo', new NemoVideoExport()),
				credentialTypes: { nemoVideoApi: new NemoVideoApi() },
				credentials,
				timeoutMs: 600_000,
			}),
		{ collect: false },
	);
	const wallMs = performance.now() - started;
	try {
		if (result.status !== 'success') throw new Error(`workflow failed: ${result.error?.message}`);
		const [item] = result.output('Export');
		const metrics = item.json.metrics as IDataObject;
		const stored = item.binary?.data;
		console.log(
			`\nDownload into n8n's binary store: NemoVideo Export (Render → wait → download) in a workflow run by n8n-core's WorkflowExecute, ` +
				`filesystem binary mode; the simulator pads the render's MP4 to ${mib(bytes)} MiB (${(bytes / 1e6).toFixed(0)} MB).\n`,
		);
		console.log(
			table(
				[
					'file',
					'stored bytes',
					'download MB/s',
					'whole run s',
					'peak RSS growth MiB',
					'target',
					'header read from the stream',
				],
				[
					[
						`${mib(bytes)} MiB MP4`,
						String(stored?.bytes ?? metrics.bytes),
						((metrics.bytes as number) / 1e6 / ((metrics.downloadMs as number) / 1000)).toFixed(0),
						(wallMs / 1000).toFixed(1),
						mib(rss.growthBytes),
						rss.growthBytes < 64 * MIB ? '< 64 MiB: met' : '< 64 MiB: NOT met',
						`${metrics.durationSeconds} s ${metrics.codecName} ${metrics.width}x${metrics.height} ${metrics.frameRate} fps`,
					],
				],
			),
		);
		if (metrics.bytes !== bytes) throw new Error(`stored ${metrics.bytes} bytes, expected ${bytes}`);
	} finally {
		await result.cleanup();
	}
}

async function main(): Promise<void> {
	const options = parseOptions(process.argv.slice(2));
	const { url, child } = await startSimulatorProcess(options.seed);
	try {
		const load = loadavg()
			.map((value) => value.toFixed(2))
			.join(' ');
		console.log(
			`NemoVideo Export benchmark — Node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / 1024 ** 3)} GiB ` +
				`(load average ${load}), simulator in a child process, ${new Date().toISOString().slice(0, 10)}`,
		);
		await pollingBench(url, options);
		if (options.download) await downloadBench(url, options);
	} finally {
		child.kill();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
