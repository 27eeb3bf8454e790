/**
 * npm run bench:measure [-- --rounds 3 --seconds 15]
 *
 * Metric computation time of NemoVideo Measure Video for a 15 s 1080p video (target: less than
 * the video's duration). Makes, in a temp folder, a 15 s 1920×1080 30 fps H.264 video (ffmpeg's
 * moving testsrc2 pattern, libx264 veryfast, yuv420p: 450 frames) and three source images (its
 * frames at 0, 5 and 10 s as PNG), then runs a real workflow through n8n-core's WorkflowExecute:
 * Manual Trigger → Attach Files (the test node that streams the files into n8n's filesystem binary
 * store) → Measure Video, with 1 source image and with 3, rounds interleaved. Reported per case:
 * the node's own `analysis.measuredMs` (copying the binaries to its temp folder, ffprobe, source
 * preparation, decoding and all metrics), the workflow's wall time, this process's peak RSS growth
 * (ffmpeg's memory is its own process's), and, for reference, ffmpeg alone decoding the same
 * video to the same luma pipe with the output discarded. Load average before and after, since the
 * machine is shared.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeType } from 'n8n-workflow';

import * as harness from '../test/harness';
import { AttachFiles } from '../test/nodes/NemoVideoMeasureVideo/attachFiles';
import { measureRss } from './rss';

/** With tsx, `…/X.node` would resolve to the codex file `X.node.json`: name the .ts. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NemoVideoMeasureVideo } = require(
	join(__dirname, '../nodes/NemoVideoMeasureVideo/NemoVideoMeasureVideo.node.ts'),
) as {
	NemoVideoMeasureVideo: new () => INodeType;
};

const PACKAGE = 'n8n-nodes-nemovideo';

function argument(name: string, fallback: number): number {
	const at = process.argv.indexOf(`--${name}`);
	return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

function ffmpeg(...args: string[]): void {
	execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** CPU seconds of this process and of its exited children (ffmpeg, ffprobe), from /proc/self/stat (Linux). */
