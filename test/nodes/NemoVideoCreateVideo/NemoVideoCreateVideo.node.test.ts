import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { NemoVideoApi } from '../../../credentials/NemoVideoApi.credentials';
import { NemoVideoCreateVideo } from '../../../nodes/NemoVideoCreateVideo/NemoVideoCreateVideo.node';
import type { Simulator } from '../../../simulator';
import {
	BINARY_FROM_FILE_TYPE,
	chain,
	CODE_TYPE,
	MANUAL_TRIGGER_TYPE,
	node,
	nodeTypesOf,
	runWorkflow,
	type RunOptions,
} from '../../harness';
import { jpeg } from '../../helpers/media';
import { quietSimulator, REGISTERED_TOKEN, requestsTo } from '../../helpers/simulator';
import { TOOL_RUN_WAYS, toolVariant } from '../../helpers/toolRun';
import { nemoNode, nemoVideoCredentials, PACKAGE } from '../../helpers/workflow';

/** NemoVideo Create Video in n8n-core's WorkflowExecute against the simulator over real HTTP. */

const RUN_SSE = /^\/run_sse$/;
const RENDER_START = /^\/api\/render\/proxy\/lambda$/;
const UPLOAD = /^\/api\/upload-video\//;
const CREATE_SESSION = /^\/api\/tasks\/me\/with-session\/nemo_agent$/;

let simulator: Simulator;
let dir: string;

beforeAll(async () => {
	simulator = await quietSimulator({ renderMs: 200 });
	dir = mkdtempSync(join(tmpdir(), 'nemo-create-'));
	for (let n = 1; n <= 5; n++) writeFileSync(join(dir, `photo-${n}.jpg`), jpeg(800, 600));
});
afterAll(async () => {
	await simulator.close();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
	simulator.reset();
	simulator.configure({ silentEditRate: 0.3, editDurationMs: 50, generationMs: 100, heartbeatIntervalMs: 20 });
});

async function run(nodes: INode[], options: Partial<RunOptions> = {}, extraTypes = [new NemoVideoCreateVideo()]) {
	return await runWorkflow(chain(node('Start', MANUAL_TRIGGER_TYPE), ...nodes), {
		nodeTypes: nodeTypesOf(PACKAGE, ...extraTypes),
		credentialTypes: { nemoVideoApi: new NemoVideoApi() },
		credentials: nemoVideoCredentials(simulator.url),
		timeoutMs: 60_000,
		...options,
	});
}

const photos = (count = 5) =>
	node('Read Files from Disk', BINARY_FROM_FILE_TYPE, {
		filePaths: [1, 2, 3, 4, 5]
			.slice(0, count)
			.map((n) => join(dir, `photo-${n}.jpg`))
			.join(','),
	});
const createVideo = (parameters: INodeParameters = {}, extra: Partial<INode> = {}) =>
	nemoNode('Create Video', 'nemoVideoCreateVideo', { operation: 'create', ...parameters }, extra);

const checksOf = (item: INodeExecutionData) =>
	item.json.checks as Array<{ name: string; asked: string; got: string; pass: boolean; source: string }>;
const errorDescription = (result: Awaited<ReturnType<typeof run>>) =>
	String((result.error?.error as { description?: string })?.description ?? '');

