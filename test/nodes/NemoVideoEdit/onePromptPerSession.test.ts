import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INode, INodeExecutionData } from 'n8n-workflow';

import { createSession } from '../../../nodes/shared/transport';
import type { Simulator } from '../../../simulator';
import { BINARY_FROM_FILE_TYPE, CODE_TYPE, node } from '../../harness';
import { jpeg } from '../../helpers/media';
import { clientFor, quietSimulator, REGISTERED_TOKEN, requestsTo } from '../../helpers/simulator';
import { nemoNode, nemoVideoCredentials, runChain } from '../../helpers/workflow';
import { uploadImages } from '../../simulator/rawRequests';

/**
 * Issue 12, item 1 and 2: Upload makes one item per photo, and the Edit and Export after it send
 * one prompt and start one render per session (each item gets the result, paired to itself);
 * the chain Session → Read Files → Upload → Edit → Export works with every Session ID left at its default.
 */

const RUN_SSE = /^\/run_sse$/;
const RENDER_START = /^\/api\/render\/proxy\/lambda$/;
const CREATE_SESSION = /^\/api\/tasks\/me\/with-session\/nemo_agent$/;
const PROMPT = 'Turn these photos into a 10-second video';

let simulator: Simulator;
let dir: string;

beforeAll(async () => {
	simulator = await quietSimulator({ renderMs: 200 });
	dir = mkdtempSync(join(tmpdir(), 'nemo-group-'));
	for (let n = 1; n <= 5; n++) writeFileSync(join(dir, `photo-${n}.jpg`), jpeg(640, 480));
});
afterAll(async () => {
	await simulator.close();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
	simulator.reset();
	simulator.configure({ silentEditRate: 0, editDialect: 'simple', editDurationMs: 50, heartbeatIntervalMs: 20 });
});

const photos = () =>
	node('Read Files from Disk', BINARY_FROM_FILE_TYPE, {
		filePaths: [1, 2, 3, 4, 5].map((n) => join(dir, `photo-${n}.jpg`)).join(','),
	});
const session = () => nemoNode('NemoVideo Session', 'nemoVideoSession', { operation: 'create' });
const upload = () => nemoNode('NemoVideo Upload', 'nemoVideoUpload', { operation: 'upload' });
const edit = (options = {}, extra: Partial<INode> = {}) =>
	nemoNode('NemoVideo Edit', 'nemoVideoEdit', { operation: 'sendPrompt', prompt: PROMPT, options }, extra);
const render = (options = {}) => nemoNode('NemoVideo Export', 'nemoVideoExport', { operation: 'render', options });

const pairs = (items: INodeExecutionData[]) => items.map((item) => item.pairedItem);
const FIVE_PAIRS = [0, 1, 2, 3, 4].map((item) => ({ item }));

async function sessionWithPhotos(): Promise<string> {
	const { sessionId } = await createSession(clientFor(simulator, REGISTERED_TOKEN), {
		taskName: 'group',
		language: 'en',
	});
	await uploadImages(simulator, REGISTERED_TOKEN, sessionId, 2);
	return sessionId;
}

