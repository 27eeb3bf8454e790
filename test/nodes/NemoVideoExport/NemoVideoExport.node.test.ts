import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { NemoVideoApi } from '../../../credentials/NemoVideoApi.credentials';
import { NemoVideoExport } from '../../../nodes/NemoVideoExport/NemoVideoExport.node';
import type { Simulator } from '../../../simulator';
import { harnessRoot, CODE_TYPE, node, nodeTypesOf } from '../../harness';
import { quietSimulator, REGISTERED_TOKEN, requestsTo } from '../../helpers/simulator';
import { TOOL_RUN_WAYS, toolVariant } from '../../helpers/toolRun';
import { nemoNode, nemoVideoCredentials, PACKAGE, runChain } from '../../helpers/workflow';
import { emptySession, readySession } from './session';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator({ renderMs: 500 });
});
afterAll(async () => await simulator.close());
beforeEach(() => {
	simulator.reset();
	simulator.configure({
		renderMs: 500,
		renderUrlStyle: 'alternate',
		renderOutputBytes: undefined,
		failNextRender: undefined,
	});
});

const SAMPLE_10S = readFileSync(join(__dirname, '../../../simulator/assets/sample-10s.mp4'));
const RENDER_START = /^\/api\/render\/proxy\/lambda$/;
const RENDER_POLL = /^\/api\/render\/proxy\/lambda\/render_[^/]+$/;
const RENDER_CANCEL = /^\/api\/render\/proxy\/lambda\/render_[^/]+\/cancel$/;
const CDN = /^\/cdn\/renders\//;
const DOWNLOAD_ENDPOINT = /^\/api\/render\/proxy\/render_[^/]+\/download$/;

const render = (parameters: IDataObject = {}, extra = {}) =>
	nemoNode(
		'Export',
		'nemoVideoExport',
		{ operation: 'render', sessionId: '={{ $json.sessionId }}', ...parameters },
		extra,
	);

/** Manual Trigger → a Code step giving the session ID → the given nodes. */
async function runWithSession(sessionId: string, ...nodes: ReturnType<typeof render>[]) {
	const start = node('Session', CODE_TYPE, { jsCode: `return [{ sessionId: ${JSON.stringify(sessionId)} }];` });
	return await runChain([start, ...nodes], nemoVideoCredentials(simulator.url));
}