describe('NemoVideo Create Video: photos in, checked MP4 out', () => {
	it('five photos → one session, one upload, one prompt, one render; every check passes; one item paired to all five', async () => {
		const result = await run([
			photos(),
			createVideo({
				durationSeconds: 15,
				backgroundMusic: true,
				musicGenre: 'Upbeat Pop',
				musicVolume: 20,
				title: 'Summer Collection',
			}),
		]);

		expect([result.status, result.error?.message]).toEqual(['success', undefined]);
		expect(requestsTo(simulator, 'POST', CREATE_SESSION)).toHaveLength(1);
		expect(requestsTo(simulator, 'POST', UPLOAD)).toHaveLength(1);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
		expect(requestsTo(simulator, 'POST', RENDER_START)).toHaveLength(1);
		const [item, ...rest] = result.output('Create Video');
		expect(rest).toEqual([]);
		expect(item.pairedItem).toEqual([0, 1, 2, 3, 4].map((n) => ({ item: n })));
		expect(checksOf(item)).toEqual([
			{ name: 'duration', asked: '15 s', got: '15 s', pass: true, source: 'mp4' },
			{ name: 'resolution', asked: '1920x1080', got: '1920x1080', pass: true, source: 'mp4' },
			{ name: 'music', asked: 'Upbeat Pop, 20%', got: 'Upbeat Pop, 20%', pass: true, source: 'timeline' },
			{ name: 'title', asked: '"Summer Collection"', got: '"Summer Collection"', pass: true, source: 'timeline' },
		]);
		expect(item.json).toMatchObject({
			allChecksPass: true,
			edits: 1,
			status: 'completed',
			uploadedFiles: expect.any(Array),
		});
		expect((item.json.uploadedFiles as IDataObject[]).length).toBe(5);
		expect(item.json.instruction).toBe(
			'Turn these 5 photos into a video exactly 15 seconds long, in 16:9 landscape format, 1920x1080 (1080p), with smooth crossfade transitions between the photos, with Upbeat Pop background music at 20% volume, with the title "Summer Collection" at the start.',
		);
		expect(item.json.metrics).toMatchObject({ durationSeconds: 15, width: 1920, height: 1080, codecName: 'H.264' });
		expect(item.binary?.data?.mimeType).toBe('video/mp4');
		expect(String(item.json.summary)).toMatch(/every check passed/);
	});

	it('One Video per Item makes a video for each item', async () => {
		const result = await run([photos(2), createVideo({ mode: 'perItem', output: 'url' })]);

		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(2);
		const items = result.output('Create Video');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(new Set(items.map((item) => item.json.sessionId)).size).toBe(2);
		expect(items.every((item) => item.json.allChecksPass === true && item.binary === undefined)).toBe(true);
	});

	it('9:16 and 1:1 become part of the instruction and the timeline has that canvas (URL output: checked on the timeline)', async () => {
		for (const [format, size] of [
			['vertical', '1080x1920'],
			['square', '1080x1080'],
		]) {
			const result = await run([photos(2), createVideo({ format, output: 'url', transitions: 'none' })]);
			const [item] = result.output('Create Video');
			expect(checksOf(item).find((check) => check.name === 'resolution')).toEqual({
				name: 'resolution',
				asked: size,
				got: size,
				pass: true,
				source: 'timeline',
			});
			expect(item.json.instruction).toMatch(
				format === 'vertical' ? /9:16 vertical format, 1080x1920.*without transitions/ : /1:1 square format, 1080x1080/,
			);
		}
	});

	it('one image animated: a generated clip of the asked length', async () => {
		const result = await run([photos(1), createVideo({ animate: true, durationSeconds: 5 })]);

		const [item] = result.output('Create Video');
		expect(item.json.allChecksPass).toBe(true);
		expect(checksOf(item)[0]).toMatchObject({ name: 'duration', got: '5 s', pass: true });
		expect(item.json.credits).toMatchObject({ neededForFirstEdit: 100 });
		expect(simulator.getSession(String(item.json.sessionId))?.edits[0].generated).toBe(true);
	});
});

describe('a video that is not what was asked', () => {
	beforeEach(() => simulator.configure({ nextEditDurationMs: 5000 } as never));

	it('Warn (default): the duration check fails with what came back, one edit only', async () => {
		const result = await run([photos(3), createVideo({ durationSeconds: 10 })]);

		const [item] = result.output('Create Video');
		expect(checksOf(item)[0]).toEqual({ name: 'duration', asked: '10 s', got: '5 s', pass: false, source: 'mp4' });
		expect(item.json.allChecksPass).toBe(false);
		expect(item.json.warning).toBe('Not what was asked: duration: asked 10 s, got 5 s');
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
	});

	it('Correct Once: exactly one correction edit, then every check passes on the rendered MP4', async () => {
		const result = await run([photos(3), createVideo({ durationSeconds: 10, onMismatch: 'correct' })]);

		const [item] = result.output('Create Video');
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(2);
		expect(requestsTo(simulator, 'POST', RENDER_START)).toHaveLength(1);
		expect(item.json).toMatchObject({ allChecksPass: true, edits: 2 });
		expect(item.json.correction).toBe(
			'Please correct the video: make the video exactly 10 seconds long (it is 5 s now). Keep everything else as it is.',
		);
		expect(checksOf(item)[0]).toEqual({ name: 'duration', asked: '10 s', got: '10 s', pass: true, source: 'mp4' });
	});

	it('Fail: the item fails naming the check; nothing is sent again', async () => {
		const result = await run([photos(3), createVideo({ durationSeconds: 10, onMismatch: 'fail' })]);

		expect(result.error?.message).toBe('The video is not what was asked: duration: asked 10 s, got 5 s');
		expect(errorDescription(result)).toMatch(/they are not repeated/);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
	});
});