describe('one prompt and one render per session', () => {
	it('Session → Read Files → Upload → Edit → Export with default Session IDs: 5 photos make 1 prompt and 1 render, 5 paired outputs', async () => {
		const result = await runChain(
			[session(), photos(), upload(), edit(), render()],
			nemoVideoCredentials(simulator.url),
		);

		expect([
			result.status,
			result.error?.message,
			(result.error?.error as { description?: string })?.description,
		]).toEqual(['success', undefined, undefined]);
		expect(requestsTo(simulator, 'POST', CREATE_SESSION)).toHaveLength(1);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
		expect(requestsTo(simulator, 'POST', RENDER_START)).toHaveLength(1);

		const [created] = result.output('NemoVideo Session');
		const uploads = result.output('NemoVideo Upload');
		expect(uploads.map((item) => item.json.sessionId)).toEqual(Array(5).fill(created.json.sessionId));

		const edits = result.output('NemoVideo Edit');
		expect(pairs(edits)).toEqual(FIVE_PAIRS);
		expect(new Set(edits.map((item) => item.json.sessionId))).toEqual(new Set([created.json.sessionId]));
		expect(
			edits.every(
				(item) =>
					(item.json.timeline as { summary: string }).summary === 'Timeline (1 track): 1. Video: 5 clips (0-10s)',
			),
		).toBe(true);
		expect(simulator.getSession(String(created.json.sessionId))?.edits).toHaveLength(1);

		const renders = result.output('NemoVideo Export');
		expect(pairs(renders)).toEqual(FIVE_PAIRS);
		expect(new Set(renders.map((item) => item.json.renderId)).size).toBe(1);
		expect(
			renders.every((item) => item.json.status === 'completed' && item.binary?.data?.mimeType === 'video/mp4'),
		).toBe(true);
	});

	it('without a Session node, Upload creates one session for all its items and passes it on', async () => {
		const result = await runChain([photos(), upload(), edit()], nemoVideoCredentials(simulator.url));

		expect(result.status).toBe('success');
		expect(requestsTo(simulator, 'POST', CREATE_SESSION)).toHaveLength(1);
		const uploads = result.output('NemoVideo Upload');
		expect(uploads).toHaveLength(5);
		expect(new Set(uploads.map((item) => item.json.sessionId)).size).toBe(1);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
		expect(pairs(result.output('NemoVideo Edit'))).toEqual(FIVE_PAIRS);
	});

	it('items of two sessions: one prompt per session, each item paired to itself with its own session', async () => {
		const first = await sessionWithPhotos();
		const second = await sessionWithPhotos();
		const items = node('Items', CODE_TYPE, {
			jsCode: `return ${JSON.stringify([first, second, first, second].map((sessionId) => ({ sessionId })))};`,
		});

		const result = await runChain([items, edit()], nemoVideoCredentials(simulator.url));

		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(2);
		const edits = result.output('NemoVideo Edit');
		expect(pairs(edits)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(edits.map((item) => item.json.sessionId)).toEqual([first, second, first, second]);
	});

	it('Options → One Request per Item sends the prompt for every item', async () => {
		const sessionId = await sessionWithPhotos();
		const items = node('Items', CODE_TYPE, {
			jsCode: `return [{ sessionId: '${sessionId}' }, { sessionId: '${sessionId}' }];`,
		});

		const result = await runChain(
			[items, edit({ oneRequestPerItem: true }), render({ oneRequestPerItem: true })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.status).toBe('success');
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(2);
		expect(requestsTo(simulator, 'POST', RENDER_START)).toHaveLength(2);
		expect(pairs(result.output('NemoVideo Export'))).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('under continue on fail, a refused shared prompt gives every item its own error item', async () => {
		const sessionId = await sessionWithPhotos();
		simulator.setCredits(REGISTERED_TOKEN, 10);
		const items = node('Items', CODE_TYPE, { jsCode: `return [1, 2, 3].map(() => ({ sessionId: '${sessionId}' }));` });

		const result = await runChain(
			[items, edit({}, { onError: 'continueRegularOutput' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
		const edits = result.output('NemoVideo Edit');
		expect(pairs(edits)).toEqual([0, 1, 2].map((item) => ({ item })));
		expect(edits.every((item) => /credits/i.test(String(item.json.error)))).toBe(true);
	});
});

describe('an empty Session ID says what to put', () => {
	it('names the Session node expression, before any request', async () => {
		const items = node('Read Files', CODE_TYPE, { jsCode: 'return [{ fileName: "a.jpg" }];' });

		const result = await runChain([items, edit()], nemoVideoCredentials(simulator.url));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Session ID is empty');
		const description = String((result.error?.error as { description?: string })?.description);
		expect(description).toContain("{{ $('NemoVideo Session').item.json.sessionId }}");
		expect(simulator.log.filter((entry) => entry.path.startsWith('/api/state') || RUN_SSE.test(entry.path))).toEqual(
			[],
		);
	});
});