function cpuSeconds(): { own: number; children: number } {
	const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
	// After "pid (comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17 (1-based).
	const tick = (n: number) => Number(fields[n - 3]) / 100;
	return { own: tick(14) + tick(15), children: tick(16) + tick(17) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Run {
	json: IDataObject;
	wallMs: number;
	rssMiB: number;
	cpuNode: number;
	cpuFfmpeg: number;
}

async function runMeasure(files: Record<string, string>, sourceFields: string): Promise<Run> {
	const cpuBefore = cpuSeconds();
	const started = Date.now();
	const { value, rss } = await measureRss(async () =>
		harness.runWorkflow(
			harness.chain(
				harness.node('Start', harness.MANUAL_TRIGGER_TYPE),
				harness.node('Attach', `${PACKAGE}.attachFiles`, { files: JSON.stringify(files), metrics: '' }),
				harness.node('Measure', `${PACKAGE}.nemoVideoMeasureVideo`, {
					operation: 'measure',
					sourceBinaryProperties: sourceFields,
				}),
			),
			{
				nodeTypes: harness.nodeTypesOf(PACKAGE, new NemoVideoMeasureVideo(), new AttachFiles()),
				credentialTypes: {},
				credentials: new harness.CredentialStore([]),
				timeoutMs: 600_000,
			},
		),
	);
	const wallMs = Date.now() - started;
	const cpuAfter = cpuSeconds();
	if (value.status !== 'success') throw new Error(`Measure Video failed: ${value.error?.message}`);
	const json = value.output('Measure')[0].json;
	await value.cleanup();
	return {
		json,
		wallMs,
		rssMiB: rss.growthBytes / 2 ** 20,
		cpuNode: cpuAfter.own - cpuBefore.own,
		cpuFfmpeg: cpuAfter.children - cpuBefore.children,
	};
}

async function main(): Promise<void> {
	const rounds = argument('rounds', 3);
	const duration = argument('seconds', 15);
	const dir = mkdtempSync(join(tmpdir(), 'bench-measure-'));
	try {
		const video = join(dir, 'video.mp4');
		const madeAt = Date.now();
		ffmpeg(
			'-f',
			'lavfi',
			'-i',
			'testsrc2=size=1920x1080:rate=30',
			'-t',
			String(duration),
			'-c:v',
			'libx264',
			'-preset',
			'veryfast',
			'-pix_fmt',
			'yuv420p',
			video,
		);
		const images = [0, 5, 10].map((at, i) => {
			const path = join(dir, `source${i + 1}.png`);
			ffmpeg('-ss', String(Math.min(at, duration - 1)), '-i', video, '-frames:v', '1', path);
			return path;
		});
		console.error(
			`made ${duration} s 1080p30 (${(statSync(video).size / 1e6).toFixed(1)} MB) and 3 PNGs in ${seconds(Date.now() - madeAt)}`,
		);
		const load = [loadavg()[0]];

		const cases = [
			{ name: '1 source image', files: { data: video, image: images[0] }, fields: 'image' },
			{
				name: '3 source images',
				files: { data: video, image: images[0], image2: images[1], image3: images[2] },
				fields: 'image, image2, image3',
			},
		];
		const results = new Map<string, Array<Run & { measuredMs: number }>>();
		const decodeMs: number[] = [];
		const decodeCpu: number[] = [];
		for (let round = 1; round <= rounds; round++) {
			const decodeStarted = Date.now();
			const decodeCpuBefore = cpuSeconds().children;
			const decoded = spawnSync('ffmpeg', [
				'-v',
				'error',
				'-nostdin',
				'-i',
				video,
				'-vf',
				'extractplanes=y,format=gray',
				'-f',
				'rawvideo',
				'-pix_fmt',
				'gray',
				'-y',
				'/dev/null',
			]);
			if (decoded.status !== 0) throw new Error(String(decoded.stderr));
			decodeMs.push(Date.now() - decodeStarted);
			decodeCpu.push(cpuSeconds().children - decodeCpuBefore);
			for (const entry of cases) {
				const run = await runMeasure(entry.files, entry.fields);
				const measuredMs = Number((run.json.analysis as IDataObject).measuredMs);
				if (!results.has(entry.name)) results.set(entry.name, []);
				results.get(entry.name)!.push({ ...run, measuredMs });
				console.error(
					`round ${round}, ${entry.name}: measured in ${seconds(measuredMs)} (workflow ${seconds(run.wallMs)}), CPU node ${run.cpuNode.toFixed(2)} s + ffmpeg ${run.cpuFfmpeg.toFixed(2)} s, RSS +${run.rssMiB.toFixed(1)} MiB, load ${loadavg()[0].toFixed(1)}`,
				);
			}
		}
		load.push(loadavg()[0]);

		const lines = [
			`Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0].split(' Copyright')[0]}; load average ${load[0].toFixed(1)} before, ${load[1].toFixed(1)} after; ${rounds} rounds, medians.`,
			'',
			`| ${duration} s 1920×1080 30 fps H.264 (${(statSync(video).size / 1e6).toFixed(1)} MB) | node's measuredMs | × video duration | workflow wall | CPU: node process + ffmpeg/ffprobe | peak RSS growth |`,
			'|---|---|---|---|---|---|',
		];
		for (const [name, runs] of results) {
			const ms = median(runs.map((run) => run.measuredMs));
			lines.push(
				`| Measure Video, ${name} | **${seconds(ms)}** | ${(ms / 1000 / duration).toFixed(2)} | ${seconds(median(runs.map((run) => run.wallMs)))} | ${median(runs.map((run) => run.cpuNode)).toFixed(2)} s + ${median(runs.map((run) => run.cpuFfmpeg)).toFixed(2)} s | ${Math.max(...runs.map((run) => run.rssMiB)).toFixed(1)} MiB |`,
			);
		}
		const ms = median(decodeMs);
		lines.push(
			`| ffmpeg alone: decode to the luma pipe, output discarded | ${seconds(ms)} | ${(ms / 1000 / duration).toFixed(2)} | | 0 + ${median(decodeCpu).toFixed(2)} s | |`,
		);
		const last = results.get('3 source images')!.at(-1)!.json;
		lines.push(
			'',
			`Values (3 sources): ${JSON.stringify(last.quality)}; best matches ${JSON.stringify((last.sources as IDataObject[]).map((s) => [s.bestMatchSeconds, s.bestMatchSsim]))}.`,
		);
		console.log(lines.join('\n'));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
