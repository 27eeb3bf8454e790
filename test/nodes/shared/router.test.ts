import type { IDataObject, INode, INodeParameters, INodeType } from 'n8n-workflow';

import { NemoVideoApi } from '../../../credentials/NemoVideoApi.credentials';
import { NemoVideoExport } from '../../../nodes/NemoVideoExport/NemoVideoExport.node';
import { NemoVideoSession } from '../../../nodes/NemoVideoSession/NemoVideoSession.node';

import type { Simulator } from '../../../simulator';
import { createSession } from '../../../nodes/shared/transport';
import { chain, CODE_TYPE, MANUAL_TRIGGER_TYPE, node, nodeTypesOf, runWorkflow } from '../../harness';
import { clientFor, quietSimulator, REGISTERED_TOKEN, requestsTo } from '../../helpers/simulator';
import { toolVariant } from '../../helpers/toolRun';
import { CREDENTIAL_ID, nemoNode, nemoVideoCredentials, PACKAGE, runChain } from '../../helpers/workflow';

/**
 * The layer every node shares (nodes/shared/router.ts, errors.ts), seen through real workflows:
 * what n8n shows for a failure, and how the item loop ends on a stop.
 */

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());

const CREDITS = /^\/api\/credits\/balance\/simple$/;
const CREATE_SESSION = /^\/api\/tasks\/me\/with-session\/nemo_agent$/;
const balance = (extra: Partial<INode> = {}) =>
	nemoNode('Credits', 'nemoVideoCredits', { operation: 'getBalance' }, extra);
const threeItems = () => node('Three Items', CODE_TYPE, { jsCode: 'return [{ n: 1 }, { n: 2 }, { n: 3 }];' });

describe('errors as n8n shows them', () => {
	it('an unreachable Base URL keeps our message and the Base URL hint (n8n does not swap in its ECONNREFUSED text)', async () => {
		const result = await runChain([balance()], nemoVideoCredentials('http://127.0.0.1:9'));

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Could not reach NemoVideo \(GET \/api\/credits\/balance\/simple\)/);
		const error = result.error?.error as unknown as { description?: string; message: string };
		expect(error.message).toMatch(/^Could not reach NemoVideo/);
		expect(error.description).toMatch(/Check the Base URL in the NemoVideo credential \(http:\/\/127\.0\.0\.1:9\)/);
	});

	it('under "Continue (using error output)" a failed item goes to the error output, its hint and kind under details', async () => {
		const result = await runChain(
			[balance({ onError: 'continueErrorOutput' })],
			nemoVideoCredentials('http://127.0.0.1:9'),
		);

		expect(result.status).toBe('success');
		expect(result.output('Credits', 0)).toHaveLength(0);
		const [item] = result.output('Credits', 1);
		expect(item.json.error).toMatch(/^Could not reach NemoVideo/);
		expect(item.json.details).toMatchObject({ description: expect.stringMatching(/Base URL/), errorKind: 'network' });
	});

	it('the same under continue on fail: the error item carries our message and hint', async () => {
		const result = await runChain(
			[balance({ onError: 'continueRegularOutput' })],
			nemoVideoCredentials('http://127.0.0.1:9'),
		);

		const [item] = result.output('Credits');
		expect(item.json.error).toMatch(/^Could not reach NemoVideo/);
		expect(item.json.description).toMatch(/Base URL/);
		expect(item.json.errorKind).toBe('network');
	});

	it('an envelope code on HTTP 200 (2001) is not shown as an HTTP code', async () => {
		simulator.injectFault({
			path: CREDITS.source,
			kind: 'status',
			status: 200,
			body: { code: 2001, message: 'insufficient credits' },
			times: 2,
		});

		const continued = await runChain(
			[balance({ onError: 'continueRegularOutput' })],
			nemoVideoCredentials(simulator.url),
		);
		const stopped = await runChain([balance()], nemoVideoCredentials(simulator.url));

		const [item] = continued.output('Credits');
		expect(item.json.error).toMatch(/Not enough NemoVideo credits/);
		expect(item.json).not.toHaveProperty('httpCode');
		expect(stopped.error?.message).toMatch(/Not enough NemoVideo credits/);
		expect((stopped.error?.error as unknown as { httpCode?: unknown }).httpCode ?? null).toBeNull();
	});

	it('a failing HTTP status is still shown as the HTTP code', async () => {
		simulator.injectFault({
			path: CREDITS.source,
			kind: 'status',
			status: 402,
			body: { code: 402, message: 'payment required' },
		});

		const result = await runChain([balance({ onError: 'continueRegularOutput' })], nemoVideoCredentials(simulator.url));

		expect(result.output('Credits')[0].json).toMatchObject({
			httpCode: '402',
			errorKind: 'plan',
			error: expect.stringMatching(/HTTP 402/),
		});
	});

	it('a token the service echoes while refusing a new one appears nowhere in the output', async () => {
		const echoed = 'nmv_usr_0123456789abcdef';
		simulator.injectFault({
			path: '^/api/auth/anonymous-token$',
			kind: 'status',
			status: 429,
			body: { code: 429, message: `this client already holds ${echoed}` },
		});

		const result = await runChain(
			[balance({ onError: 'continueRegularOutput' })],
			nemoVideoCredentials(simulator.url, { apiToken: '' }),
		);

		const [item] = result.output('Credits');
		expect(item.json.error).toMatch(/Could not get an anonymous NemoVideo token/);
		expect(JSON.stringify(result.runData)).not.toContain(echoed);
	});
});