describe('refusals before anything is spent', () => {
	it('too few credits: refuses with the top-up link; no session, no upload, no edit', async () => {
		simulator.setCredits(REGISTERED_TOKEN, 30);
		const result = await run([photos(2), createVideo()]);

		expect(result.error?.message).toBe('Not enough NemoVideo credits: one edit needs about 50, 30 available');
		expect(errorDescription(result)).toMatch(/Top up your NemoVideo credits at https:\/\/nemovideo\.ai\/pricing/);
		expect(simulator.log.map((entry) => entry.path)).toEqual(['/api/credits/balance/simple']);
	});

	it('an anonymous token gets the registration link', async () => {
		simulator.configure({ anonymousCredits: 40 });
		const result = await run([photos(1), createVideo()], {
			credentials: nemoVideoCredentials(simulator.url, { apiToken: '' }),
		});

		expect(result.error?.message).toBe('Not enough NemoVideo credits: one edit needs about 50, 40 available');
		expect(errorDescription(result)).toMatch(/Register a NemoVideo account at https:\/\/nemovideo\.ai\/register/);
		expect(requestsTo(simulator, 'POST', CREATE_SESSION)).toHaveLength(0);
	});

	it('Animate Single Image with two images is refused before any request', async () => {
		const result = await run([photos(2), createVideo({ animate: true })]);

		expect(result.error?.message).toBe('Animate Single Image needs exactly one image; this video has 2');
		expect(simulator.log).toEqual([]);
	});

	it('an item without the binary field is refused before any request, naming the field', async () => {
		const result = await run([node('Items', CODE_TYPE, { jsCode: 'return [{ a: 1 }];' }), createVideo()]);

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/data/);
		expect(simulator.log).toEqual([]);
	});
});

describe('as an AI agent tool', () => {
	it.each(TOOL_RUN_WAYS)('URLs in, the URL and a short summary out (%s)', async (way) => {
		const type = toolVariant(new NemoVideoCreateVideo(), way);
		const tool = node(
			'Create Video Tool',
			`${PACKAGE}.${type.description.name}`,
			{
				operation: 'create',
				source: 'url',
				urls: 'https://images.example.com/a.jpg, https://images.example.com/b.jpg',
			},
			{ credentials: { nemoVideoApi: { id: 'nemo-1', name: 'NemoVideo' } } },
		);

		const result = await run([tool], {}, [type]);

		const [item] = result.output('Create Video Tool');
		expect(Object.keys(item.json).sort()).toEqual(['allChecksPass', 'renderId', 'sessionId', 'summary', 'url']);
		expect(item.json.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cdn\/renders\//);
		expect(item.binary).toBeUndefined();
		expect(JSON.stringify(item.json)).not.toContain(REGISTERED_TOKEN);
	});

	it('the tool variant takes its images from URLs the model gives ($fromAI imageUrls), with no field set by the user', async () => {
		const type = toolVariant(new NemoVideoCreateVideo(), 'generated Tool type');
		const model = node('Model Call', CODE_TYPE, {
			jsCode: "return [{ imageUrls: 'https://images.example.com/a.jpg' }];",
		});
		const tool = node(
			'Create Video Tool',
			`${PACKAGE}.${type.description.name}`,
			{ operation: 'create' },
			{
				credentials: { nemoVideoApi: { id: 'nemo-1', name: 'NemoVideo' } },
			},
		);

		const result = await run([model, tool], {}, [type]);

		expect(result.status).toBe('success');
		const [item] = result.output('Create Video Tool');
		expect(item.json.allChecksPass).toBe(true);
		expect(String(item.json.summary)).toMatch(/Timeline \(1 track\): 1\. Video: a\.jpg \(0-10s\)/);
	});
});
