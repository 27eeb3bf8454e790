import { NodeHelpers } from 'n8n-workflow';

import type { Simulator } from '../../../simulator';
import { NemoVideoApi } from '../../../credentials/NemoVideoApi.credentials';
import { NemoVideoSession } from '../../../nodes/NemoVideoSession/NemoVideoSession.node';
import { createSession, uploadUrls } from '../../../nodes/shared/transport';
import { chain, CODE_TYPE, MANUAL_TRIGGER_TYPE, node, nodeTypesOf, runWorkflow } from '../../harness';
import { clientFor, quietSimulator, REGISTERED_TOKEN, requestsTo } from '../../helpers/simulator';
import { TOOL_RUN_WAYS, toolVariant } from '../../helpers/toolRun';
import { nemoNode, nemoVideoCredentials, PACKAGE, runChain } from '../../helpers/workflow';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());

const threeItems = () => node('Three Items', CODE_TYPE, { jsCode: 'return [{ n: 1 }, { n: 2 }, { n: 3 }];' });

describe('NemoVideo Session', () => {
	it('Create returns one session per input item, paired to it', async () => {
		const result = await runChain(
			[
				threeItems(),
				nemoNode('Session', 'nemoVideoSession', { operation: 'create', taskName: 'Summer sale', language: 'en' }),
			],
			nemoVideoCredentials(simulator.url),
		);

		const items = result.output('Session');
		expect(items).toHaveLength(3);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(new Set(items.map((item) => item.json.sessionId)).size).toBe(3);
		expect(items[0].json).toEqual({
			sessionId: expect.any(String),
			taskId: expect.any(String),
			userId: expect.anything(),
		});
		expect(simulator.getSession(items[0].json.sessionId as string)?.taskName).toBe('Summer sale');
	});

	it('Get State of a new session says the timeline is empty and not ready to export', async () => {
		const result = await runChain(
			[
				nemoNode('Session', 'nemoVideoSession', { operation: 'create' }),
				nemoNode('State', 'nemoVideoSession', {
					operation: 'getState',
					sessionId: '={{ $json.sessionId }}',
					includeRawState: true,
				}),
			],
			nemoVideoCredentials(simulator.url),
		);

		const [state] = result.output('State');
		expect(state.json).toMatchObject({
			summary: 'Timeline is empty: nothing to export yet',
			readyToExport: false,
			durationSeconds: 0,
			tracks: [],
			uploadedMedia: [],
			generatedMedia: [],
			state: { draft: {} },
		});
	});

	it('Get State of an unknown session explains where a session ID comes from', async () => {
		const result = await runChain(
			[nemoNode('State', 'nemoVideoSession', { operation: 'getState', sessionId: 'no-such-session' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/session not found/i);
		expect((result.error?.error as { description?: string }).description).toMatch(/Session "Create" step/);
	});

	it('an empty Session ID is refused before anything is sent', async () => {
		const result = await runChain(
			[nemoNode('State', 'nemoVideoSession', { operation: 'getState', sessionId: '   ' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.error?.message).toBe('Session ID is empty');
		expect(requestsTo(simulator, 'GET', /^\/api\/state\//)).toHaveLength(0);
	});

	it('with On Error → Continue, a failed item becomes an error item and the others go on', async () => {
		const ids = node('Ids', CODE_TYPE, { jsCode: "return [{ id: 'missing' }, { id: '' }];" });
		const result = await runChain(
			[
				ids,
				nemoNode(
					'State',
					'nemoVideoSession',
					{ operation: 'getState', sessionId: '={{ $json.id }}' },
					{ onError: 'continueRegularOutput' },
				),
			],
			nemoVideoCredentials(simulator.url),
		);

		const items = result.output('State');
		expect(result.status).toBe('success');
		expect(items).toHaveLength(2);
		expect(items[0]).toMatchObject({
			json: { error: expect.stringMatching(/session not found/i), errorKind: 'sessionNotFound' },
			pairedItem: { item: 0 },
		});
		expect(items[1]).toMatchObject({ json: { error: 'Session ID is empty' }, pairedItem: { item: 1 } });
	});
});

describe('NemoVideo Session Get State as an AI Agent tool', () => {
	it.each(TOOL_RUN_WAYS)(
		'answers in short whatever the session holds: summary, readiness, ten media named, the rest counted, no raw state (%s)',
		async (way) => {
			const client = clientFor(simulator, REGISTERED_TOKEN);
			const { sessionId } = await createSession(client, { taskName: 'tool state', language: 'en' });
			await uploadUrls(
				client,
				sessionId,
				Array.from(
					{ length: 14 },
					(_, i) => `https://example.com/photos/a-rather-long-file-name-for-photo-${i + 1}.jpg`,
				),
			);
			const type = toolVariant(new NemoVideoSession(), way);
			const tool = node(
				'State Tool',
				`${PACKAGE}.${type.description.name}`,
				{ operation: 'getState', sessionId },
				{ credentials: { nemoVideoApi: { id: 'nemo-1', name: 'NemoVideo' } } },
			);
			const result = await runWorkflow(chain(node('Start', MANUAL_TRIGGER_TYPE), tool), {
				nodeTypes: nodeTypesOf(PACKAGE, type),
				credentialTypes: { nemoVideoApi: new NemoVideoApi() },
				credentials: nemoVideoCredentials(simulator.url),
			});

			const [answer] = result.output('State Tool');
			expect(answer.json).toMatchObject({
				sessionId,
				summary: expect.stringMatching(/^Timeline/),
				readyToExport: false,
				moreUploadedMedia: 4,
				generatedMedia: [],
			});
			expect(answer.json.uploadedMedia).toHaveLength(10);
			expect((answer.json.uploadedMedia as unknown[])[0]).toEqual({
				fileName: 'a-rather-long-file-name-for-photo-1.jpg',
				type: 'image',
			});
			expect(answer.json).not.toHaveProperty('state');
			expect(JSON.stringify(answer.json).length).toBeLessThanOrEqual(2_000);
		},
	);

	it('in the generated tool type, Session ID is left to the model and Include Raw State is not offered', () => {
		const type = toolVariant(new NemoVideoSession(), 'generated Tool type');
		const parameters = NodeHelpers.getNodeParameters(
			type.description.properties,
			{ operation: 'getState' },
			true,
			false,
			null,
			type.description,
		);
		expect(parameters?.sessionId).toMatch(/\$fromAI\('sessionId'/);
		expect(parameters).not.toHaveProperty('includeRawState');
	});
});
