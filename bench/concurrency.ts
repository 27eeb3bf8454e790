/**
 * npm run bench:concurrency [-- --images 12 --in-flight 4 --render-ms 4000]
 *
 * NemoVideo Create Video, One Video per Item, on 12 images (12 items, one JPEG each) in a workflow run
 * by n8n-core's WorkflowExecute, against the simulator with renders of a fixed time (renderMs; sample
 * MP4s, so no ffmpeg time varies the renders) and URL output. The same workflow runs twice in one run:
 * Videos in Flight 1 (sequential, the default) and 4. Reported: wall time of each, their ratio
 * (target >= 3x), and the requests the simulator received (target: 4 in flight within 10% of sequential).
 * The simulator runs in this process (its log is the request count); its own work is small (no ffmpeg).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { NemoVideoApi } from '../credentials/NemoVideoApi.credentials';
import type { NemoVideoCreateVideo as CreateVideoNode } from '../nodes/NemoVideoCreateVideo/NemoVideoCreateVideo.node';
import { startSimulator } from '../simulator';
import * as harness from '../test/harness';
import { jpeg } from '../test/helpers/media';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NemoVideoCreateVideo } = require(
	join(__dirname, '../nodes/NemoVideoCreateVideo/NemoVideoCreateVideo.node.ts'),
) as {
	NemoVideoCreateVideo: typeof CreateVideoNode;
};

function arg(name: string, fallback: number): number {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
	const images = arg('images', 12);
	const inFlight = arg('in-flight', 4);
	const renderMs = arg('render-ms', 4000);
	const dir = mkdtempSync(join(tmpdir(), 'bench-concurrency-'));
	const files = Array.from({ length: images }, (_, n) => {
		const file = join(dir, `image-${n + 1}.jpg`);
		writeFileSync(file, jpeg(1280, 720));
		return file;
	});
	const sim = await startSimulator({
		quiet: true,
		seed: 1,
		renderMs,
		editDurationMs: 300,
		silentEditRate: 0.3,
		renderFrom: 'sample',
	});
	const credentials = new harness.CredentialStore([
		{
			id: 'c1',
			name: 'NemoVideo',
			type: 'nemoVideoApi',
			data: { baseUrl: sim.url, clientId: '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b', apiToken: 'nmv_sk_simulator' },
		},
	]);
	await harness.ensureRuntime();

	const runWith = async (videosInFlight: number) => {
		sim.reset();
		const workflow = harness.chain(
			harness.node('Start', harness.MANUAL_TRIGGER_TYPE),
			harness.node('Read Files from Disk', harness.BINARY_FROM_FILE_TYPE, { filePaths: files.join(',') }),
			harness.node(
				'Create Video',
				'n8n-nodes-nemovideo.nemoVideoCreateVideo',
				{ operation: 'create', mode: 'perItem', output: 'url', durationSeconds: 5, options: { videosInFlight } },
				{ credentials: { nemoVideoApi: { id: 'c1', name: 'NemoVideo' } } },
			),
		);
		const started = performance.now();
		const result = await harness.runWorkflow(workflow, {
			nodeTypes: harness.nodeTypesOf('n8n-nodes-nemovideo', new NemoVideoCreateVideo()),
			credentialTypes: { nemoVideoApi: new NemoVideoApi() },
			credentials,
			timeoutMs: 900_000,
		});
		const wallMs = performance.now() - started;
		if (result.status !== 'success')
			throw new Error(`workflow failed (${videosInFlight} in flight): ${result.error?.message}`);
		const items = result.output('Create Video');
		const inOrder = items.every((item, n) => JSON.stringify(item.pairedItem) === JSON.stringify({ item: n }));
		const byPath = new Map<string, number>();
		for (const entry of sim.log) {
			const key = `${entry.method} ${entry.path.replace(/\/(?:[0-9a-f-]{16,}|render_[^/]+|sess_[^/]+)(?=\/|$)/gi, '/{id}')}`;
			byPath.set(key, (byPath.get(key) ?? 0) + 1);
		}
		return {
			videosInFlight,
			wallMs,
			requests: sim.log.length,
			videos: items.length,
			inOrder,
			renders: sim.counts().renders,
			byPath,
		};
	};

	try {
		const sequential = await runWith(1);
		const parallel = await runWith(inFlight);
		const ratio = sequential.wallMs / parallel.wallMs;
		const requestDelta = (parallel.requests - sequential.requests) / sequential.requests;
		console.log(
			`NemoVideo Create Video, One Video per Item: ${images} images (one 1280x720 JPEG per item), 5 s videos, URL output; ` +
				`simulator renders of a fixed ${renderMs} ms (sample MP4s), edits ${300} ms; ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}\n`,
		);
		console.log('| Videos in Flight | videos | paired in input order | wall time s | requests | renders |');
		console.log('|---|---|---|---|---|---|');
		for (const r of [sequential, parallel]) {
			console.log(
				`| ${r.videosInFlight} | ${r.videos} | ${r.inOrder ? 'yes' : 'NO'} | ${(r.wallMs / 1000).toFixed(1)} | ${r.requests} | ${r.renders} |`,
			);
		}
		console.log(
			`\nwall-time ratio (1 / ${inFlight} in flight): ${ratio.toFixed(2)}x (target >= 3x: ${ratio >= 3 ? 'met' : 'NOT met'})`,
		);
		console.log(
			`requests: ${parallel.requests} vs ${sequential.requests} sequential, ${(requestDelta * 100).toFixed(1)}% ` +
				`(target within 10%: ${Math.abs(requestDelta) <= 0.1 ? 'met' : 'NOT met'})`,
		);
		console.log('\nrequests by route (sequential / in flight):');
		for (const key of [...new Set([...sequential.byPath.keys(), ...parallel.byPath.keys()])].sort()) {
			console.log(`  ${key}: ${sequential.byPath.get(key) ?? 0} / ${parallel.byPath.get(key) ?? 0}`);
		}
	} finally {
		await sim.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
