import { createHash, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import {
	BINARY_FROM_FILE_TYPE,
	CODE_TYPE,
	CredentialStore,
	MANUAL_TRIGGER_TYPE,
	SET_FIELDS_TYPE,
	chain,
	harnessRoot,
	node,
	nodeTypesOf,
	runWorkflow,
	type RunOptions,
} from './index';
import { FakeTokenApi } from './fixtures/fake-token-api.credentials';
import {
	BINARY_INFO_TYPE,
	FAILING_TYPE,
	HTTP_AUTH_TYPE,
	WAIT_FOR_CANCEL_TYPE,
	FailingNode,
	cancelProbe,
	testNodeTypes,
} from './fixtures/test-nodes';
import { TokenServer } from './fixtures/token-server';

const CRED = { id: 'cred-1', name: 'Fake account' };

describe('runWorkflow (n8n-core WorkflowExecute in-process)', () => {
	let server: TokenServer;

	beforeEach(async () => {
		server = await new TokenServer().start();
	});
	afterEach(async () => {
		await server.stop();
	});

	function storeWith(data: Record<string, string> = {}) {
		return new CredentialStore([
			{
				...CRED,
				type: 'fakeTokenApi',
				data: { baseUrl: server.baseUrl, clientId: 'client-7', ...data },
			},
		]);
	}

	function options(credentials: CredentialStore, extra: Partial<RunOptions> = {}): RunOptions {
		return {
			nodeTypes: testNodeTypes(),
			credentialTypes: { fakeTokenApi: new FakeTokenApi() },
			credentials,
			...extra,
		};
	}

	const httpWorkflow = (extra: Parameters<typeof node>[3] = {}, pathParam = '/data') =>
		chain(
			node('Start', MANUAL_TRIGGER_TYPE),
			node('Call', HTTP_AUTH_TYPE, { path: pathParam }, { credentials: { fakeTokenApi: CRED }, ...extra }),
		);

	it('obtains the token once and reuses it from the store in a second execution', async () => {
		const store = storeWith();
		const first = await runWorkflow(httpWorkflow(), options(store));
		expect(first.error).toBeUndefined();
		expect(first.status).toBe('success');
		expect(first.output('Call')).toEqual([
			expect.objectContaining({
				json: { ok: true, token: 'tok-1', clientId: 'client-7' },
			}),
		]);
		expect(store.get(CRED.id)?.data.sessionToken).toBe('tok-1');
		expect(store.updateCount()).toBe(1);

		const second = await runWorkflow(httpWorkflow(), options(store));
		expect(second.status).toBe('success');
		expect(second.output('Call')[0].json.token).toBe('tok-1');
		expect(server.tokenRequests).toBe(1);
		expect(server.count('POST', '/token')).toBe(1);
		expect(server.count('GET', '/data', 200)).toBe(2);
		expect(store.updateCount()).toBe(1);
		// the token request carried only what preAuthentication added, not the auth headers
		const tokenRequest = server.requests.find((r) => r.url === '/token')!;
		expect(tokenRequest.headers['x-client-id']).toBe('client-7');
		expect(tokenRequest.headers.authorization).toBeUndefined();
	});

	it('on 401 runs preAuthentication again, retries once and stores the new token', async () => {
		const store = storeWith({ sessionToken: 'stale-token' });
		const result = await runWorkflow(httpWorkflow(), options(store));
		expect(result.error).toBeUndefined();
		expect(result.output('Call')[0].json).toEqual({
			ok: true,
			token: 'tok-1',
			clientId: 'client-7',
		});
		expect(server.count('GET', '/data', 401)).toBe(1);
		expect(server.count('GET', '/data', 200)).toBe(1);
		expect(server.tokenRequests).toBe(1);
		expect(store.get(CRED.id)?.data.sessionToken).toBe('tok-1');
		expect(store.updateCount(CRED.id)).toBe(1);
	});

	it('fails the execution with the node error when the request fails', async () => {
		const result = await runWorkflow(httpWorkflow({}, '/fail'), options(storeWith()));
		expect(result.status).toBe('error');
		expect(result.error?.nodeName).toBe('Call');
		expect(result.error?.error.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('The service was not able to process your request');
		expect((result.error?.error as { httpCode?: string }).httpCode).toBe('500');
		expect(result.run.data.resultData.error?.message).toBe(result.error?.message);
	});

	it('streams a file into the filesystem binary store and reads it back downstream', async () => {
		const filePath = path.join(harnessRoot, 'input.bin');
		const content = randomBytes(3 * 1024 * 1024 + 17);
		writeFileSync(filePath, content);
		const sha256 = createHash('sha256').update(content).digest('hex');

		const result = await runWorkflow(
			chain(
				node('Start', MANUAL_TRIGGER_TYPE),
				node('Files', BINARY_FROM_FILE_TYPE, {
					filePaths: filePath,
					count: 2,
					binaryPropertyName: 'image',
					mimeType: 'image/png',
					fileName: 'photo.png',
				}),
				node('Info', BINARY_INFO_TYPE, { binaryPropertyName: 'image' }),
			),
			options(new CredentialStore()),
		);
		expect(result.error).toBeUndefined();
		const files = result.output('Files');
		expect(files).toHaveLength(2);
		const binary = files[0].binary!.image;
		expect(binary.id).toMatch(/^filesystem-v2:workflows\/.+\/executions\/.+\/binary_data\//);
		expect(binary).toMatchObject({
			fileName: 'photo.png',
			mimeType: 'image/png',
			bytes: content.length,
		});
		expect(files[0].binary!.image.id).not.toBe(files[1].binary!.image.id);

		const info = result.output('Info');
		expect(info.map((i) => i.json)).toEqual([
			expect.objectContaining({
				size: content.length,
				sha256,
				fileName: 'photo.png',
				mimeType: 'image/png',
			}),
			expect.objectContaining({ size: content.length, sha256 }),
		]);
		expect(info[0].json.metadata).toMatchObject({
			fileName: 'photo.png',
			mimeType: 'image/png',
		});

		const readBack = await result.binaryBuffer(binary);
		expect(createHash('sha256').update(readBack).digest('hex')).toBe(sha256);

		const storedPath = result.binaryStream(binary);
		storedPath.destroy();
		await result.cleanup();
		await expect(result.binaryBuffer(binary)).rejects.toThrow();
		expect(existsSync(harnessRoot)).toBe(true);
	});

	it('aborting the signal cancels the execution and fires the node cancel signal', async () => {
		cancelProbe.abortedAt = cancelProbe.returnedAt = undefined;
		const controller = new AbortController();
		const started = new Promise<void>((resolve) => (cancelProbe.onStarted = resolve));
		const running = runWorkflow(
			chain(node('Start', MANUAL_TRIGGER_TYPE), node('Wait', WAIT_FOR_CANCEL_TYPE), node('After', SET_FIELDS_TYPE)),
			options(new CredentialStore(), { signal: controller.signal }),
		);
		await started;
		const abortAt = Date.now();
		controller.abort();
		const result = await running;
		const elapsed = Date.now() - abortAt;

		expect(cancelProbe.abortedAt).toBeDefined();
		expect(cancelProbe.returnedAt).toBeDefined();
		expect(elapsed).toBeLessThan(1000);
		expect(result.status).toBe('canceled');
		expect(result.settled).toBe(true);
		expect(result.runData.After).toBeUndefined();
		expect(result.error?.message).toMatch(/cancel|stopp/i);
	});

	it('timeoutMs cancels a running node like an n8n execution timeout', async () => {
		const startedAt = Date.now();
		const result = await runWorkflow(
			chain(node('Start', MANUAL_TRIGGER_TYPE), node('Wait', WAIT_FOR_CANCEL_TYPE)),
			options(new CredentialStore(), { timeoutMs: 300 }),
		);
		expect(Date.now() - startedAt).toBeLessThan(2000);
		expect(result.status).toBe('canceled');
		expect(result.error?.message).toMatch(/time/i);
	});

	it("onError 'continueRegularOutput' turns item errors into { json: { error } } items", async () => {
		const result = await runWorkflow(
			chain(
				node('Start', MANUAL_TRIGGER_TYPE),
				node('Items', CODE_TYPE, {
					jsCode: 'return [{ fail: false }, { fail: true }, { fail: false }];',
				}),
				node('Fail', FAILING_TYPE, {}, { onError: 'continueRegularOutput' }),
				node(
					'Call',
					HTTP_AUTH_TYPE,
					{ path: '/fail' },
					{
						credentials: { fakeTokenApi: CRED },
						onError: 'continueRegularOutput',
					},
				),
			),
			options(storeWith()),
		);
		expect(result.status).toBe('success');
		expect(result.output('Fail').map((i) => i.json)).toEqual([
			{ ok: 0 },
			{ error: 'Item 1 failed on purpose' },
			{ ok: 2 },
		]);
		const call = result.output('Call');
		expect(call).toHaveLength(3);
		for (const item of call) expect(typeof item.json.error).toBe('string');
	});

	it('without onError a node error fails the execution', async () => {
		const result = await runWorkflow(
			chain(node('Start', MANUAL_TRIGGER_TYPE), node('Fail', FAILING_TYPE)),
			options(new CredentialStore()),
		);
		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({
			message: 'Item 0 failed on purpose',
			nodeName: 'Fail',
		});
		expect(result.error?.error.name).toBe('NodeOperationError');
	});

	it('a workflow with parameter issues fails before any node runs', async () => {
		const result = await runWorkflow(httpWorkflow({}, ''), options(storeWith()));
		expect(result.status).toBe('error');
		expect(result.error?.error.name).toBe('WorkflowHasIssuesError');
		expect(result.runData).toEqual({});
		expect(server.requests).toHaveLength(0);
	});

	it('registers package nodes under <package>.<description.name>', () => {
		const failing = new FailingNode();
		expect(nodeTypesOf('n8n-nodes-nemovideo', failing)).toEqual({
			'n8n-nodes-nemovideo.failing': failing,
		});
	});

	it('Set and Code helper nodes evaluate expressions and code', async () => {
		const result = await runWorkflow(
			chain(
				node('Start', MANUAL_TRIGGER_TYPE),
				node('Items', CODE_TYPE, {
					jsCode: 'return [1, 2, 3].map((n) => ({ n }));',
				}),
				node('Set', SET_FIELDS_TYPE, {
					fields: {
						values: [
							{ name: 'double', value: '={{ $json.n * 2 }}' },
							{ name: 'tag', value: 'x' },
						],
					},
				}),
			),
			options(new CredentialStore()),
		);
		expect(result.error).toBeUndefined();
		expect(result.output('Set').map((i) => i.json)).toEqual([
			{ n: 1, double: 2, tag: 'x' },
			{ n: 2, double: 4, tag: 'x' },
			{ n: 3, double: 6, tag: 'x' },
		]);
		expect(result.nodeExecutionOrder).toEqual(['Start', 'Items', 'Set']);
	});
});