describe('a stopped execution ends the item loop even when the node continues on fail', () => {
	/** Stops the workflow as soon as the simulator sees the first request to `path`. */
	function stopOnFirst(path: RegExp, method: string): AbortController {
		const controller = new AbortController();
		const timer = setInterval(() => {
			if (requestsTo(simulator, method, path).length > 0) {
				clearInterval(timer);
				controller.abort();
			}
		}, 10);
		controller.signal.addEventListener('abort', () => clearInterval(timer));
		return controller;
	}

	it('per-item operations: the first item’s cancel stops the node, no error item per remaining item', async () => {
		simulator.injectFault({ method: 'POST', path: CREATE_SESSION.source, kind: 'delay', delayMs: 10_000, times: 3 });
		const controller = stopOnFirst(CREATE_SESSION, 'POST');

		const result = await runChain(
			[
				threeItems(),
				nemoNode('Session', 'nemoVideoSession', { operation: 'create' }, { onError: 'continueRegularOutput' }),
			],
			nemoVideoCredentials(simulator.url),
			{ signal: controller.signal },
		);

		expect(result.status).toBe('canceled');
		const run = result.runData.Session?.[0];
		expect(run?.error?.message).toMatch(/canceled/);
		const items = run?.data?.main?.[0] ?? [];
		expect(items.filter((item) => item.json.error !== undefined)).toEqual([]);
		expect(requestsTo(simulator, 'POST', CREATE_SESSION)).toHaveLength(1);
	});

	it('batched operations (Upload): the same', async () => {
		const sessionId = (await createSession(clientFor(simulator, REGISTERED_TOKEN), { taskName: 'x', language: 'en' }))
			.sessionId;
		const UPLOAD = /^\/api\/upload-video\//;
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'delay', delayMs: 10_000, times: 3 });
		const controller = stopOnFirst(UPLOAD, 'POST');

		const result = await runChain(
			[
				threeItems(),
				nemoNode(
					'Upload',
					'nemoVideoUpload',
					{ operation: 'upload', sessionId, source: 'url', urls: '=https://example.com/{{ $json.n }}.png' },
					{ onError: 'continueRegularOutput' },
				),
			],
			nemoVideoCredentials(simulator.url),
			{ signal: controller.signal },
		);

		expect(result.status).toBe('canceled');
		const run = result.runData.Upload?.[0];
		expect(run?.error?.message).toMatch(/canceled/);
		const items = run?.data?.main?.[0] ?? [];
		expect(items.filter((item) => item.json.error !== undefined)).toEqual([]);
		expect(requestsTo(simulator, 'POST', UPLOAD)).toHaveLength(1);
	});
});

describe('tool variants: the model fills Session ID and Render ID', () => {
	async function runTool(base: INodeType, parameters: INodeParameters, input: IDataObject) {
		const type = toolVariant(base, 'generated Tool type');
		return await runWorkflow(
			chain(
				node('Start', MANUAL_TRIGGER_TYPE),
				node('Model Call', CODE_TYPE, { jsCode: `return [${JSON.stringify(input)}];` }),
				node('Tool', `${PACKAGE}.${type.description.name}`, parameters, {
					credentials: { nemoVideoApi: { id: CREDENTIAL_ID, name: 'NemoVideo' } },
				}),
			),
			{
				nodeTypes: nodeTypesOf(PACKAGE, type),
				credentialTypes: { nemoVideoApi: new NemoVideoApi() },
				credentials: nemoVideoCredentials(simulator.url),
				timeoutMs: 60_000,
			},
		);
	}

	it('Session Get State reads the session the model named ($fromAI default), without the user setting the field', async () => {
		const sessionId = (await createSession(clientFor(simulator, REGISTERED_TOKEN), { taskName: 'x', language: 'en' }))
			.sessionId;

		const result = await runTool(
			new NemoVideoSession(),
			{ operation: 'getState', includeRawState: false },
			{ sessionId },
		);

		expect(result.status).toBe('success');
		expect(result.output('Tool')[0].json).toMatchObject({ sessionId, readyToExport: false });
	});

	it('Export Get Status reads the render ID the model named', async () => {
		const result = await runTool(new NemoVideoExport(), { operation: 'getStatus' }, { renderId: 'render_unknown_1' });

		// as a tool the hint joins the message: n8n's agent passes only the message to the model
		expect(result.error?.message).toMatch(/^NemoVideo has no render "render_unknown_1"\. Check the Render ID: /);
		expect(requestsTo(simulator, 'GET', /^\/api\/render\/proxy\/lambda\/render_unknown_1$/)).toHaveLength(1);
	});

	it('the ordinary nodes keep {{ $json.sessionId }} and {{ $json.renderId }} as defaults', () => {
		const defaults = (base: INodeType, name: string) =>
			base.description.properties
				.filter((property) => property.name === name)
				.map((property) => [property.displayOptions?.show?.['@tool'], property.default]);
		expect(defaults(new NemoVideoSession(), 'sessionId')).toEqual([
			[[false], '={{ $json.sessionId }}'],
			[[true], expect.stringContaining("$fromAI('sessionId'")],
		]);
		expect(defaults(new NemoVideoExport(), 'renderId').map(([tool]) => tool)).toEqual([
			[false],
			[true],
			[false],
			[true],
			[false],
			[true],
		]);
		expect(defaults(new NemoVideoExport(), 'renderId')[0][1]).toBe('={{ $json.renderId }}');
	});
});