/** Stops the workflow 300 ms after the simulator first sees a request; resolves when it stopped. */
function stopAfterFirst(
	simulator: Simulator,
	method: string,
	path: RegExp,
): { signal: AbortSignal; stoppedAt: Promise<number> } {
	const controller = new AbortController();
	const stoppedAt = (async () => {
		while (requestsTo(simulator, method, path).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
		await new Promise((resolve) => setTimeout(resolve, 300));
		controller.abort();
		return Date.now();
	})();
	return { signal: controller.signal, stoppedAt };
}

function only(items: INodeExecutionData[]): INodeExecutionData {
	expect(items).toHaveLength(1);
	return items[0];
}

/** Files n8n's filesystem binary store holds for one execution. */
function storedFiles(executionId: string): string[] {
	return readdirSync(harnessRoot, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(harnessRoot, join(entry.parentPath, entry.name)))
		.filter((file) => file.includes(`/executions/${executionId}/`));
}

function errorDescription(result: Awaited<ReturnType<typeof runChain>>): string {
	return String((result.error?.error as { description?: string })?.description ?? '');
}

describe('NemoVideo Export: Render', () => {
	it.each([['outputUrl'], ['output.url']] as const)(
		'renders, waits and stores the MP4 with its header figures when the result URL is in %s',
		async (style) => {
			simulator.configure({ renderUrlStyle: style });
			const sessionId = await readySession(simulator);
			const result = await runWithSession(sessionId, render());

			expect(result.status).toBe('success');
			const item = only(result.output('Export'));
			const renderId = item.json.renderId as string;
			expect(renderId).toMatch(/^render_[0-9a-z]+_[0-9a-f]+$/);
			expect(item.json).toMatchObject({
				sessionId,
				status: 'completed',
				progress: 100,
				url: `${simulator.url}/cdn/renders/${renderId}.mp4`,
				fileName: `${renderId}.mp4`,
				mimeType: 'video/mp4',
				fileSizeBytes: SAMPLE_10S.length,
				timeline: 'Timeline (1 track): 1. Video: photo1.jpg (0-10s)',
			});
			expect(item.json.metrics).toMatchObject({
				bytes: SAMPLE_10S.length,
				downloadSource: 'url',
				durationSeconds: 10,
				width: 1920,
				height: 1080,
				frameRate: 25,
				codec: expect.stringMatching(/^avc1\./),
				codecName: 'H.264',
				polls: requestsTo(simulator, 'GET', RENDER_POLL).length,
			});
			const metrics = item.json.metrics as IDataObject;
			expect(metrics.submitToCompletionMs).toBeGreaterThanOrEqual(500);
			expect(item.json.summary).toContain('10 s H.264 1920x1080 25 fps');
			expect(Buffer.compare(await result.binaryBuffer(item.binary!.data), SAMPLE_10S)).toBe(0);
			expect(storedFiles(result.executionId).sort()).toEqual([
				expect.stringMatching(/binary_data\/[\w-]+$/),
				expect.stringMatching(/\.metadata$/),
			]);
			// The render was submitted with the session's current draft.
			expect(simulator.getRender(renderId)).toMatchObject({
				sessionId,
				status: 'completed',
				format: 'mp4',
				quality: 'high',
			});
			expect(JSON.stringify(item)).not.toContain(REGISTERED_TOKEN);
		},
	);

	it('refuses a session whose timeline has no tracks, before starting a render', async () => {
		const sessionId = await emptySession(simulator);
		const result = await runWithSession(sessionId, render());

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Nothing to render yet: the session’s timeline has no tracks');
		expect(errorDescription(result)).toMatch(/NemoVideo Upload.*NemoVideo Edit/);
		expect(requestsTo(simulator, 'POST', RENDER_START)).toHaveLength(0);
	});

	it('refuses a timeline whose tracks have no clips, naming what is on it', async () => {
		simulator.injectFault({
			path: '^/api/state/',
			kind: 'status',
			status: 200,
			body: {
				code: 0,
				message: 'success',
				data: {
					state: {
						draft: {
							t: [
								{ tt: 0, sg: [] },
								{ tt: 1, sg: [] },
							],
						},
					},
				},
			},
		});
		const result = await runWithSession('any-session', render());

		expect(result.error?.message).toMatch(
			/has 2 track\(s\) but no clips on them \(Timeline \(2 tracks\): 1\. Video: empty/,
		);
		expect(requestsTo(simulator, 'POST', RENDER_START)).toHaveLength(0);
	});

	it('fails the item with the service’s own error text when the render fails', async () => {
		simulator.configure({ failNextRender: 'GPU node ran out of memory' });
		const sessionId = await readySession(simulator);
		const result = await runWithSession(sessionId, render({}, { onError: 'continueRegularOutput' }));

		const item = only(result.output('Export'));
		expect(item.json).toMatchObject({
			error: 'NemoVideo could not render the video: GPU node ran out of memory',
			errorKind: 'render',
			description: expect.stringMatching(/failed on NemoVideo’s side/),
		});
		expect(requestsTo(simulator, 'GET', CDN)).toHaveLength(0);
	});

	it('gets a new render ID and tries once more when the service says the ID already exists', async () => {
		const sessionId = await readySession(simulator);
		simulator.injectFault({
			method: 'POST',
			path: RENDER_START.source,
			kind: 'status',
			status: 200,
			body: { success: false, error: 'render id already exists' },
		});
		const result = await runWithSession(sessionId, render({ output: 'url' }));

		expect(result.status).toBe('success');
		expect(requestsTo(simulator, 'POST', RENDER_START)).toHaveLength(2);
		expect(simulator.getRender(only(result.output('Export')).json.renderId as string)?.status).toBe('completed');
	});

	it('tries a duplicate ID only once more, then reports the service’s answer', async () => {
		const sessionId = await readySession(simulator);
		simulator.injectFault({
			method: 'POST',
			path: RENDER_START.source,
			kind: 'status',
			status: 200,
			times: 2,
			body: { success: false, error: 'Duplicate render ID' },
		});
		const result = await runWithSession(sessionId, render());

		expect(result.error?.message).toMatch(/Duplicate render ID/);
		expect(requestsTo(simulator, 'POST', RENDER_START)).toHaveLength(2);
	});

	it('a start whose connection breaks names the render ID, and the node checks with a cancel that the render did not start', async () => {
		const sessionId = await readySession(simulator);
		// The simulator reads the whole request body, then drops the connection without answering.
		simulator.injectFault({ method: 'POST', path: RENDER_START.source, kind: 'reset', afterBytes: 10 * 1024 * 1024 });
		const result = await runWithSession(sessionId, render({}, { onError: 'continueRegularOutput' }));

		const item = only(result.output('Export'));
		const [start] = requestsTo(simulator, 'POST', RENDER_START);
		const cancels = requestsTo(simulator, 'POST', RENDER_CANCEL);
		expect(start.aborted).toBe(true);
		expect(cancels).toHaveLength(1);
		expect(cancels[0].status).toBe(404);
		expect(cancels[0].startedAt).toBeGreaterThanOrEqual(start.startedAt);
		const renderId = cancels[0].path.split('/')[5];
		expect(item.json).toMatchObject({
			error: expect.stringMatching(
				new RegExp(
					`^Starting render ${renderId} got no answer: Could not reach NemoVideo \\(POST /api/render/proxy/lambda\\): .+; NemoVideo had no render ${renderId} to cancel$`,
				),
			),
			errorKind: 'network',
			description: expect.stringContaining(`Get Status with render ID ${renderId}`),
		});
		expect(item.json.description).toMatch(/^Render render_\S+ had not started when the node checked/);
		expect(requestsTo(simulator, 'GET', RENDER_POLL)).toHaveLength(0);
	});

	it('when that cancel gets no answer either, it says the render may still be running and how to check it', async () => {
		const sessionId = await readySession(simulator);
		simulator.injectFault({ method: 'POST', path: RENDER_START.source, kind: 'reset' });
		simulator.injectFault({ method: 'POST', path: RENDER_CANCEL.source, kind: 'delay', delayMs: 10_000 });
		const result = await runWithSession(sessionId, render());

		const [cancel] = requestsTo(simulator, 'POST', RENDER_CANCEL);
		const renderId = cancel.path.split('/')[5];
		expect(result.error?.message).toMatch(
			new RegExp(
				`^Starting render ${renderId} got no answer: .+; cancelling render ${renderId} on NemoVideo failed \\(NemoVideo did not answer in time .+\\); it may still finish there$`,
			),
		);
		expect(errorDescription(result)).toBe(
			`Render ${renderId} may still be running on NemoVideo: check it with NemoVideo Export → Get Status (render ID ${renderId}) and stop it with Cancel if it is not wanted, or run the Render again (export costs no credits). If this keeps happening, check the network between n8n and NemoVideo.`,
		);
	});

	it('explains that HTTP 402 is the plan tier or the attribution headers, not credits', async () => {
		const sessionId = await readySession(simulator);
		simulator.injectFault({
			method: 'POST',
			path: RENDER_START.source,
			kind: 'status',
			status: 402,
			body: { success: false, error: 'export blocked' },
		});
		const result = await runWithSession(sessionId, render());

		expect(result.error?.message).toMatch(/HTTP 402/);
		expect(errorDescription(result)).toMatch(/not a credits problem.*plan tier.*attribution headers/);
	});

	it('cancels the render on NemoVideo when it outlasts Max Wait, and says so', async () => {
		simulator.configure({ renderMs: 60_000 });
		const sessionId = await readySession(simulator);
		const started = Date.now();
		const result = await runWithSession(sessionId, render({ options: { maxWaitSeconds: 1 } }));

		expect(result.status).toBe('error');
		expect(Date.now() - started).toBeLessThan(5000);
		const [cancel] = requestsTo(simulator, 'POST', RENDER_CANCEL);
		const renderId = cancel.path.split('/')[5];
		expect(result.error?.message).toMatch(
			new RegExp(
				`^The render did not finish within 1 s \\(last status: (pending|processing)[^)]*\\); the node cancelled render ${renderId} on NemoVideo$`,
			),
		);
		expect(errorDescription(result)).toMatch(/Max Wait/);
		expect(simulator.getRender(renderId)).toMatchObject({ cancelled: true, status: 'cancelled' });
	});

	it('cancels the render on NemoVideo within a second when the workflow is stopped', async () => {
		simulator.configure({ renderMs: 60_000 });
		const sessionId = await readySession(simulator);
		const stop = stopAfterFirst(simulator, 'POST', RENDER_START);
		const result = await runChain(
			[node('Session', CODE_TYPE, { jsCode: `return [{ sessionId: ${JSON.stringify(sessionId)} }];` }), render()],
			nemoVideoCredentials(simulator.url),
			{ signal: stop.signal },
		);
		const stoppedAt = await stop.stoppedAt;

		expect(result.status).toBe('canceled');
		expect(result.settled).toBe(true);
		expect(result.error?.message).toMatch(
			/^The execution was canceled while render render_\S+ was running; the node cancelled render render_\S+ on NemoVideo$/,
		);
		const cancels = requestsTo(simulator, 'POST', RENDER_CANCEL);
		expect(cancels).toHaveLength(1);
		expect(cancels[0].startedAt - stoppedAt).toBeLessThan(1000);
		const renderId = cancels[0].path.split('/')[5];
		expect(simulator.getRender(renderId)).toMatchObject({ cancelled: true });
	});

	it('a stopped render settles after about a second even when the cancel call gets no answer', async () => {
		simulator.configure({ renderMs: 60_000 });
		simulator.injectFault({ method: 'POST', path: RENDER_CANCEL.source, kind: 'delay', delayMs: 10_000 });
		const sessionId = await readySession(simulator);
		const stop = stopAfterFirst(simulator, 'POST', RENDER_START);
		const result = await runChain(
			[node('Session', CODE_TYPE, { jsCode: `return [{ sessionId: ${JSON.stringify(sessionId)} }];` }), render()],
			nemoVideoCredentials(simulator.url),
			{ signal: stop.signal },
		);
		const endedAt = Date.now();
		const stoppedAt = await stop.stoppedAt;

		expect(result.status).toBe('canceled');
		// One cancel attempt of at most 1 s (it was 2 s): well under 1.8 s even on a busy machine.
		expect(endedAt - stoppedAt).toBeGreaterThanOrEqual(900);
		expect(endedAt - stoppedAt).toBeLessThan(1800);
		expect(requestsTo(simulator, 'POST', RENDER_CANCEL)).toHaveLength(1);
		expect(result.error?.message).toMatch(
			/; cancelling render render_\S+ on NemoVideo failed \(NemoVideo did not answer in time [^)]*\)\); it may still finish there$/,
		);
	});

	it('stops a download within a second when the workflow is stopped, and drops the partial file', async () => {
		simulator.configure({ renderOutputBytes: 4 * 1024 ** 3 });
		const sessionId = await readySession(simulator);
		const stop = stopAfterFirst(simulator, 'GET', CDN);
		const result = await runChain(
			[node('Session', CODE_TYPE, { jsCode: `return [{ sessionId: ${JSON.stringify(sessionId)} }];` }), render()],
			nemoVideoCredentials(simulator.url),
			{ signal: stop.signal },
		);
		const endedAt = Date.now();
		const stoppedAt = await stop.stoppedAt;

		expect(result.status).toBe('canceled');
		expect(result.settled).toBe(true);
		expect(endedAt - stoppedAt).toBeLessThan(1000);
		expect(result.error?.message).toBe('The execution was canceled while the video was downloading');
		const [download] = requestsTo(simulator, 'GET', CDN);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(download.finishedAt).toBeDefined();
		expect(requestsTo(simulator, 'POST', RENDER_CANCEL)).toHaveLength(0);
		// n8n's filesystem store writes to a temp file and removes it when the stream fails.
		expect(storedFiles(result.executionId)).toEqual([]);
	});

	it('keeps waiting through a status check that fails even after the transport’s retries', async () => {
		const sessionId = await readySession(simulator);
		simulator.injectFault({ method: 'GET', path: RENDER_POLL.source, kind: 'status', status: 503, times: 3 });
		const result = await runWithSession(sessionId, render({ output: 'url' }));

		expect(result.status).toBe('success');
		expect(requestsTo(simulator, 'GET', RENDER_POLL).map((entry) => entry.status)).toEqual([503, 503, 503, 200]);
		expect(only(result.output('Export')).json.metrics).toMatchObject({ polls: 1 });
	});

	it('a start answered {success:false, code:1002} says the session was not found, not that the API may have changed', async () => {
		const sessionId = await readySession(simulator);
		simulator.injectFault({
			method: 'POST',
			path: RENDER_START.source,
			kind: 'status',
			status: 200,
			body: { success: false, code: 1002, error: 'session not found' },
		});
		const result = await runWithSession(sessionId, render({}, { onError: 'continueRegularOutput' }));

		expect(only(result.output('Export')).json).toMatchObject({
			error: 'NemoVideo session not found (NemoVideo said: session not found)',
			errorKind: 'sessionNotFound',
			description: expect.not.stringMatching(/API may have changed/),
		});
		expect(requestsTo(simulator, 'POST', RENDER_START)).toHaveLength(1);
	});

	it('a status check answered {success:false, code:1002} cancels the render on NemoVideo and names it', async () => {
		simulator.configure({ renderMs: 60_000 });
		const sessionId = await readySession(simulator);
		simulator.injectFault({
			method: 'GET',
			path: RENDER_POLL.source,
			kind: 'status',
			status: 200,
			body: { success: false, code: 1002, error: 'session not found' },
		});
		const result = await runWithSession(sessionId, render({}, { onError: 'continueRegularOutput' }));

		const [cancel] = requestsTo(simulator, 'POST', RENDER_CANCEL);
		const renderId = cancel.path.split('/')[5];
		expect(only(result.output('Export')).json).toMatchObject({
			error: `NemoVideo refused the status check of render ${renderId}: NemoVideo session not found (NemoVideo said: session not found); the node cancelled render ${renderId} on NemoVideo`,
			errorKind: 'sessionNotFound',
			description: expect.stringMatching(
				new RegExp(`^The node cancelled render ${renderId} rather than leave it running unwatched\\.`),
			),
		});
		expect(requestsTo(simulator, 'GET', RENDER_POLL)).toHaveLength(1);
		expect(simulator.getRender(renderId)).toMatchObject({ cancelled: true, status: 'cancelled' });
	});

	it('status checks that keep failing (5xx after every retry) end the wait: the render is cancelled and named', async () => {
		simulator.configure({ renderMs: 60_000 });
		const sessionId = await readySession(simulator);
		simulator.injectFault({ method: 'GET', path: RENDER_POLL.source, kind: 'status', status: 503, times: 9 });
		const result = await runWithSession(sessionId, render());

		expect(result.status).toBe('error');
		expect(requestsTo(simulator, 'GET', RENDER_POLL).map((entry) => entry.status)).toEqual(Array(9).fill(503));
		const [cancel] = requestsTo(simulator, 'POST', RENDER_CANCEL);
		const renderId = cancel.path.split('/')[5];
		expect(result.error?.message).toBe(
			`NemoVideo's status checks of render ${renderId} kept failing: NemoVideo had a server error (HTTP 503) (NemoVideo said: simulated error: HTTP 503); the node cancelled render ${renderId} on NemoVideo`,
		);
		expect(errorDescription(result)).toMatch(/Rendering costs no credits/);
		expect(simulator.getRender(renderId)).toMatchObject({ cancelled: true, status: 'cancelled' });
	}, 60_000); // three polls on the real schedule (2 s, then growing), each retried by the transport

	it('when that cancel fails too, the error says the render may still be running and how to find it', async () => {
		simulator.configure({ renderMs: 60_000 });
		const sessionId = await readySession(simulator);
		simulator.injectFault({
			method: 'GET',
			path: RENDER_POLL.source,
			kind: 'status',
			status: 200,
			body: { success: false, code: 1002, error: 'session not found' },
		});
		simulator.injectFault({ method: 'POST', path: RENDER_CANCEL.source, kind: 'reset' });
		const result = await runWithSession(sessionId, render());

		const [cancel] = requestsTo(simulator, 'POST', RENDER_CANCEL);
		const renderId = cancel.path.split('/')[5];
		expect(result.error?.message).toMatch(
			new RegExp(`; cancelling render ${renderId} on NemoVideo failed \\(.+\\); it may still finish there$`),
		);
		expect(errorDescription(result)).toMatch(
			new RegExp(
				`^Render ${renderId} may still be running on NemoVideo: check it later with NemoVideo Export → Get Status \\(render ID ${renderId}\\)`,
			),
		);
	});

	it('falls back to the authenticated download endpoint when the result URL fails', async () => {
		const sessionId = await readySession(simulator);
		simulator.injectFault({ path: CDN.source, kind: 'cdnFail', status: 403 });
		const result = await runWithSession(sessionId, render());

		const item = only(result.output('Export'));
		expect(item.json.metrics).toMatchObject({
			downloadSource: 'downloadEndpoint',
			bytes: SAMPLE_10S.length,
			width: 1920,
		});
		expect(item.json.downloadNote).toMatch(/result URL failed \(NemoVideo refused the request \(HTTP 403\)/);
		expect(requestsTo(simulator, 'GET', CDN).map((entry) => entry.status)).toEqual([403]);
		expect(requestsTo(simulator, 'GET', DOWNLOAD_ENDPOINT).map((entry) => entry.status)).toEqual([200]);
		expect(Buffer.compare(await result.binaryBuffer(item.binary!.data), SAMPLE_10S)).toBe(0);
	});

	it('with Output → URL Only returns the URL and the service’s figures without downloading', async () => {
		const sessionId = await readySession(simulator);
		const result = await runWithSession(sessionId, render({ output: 'url' }));

		const item = only(result.output('Export'));
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({
			status: 'completed',
			url: expect.stringContaining('/cdn/renders/render_'),
			fileSizeBytes: SAMPLE_10S.length,
		});
		expect(item.json.metrics).toMatchObject({ bytes: null, downloadSource: null, durationSeconds: 10, width: null });
		expect(requestsTo(simulator, 'GET', CDN)).toHaveLength(0);
	});

	it('with Output → Binary File Only leaves the URL out and puts the file in the named field', async () => {
		const sessionId = await readySession(simulator);
		const result = await runWithSession(
			sessionId,
			render({ output: 'binary', binaryPropertyName: 'video', options: { fileName: 'launch teaser' } }),
		);

		const item = only(result.output('Export'));
		expect(item.json.url).toBeUndefined();
		expect(item.json.summary).not.toMatch(/http/);
		expect(item.binary?.video).toMatchObject({ fileName: 'launch teaser.mp4', mimeType: 'video/mp4' });
	});

	it('with Wait for Completion off returns the render ID at once; Get Status then Download finish the job', async () => {
		simulator.configure({ renderMs: 800 });
		const sessionId = await readySession(simulator);
		const started = await runWithSession(sessionId, render({ waitForCompletion: false }));
		const first = only(started.output('Export')).json;
		expect(first).toMatchObject({ status: 'pending', progress: 0, summary: expect.stringMatching(/Get Status/) });
		expect(requestsTo(simulator, 'GET', RENDER_POLL)).toHaveLength(0);

		const renderId = first.renderId as string;
		const status = nemoNode('Status', 'nemoVideoExport', { operation: 'getStatus', renderId });
		const early = await runChain([status], nemoVideoCredentials(simulator.url));
		expect(only(early.output('Status')).json).toMatchObject({ renderId, done: false, url: null });

		await new Promise((resolve) => setTimeout(resolve, 900));
		const later = await runChain(
			[
				status,
				nemoNode('Download', 'nemoVideoExport', {
					operation: 'download',
					downloadBy: 'renderId',
					renderId: '={{ $json.renderId }}',
				}),
			],
			nemoVideoCredentials(simulator.url),
		);
		expect(only(later.output('Status')).json).toMatchObject({
			status: 'completed',
			progress: 100,
			done: true,
			url: expect.stringContaining(renderId),
		});
		const downloaded = only(later.output('Download'));
		expect(downloaded.json).toMatchObject({
			renderId,
			fileSizeBytes: SAMPLE_10S.length,
			metrics: { frameRate: 25, codecName: 'H.264' },
		});
		expect(Buffer.compare(await later.binaryBuffer(downloaded.binary!.data), SAMPLE_10S)).toBe(0);
	});

	it('an empty Session ID is refused before anything is sent', async () => {
		const result = await runChain([render({ sessionId: '  ' })], nemoVideoCredentials(simulator.url));

		expect(result.error?.message).toBe('Session ID is empty');
		expect(simulator.log).toHaveLength(0);
	});
});

describe('NemoVideo Export: Get Status, Download, Cancel', () => {
	it('Get Status reports a failed render as data with the service’s error, for an IF node to branch on', async () => {
		simulator.configure({ failNextRender: 'bad transition', renderMs: 200 });
		const sessionId = await readySession(simulator);
		const started = await runWithSession(sessionId, render({ waitForCompletion: false }));
		await new Promise((resolve) => setTimeout(resolve, 300));
		const result = await runChain(
			[
				nemoNode('Status', 'nemoVideoExport', {
					operation: 'getStatus',
					renderId: only(started.output('Export')).json.renderId as string,
				}),
			],
			nemoVideoCredentials(simulator.url),
		);

		expect(only(result.output('Status')).json).toMatchObject({ status: 'failed', done: true, error: 'bad transition' });
	});

	it.each(['cancelled', 'canceled'])(
		'Get Status counts a render the service reports as %s as done, like Render does',
		async (status) => {
			simulator.injectFault({
				method: 'GET',
				path: RENDER_POLL.source,
				kind: 'status',
				status: 200,
				body: { success: true, data: { id: 'render_x', status, progress: 40 } },
			});
			const result = await runChain(
				[nemoNode('Status', 'nemoVideoExport', { operation: 'getStatus', renderId: 'render_x' })],
				nemoVideoCredentials(simulator.url),
			);

			expect(only(result.output('Status')).json).toMatchObject({ renderId: 'render_x', status, done: true });
		},
	);

	it('an unknown render ID gets a message about where render IDs come from', async () => {
		const result = await runChain(
			[nemoNode('Status', 'nemoVideoExport', { operation: 'getStatus', renderId: 'render_nope' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.error?.message).toBe('NemoVideo has no render "render_nope"');
		expect(errorDescription(result)).toMatch(/same NemoVideo credential/);
	});

	it('Download by URL stores the file under the URL’s file name and reads its header', async () => {
		const sessionId = await readySession(simulator);
		const rendered = await runWithSession(sessionId, render({ output: 'url' }));
		const url = only(rendered.output('Export')).json.url as string;
		const result = await runChain(
			[nemoNode('Download', 'nemoVideoExport', { operation: 'download', downloadBy: 'url', url })],
			nemoVideoCredentials(simulator.url),
		);

		const item = only(result.output('Download'));
		expect(item.json).toMatchObject({
			url,
			renderId: null,
			fileName: url.split('/').pop(),
			metrics: { downloadSource: 'url', width: 1920, height: 1080 },
		});
	});

	it('Download by URL refuses something that is not a web address before sending', async () => {
		const result = await runChain(
			[nemoNode('Download', 'nemoVideoExport', { operation: 'download', downloadBy: 'url', url: 'render_abc.mp4' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.error?.message).toBe('Video URL is not a web address: "render_abc.mp4"');
		expect(simulator.log).toHaveLength(0);
	});

	it('Download by URL refuses a malformed percent-escape before sending, naming the field and the URL', async () => {
		const url = `${simulator.url}/cdn/renders/50%-off.mp4`;
		const result = await runChain(
			[nemoNode('Download', 'nemoVideoExport', { operation: 'download', downloadBy: 'url', url })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.error?.message).toBe(`Video URL has a malformed percent-escape ("%"): "${url}"`);
		expect(errorDescription(result)).toMatch(/^Correct the Video URL: write a literal % as %25/);
		expect(simulator.log).toHaveLength(0);
	});

	it('Download by render ID of a render still running says it is not finished', async () => {
		simulator.configure({ renderMs: 60_000 });
		const sessionId = await readySession(simulator);
		const started = await runWithSession(sessionId, render({ waitForCompletion: false }));
		const renderId = only(started.output('Export')).json.renderId as string;
		const result = await runChain(
			[nemoNode('Download', 'nemoVideoExport', { operation: 'download', renderId })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.error?.message).toMatch(
			new RegExp(`^Render ${renderId} is not finished \\(status: (pending|processing)`),
		);
		expect(requestsTo(simulator, 'GET', CDN)).toHaveLength(0);
	});

	it('Cancel stops a running render; cancelling a finished one is reported, not an error', async () => {
		simulator.configure({ renderMs: 60_000 });
		const sessionId = await readySession(simulator);
		const started = await runWithSession(sessionId, render({ waitForCompletion: false }));
		const renderId = only(started.output('Export')).json.renderId as string;
		const cancel = nemoNode('Cancel', 'nemoVideoExport', { operation: 'cancel', renderId });

		const first = await runChain([cancel], nemoVideoCredentials(simulator.url));
		expect(only(first.output('Cancel')).json).toMatchObject({ renderId, cancelled: true, status: 'cancelled' });
		expect(simulator.getRender(renderId)?.cancelled).toBe(true);

		simulator.configure({ renderMs: 100 });
		const other = await runWithSession(sessionId, render({ output: 'url' }));
		const finishedId = only(other.output('Export')).json.renderId as string;
		const second = await runChain(
			[nemoNode('Cancel', 'nemoVideoExport', { operation: 'cancel', renderId: finishedId })],
			nemoVideoCredentials(simulator.url),
		);
		expect(only(second.output('Cancel')).json).toMatchObject({
			renderId: finishedId,
			cancelled: false,
			status: 'completed',
		});
	});
});

describe('NemoVideo Export as an AI tool', () => {
	it.each(TOOL_RUN_WAYS)('returns the URL and a short summary, never a binary file (%s)', async (way) => {
		const tool = toolVariant(new NemoVideoExport(), way);
		const sessionId = await readySession(simulator);
		const result = await runChain(
			[
				node('Session', CODE_TYPE, { jsCode: `return [{ sessionId: ${JSON.stringify(sessionId)} }];` }),
				nemoNode('Export', tool.description.name, {
					operation: 'render',
					sessionId: '={{ $json.sessionId }}',
					output: 'both',
				}),
			],
			nemoVideoCredentials(simulator.url),
			{ nodeTypes: nodeTypesOf(PACKAGE, tool), credentialTypes: { nemoVideoApi: new NemoVideoApi() } },
		);

		const item = only(result.output('Export'));
		expect(item.binary).toBeUndefined();
		expect(Object.keys(item.json).sort()).toEqual(['durationSeconds', 'renderId', 'status', 'summary', 'url']);
		expect(item.json.summary).toMatch(
			/^Render render_\S+ is ready \(10 s, 28\.6 KB\) after [\d.]+ s: http:\/\/127\.0\.0\.1:\d+\/cdn\/renders\/render_\S+\.mp4$/,
		);
		expect(requestsTo(simulator, 'GET', CDN)).toHaveLength(0);
	});
});
