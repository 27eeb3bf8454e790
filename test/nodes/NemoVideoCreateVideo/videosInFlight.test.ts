import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { NemoVideoApi } from '../../../credentials/NemoVideoApi.credentials';
import { NemoVideoCreateVideo } from '../../../nodes/NemoVideoCreateVideo/NemoVideoCreateVideo.node';
import type { Simulator } from '../../../simulator';
import { BINARY_FROM_FILE_TYPE, chain, MANUAL_TRIGGER_TYPE, node, nodeTypesOf, runWorkflow } from '../../harness';
import { jpeg } from '../../helpers/media';
import { quietSimulator, requestsTo } from '../../helpers/simulator';
import { nemoNode, nemoVideoCredentials, PACKAGE } from '../../helpers/workflow';

/** Create Video, One Video per Item, Options → Videos in Flight: several videos at once, in input order. */

let simulator: Simulator;
let dir: string;

beforeAll(async () => {
	simulator = await quietSimulator({ renderMs: 300, editDurationMs: 50, heartbeatIntervalMs: 20 });
	dir = mkdtempSync(join(tmpdir(), 'nemo-in-flight-'));
	for (let n = 1; n <= 5; n++) writeFileSync(join(dir, `photo-${n}.jpg`), jpeg(640 + n * 16, 480));
});
afterAll(async () => {
	await simulator.close();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => simulator.reset());

async function run(videosInFlight: number) {
	const files = [1, 2, 3, 4, 5].map((n) => join(dir, `photo-${n}.jpg`)).join(',');
	return await runWorkflow(
		chain(
			node('Start', MANUAL_TRIGGER_TYPE),
			node('Read Files from Disk', BINARY_FROM_FILE_TYPE, { filePaths: files }),
			nemoNode('Create Video', 'nemoVideoCreateVideo', {
				operation: 'create',
				mode: 'perItem',
				output: 'url',
				options: { videosInFlight },
			}),
		),
		{
			nodeTypes: nodeTypesOf(PACKAGE, new NemoVideoCreateVideo()),
			credentialTypes: { nemoVideoApi: new NemoVideoApi() },
			credentials: nemoVideoCredentials(simulator.url),
			timeoutMs: 60_000,
		},
	);
}

describe('NemoVideo Create Video: Videos in Flight', () => {
	it('3 in flight for 5 items: five videos, each from its own item, in input order and paired; a 429 is waited out', async () => {
		simulator.injectFault({
			method: 'GET',
			path: '^/api/render/proxy/lambda/',
			kind: 'status',
			status: 429,
			retryAfter: 1,
			times: 1,
		});
		const result = await run(3);

		expect([result.status, result.error?.message]).toEqual(['success', undefined]);
		const items = result.output('Create Video');
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((n) => ({ item: n })));
		expect(items.every((item) => item.json.allChecksPass === true && item.json.status === 'completed')).toBe(true);
		// each output is its own item's video: the session holds that item's photo
		const uploaded = items.map((item) =>
			(item.json.uploadedFiles as Array<{ width?: number }>).map((file) => file.width),
		);
		expect(uploaded).toEqual([1, 2, 3, 4, 5].map((n) => [640 + n * 16]));
		expect(new Set(items.map((item) => item.json.sessionId)).size).toBe(5);
		expect(requestsTo(simulator, 'POST', /^\/api\/render\/proxy\/lambda$/)).toHaveLength(5);
		expect(simulator.log.filter((entry) => entry.status === 429)).toHaveLength(1);
	});

	it('videos made 3 at a time send the same requests as one at a time', async () => {
		await run(1);
		const sequential = simulator.log
			.map((entry) => `${entry.method} ${entry.path.split('/').slice(0, 4).join('/')}`)
			.sort();
		simulator.reset();
		await run(3);
		const parallel = simulator.log
			.map((entry) => `${entry.method} ${entry.path.split('/').slice(0, 4).join('/')}`)
			.sort();
		expect(parallel.filter((line) => !line.startsWith('GET /api/render'))).toEqual(
			sequential.filter((line) => !line.startsWith('GET /api/render')),
		);
	});
});
