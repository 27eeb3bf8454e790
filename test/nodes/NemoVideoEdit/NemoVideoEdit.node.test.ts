import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { NemoVideoApi } from '../../../credentials/NemoVideoApi.credentials';
import { NemoVideoEdit } from '../../../nodes/NemoVideoEdit/NemoVideoEdit.node';
import { createSession } from '../../../nodes/shared/transport';
import type { Simulator } from '../../../simulator';
import {
	chain,
	CODE_TYPE,
	CredentialStore,
	MANUAL_TRIGGER_TYPE,
	node,
	nodeTypesOf,
	runWorkflow,
	type RunOptions,
} from '../../harness';
import { clientFor, quietSimulator, REGISTERED_TOKEN, requestsTo } from '../../helpers/simulator';
import { TOOL_RUN_WAYS, toolVariant, type ToolRunWay } from '../../helpers/toolRun';
import { nemoNode, nemoVideoCredentials, PACKAGE } from '../../helpers/workflow';
import { uploadImages } from '../../simulator/rawRequests';

const PROMPT = 'turn my photos into a 15-second video with smooth transitions and background music';
const INTRO = "Sure! I'll turn your 3 files into a 15-second video with smooth transitions and background music.";
const INTRO_ZH = '好的！我会把你的3个素材做成一个15秒的视频，加上流畅的转场，并配上背景音乐。';
const RUN_SSE = /^\/run_sse$/;

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => {
	simulator.reset();
	simulator.configure({ silentEditRate: 0, editDialect: 'simple', editDurationMs: 100, heartbeatIntervalMs: 20 });
});

/** A session with three photos, made outside the workflow under test. */
async function sessionWithPhotos(
	options: { token?: string; language?: string; photos?: number } = {},
): Promise<string> {
	const token = options.token ?? REGISTERED_TOKEN;
	const { sessionId } = await createSession(clientFor(simulator, token), {
		taskName: 'edit tests',
		language: options.language ?? 'en',
	});
	if (options.photos !== 0) await uploadImages(simulator, token, sessionId, options.photos ?? 3);
	return sessionId;
}

/** Manual Trigger → nodes, with this package's Edit node registered (only it: other nodes may be mid-work). */
async function runChain(nodes: INode[], credentials: CredentialStore, options: Partial<RunOptions> = {}) {
	return await runWorkflow(chain(node('Start', MANUAL_TRIGGER_TYPE), ...nodes), {
		nodeTypes: nodeTypesOf(PACKAGE, new NemoVideoEdit()),
		credentialTypes: { nemoVideoApi: new NemoVideoApi() },
		credentials,
		timeoutMs: 60_000,
		...options,
	});
}

function edit(parameters: INodeParameters, extra = {}) {
	return nemoNode('Edit', 'nemoVideoEdit', { operation: 'sendPrompt', ...parameters }, extra);
}

async function runEditNode(
	sessionId: string,
	parameters: INodeParameters = {},
	extra = {},
	credentials = nemoVideoCredentials(simulator.url),
) {
	return await runChain([edit({ sessionId, prompt: PROMPT, ...parameters }, extra)], credentials);
}

function description(result: Awaited<ReturnType<typeof runChain>>): string {
	return String((result.error?.error as { description?: string })?.description ?? '');
}

describe('NemoVideo Edit: what the agent did', () => {
	it('returns the reply, the tool calls with their results, event counts and the new timeline', async () => {
		const sessionId = await sessionWithPhotos();
		const result = await runEditNode(sessionId);

		expect(result.status).toBe('success');
		const [item] = result.output('Edit');
		expect(item.pairedItem).toEqual({ item: 0 });
		const json = item.json;
		expect(json).toMatchObject({ sessionId, silent: false, changed: true, replyTruncated: false, toolCallsOmitted: 0 });
		expect(String(json.reply).startsWith(`${INTRO}\n\n`)).toBe(true);
		expect(json.toolCalls).toEqual([
			expect.objectContaining({
				name: 'analyze_media',
				status: 'answered',
				arguments: expect.any(Object),
				result: { analyzed: 3, visual: 3, audio: 0 },
			}),
			expect.objectContaining({
				name: 'build_timeline',
				status: 'answered',
				arguments: expect.objectContaining({ duration_ms: 15000 }),
			}),
			expect.objectContaining({ name: 'add_bgm', status: 'answered', result: { ok: true, track: 'trk_bgm' } }),
			expect.objectContaining({ name: 'set_canvas', status: 'answered' }),
		]);
		expect(json.eventCounts).toMatchObject({ toolCalls: 4, toolResults: 4, messages: 2 });
		expect((json.eventCounts as IDataObject).textChunks).toBeGreaterThanOrEqual(2);
		expect(json.timeline).toMatchObject({
			summary: 'Timeline (2 tracks): 1. Video: 3 clips (0-15s) 2. BGM: Lo-fi (0-15s, 35%)',
			readyToExport: true,
			durationSeconds: 15,
			width: 1920,
			height: 1080,
		});
		expect(json.changes).toEqual([
			'added Video: 3 clips (0-15s)',
			'added BGM: Lo-fi (0-15s, 35%)',
			'duration 0s → 15s',
		]);
		expect(json.durationMs).toEqual(expect.any(Number));
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
	});

	it('ADK events: partial chunks and the final full text give each message once', async () => {
		simulator.configure({ editDialect: 'adk' });
		const sessionId = await sessionWithPhotos();
		const [item] = (await runEditNode(sessionId)).output('Edit');

		const messages = String(item.json.reply).split('\n\n');
		expect(messages).toHaveLength(2);
		expect(messages[0]).toBe(INTRO);
		expect(String(item.json.reply).split(INTRO)).toHaveLength(2);
		expect(item.json.eventCounts).toMatchObject({ finalTexts: 2, toolCalls: 4, toolResults: 4 });
		expect((item.json.eventCounts as IDataObject).partialChunks).toBeGreaterThanOrEqual(2);
		expect(
			(item.json.toolCalls as IDataObject[]).every((call) => call.status === 'answered' && typeof call.id === 'string'),
		).toBe(true);
	});

	it('Chinese replies split inside multi-byte characters arrive whole, in both dialects and with CRLF', async () => {
		const sessionId = await sessionWithPhotos({ language: 'zh-CN' });
		const replies: string[] = [];
		for (const editDialect of ['simple', 'adk', 'simple', 'adk'] as const) {
			simulator.configure({ editDialect });
			const [item] = (await runEditNode(sessionId)).output('Edit');
			replies.push(String(item.json.reply));
		}
		const edits = simulator.getSession(sessionId)?.edits ?? [];
		expect(edits.some((entry) => entry.crlf)).toBe(true);
		for (const reply of replies) {
			// Only the first edit builds the timeline from the prompt; later ones keep it.
			expect(reply.startsWith(INTRO_ZH) || reply.startsWith('好的！')).toBe(true);
			expect(reply).not.toContain('\uFFFD');
			expect(reply).toMatch(/[\u4e00-\u9fff]{4}/);
		}
		expect(replies[0].startsWith(`${INTRO_ZH}\n\n`)).toBe(true);
	});

	it('maps the agent’s GUI talk to a suggested action and keeps the reply as it is', async () => {
		const actions = new Map<string, string>();
		const sessionId = await sessionWithPhotos();
		for (let run = 0; run < 8; run++) {
			const [item] = (await runEditNode(sessionId)).output('Edit');
			const outro = String(item.json.reply).split('\n\n')[1];
			actions.set(outro, String(item.json.suggestedAction));
		}
		for (const [outro, action] of actions) {
			expect(action).toBe(/Export/.test(outro) ? 'export' : 'none');
		}
		expect([...actions.values()]).toContain('export');
		const noMedia = await sessionWithPhotos({ photos: 0 });
		const [item] = (await runEditNode(noMedia)).output('Edit');
		expect(item.json.reply).toMatch(/Click the Upload button or drag your files/);
		expect(item.json.suggestedAction).toBe('none');
		expect(item.json.timeline).toMatchObject({ readyToExport: false });
	});
});

describe('NemoVideo Edit: silent edits', () => {
	it('an edit without any text is answered from the session state: what changed, and the timeline', async () => {
		simulator.configure({ silentEditRate: 1 });
		const sessionId = await sessionWithPhotos();
		const [item] = (await runEditNode(sessionId)).output('Edit');

		expect(item.json).toMatchObject({
			reply: '',
			silent: true,
			changed: true,
			suggestedAction: 'none',
			changes: ['added Video: 3 clips (0-15s)', 'added BGM: Lo-fi (0-15s, 35%)', 'duration 0s → 15s'],
			timeline: {
				summary: 'Timeline (2 tracks): 1. Video: 3 clips (0-15s) 2. BGM: Lo-fi (0-15s, 35%)',
				readyToExport: true,
			},
		});
		expect(item.json.eventCounts).toMatchObject({ messages: 0, toolCalls: 4 });
	});

	it('a follow-up edit reports only what it changed', async () => {
		simulator.configure({ silentEditRate: 1 });
		const sessionId = await sessionWithPhotos();
		await runEditNode(sessionId);
		const [item] = (await runEditNode(sessionId, { prompt: 'add the title "Urban Dreams"' })).output('Edit');
		expect(item.json.changes).toEqual(['added Title: "Urban Dreams" (0-3s)']);
	});

	it('On Silent Reply → Fail fails the item when nothing was said and nothing changed; the default succeeds', async () => {
		simulator.configure({ silentEditRate: 1 });
		const sessionId = await sessionWithPhotos();
		await runEditNode(sessionId);

		const lenient = await runEditNode(sessionId);
		expect(lenient.status).toBe('success');
		expect(lenient.output('Edit')[0].json).toMatchObject({ silent: true, changed: false, changes: [] });

		const strict = await runEditNode(sessionId, { options: { onSilentReply: 'fail' } });
		expect(strict.status).toBe('error');
		expect(strict.error?.message).toBe('The agent sent no text and the timeline did not change');
		expect(description(strict)).toMatch(/Rephrase the prompt/);
	});
});

describe('NemoVideo Edit: a stream cut mid-way', () => {
	it('fails the item saying the edit may have been applied, with the state read afterwards; the prompt is not sent again', async () => {
		simulator.configure({ editDurationMs: 400 });
		const sessionId = await sessionWithPhotos();
		simulator.injectFault({ path: RUN_SSE.source, kind: 'sseCut', afterBytes: 300 });

		const result = await runEditNode(sessionId);

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^The edit stream broke after \d+ events?; the edit may have been applied/);
		expect(description(result)).toContain('Timeline (2 tracks): 1. Video: 3 clips (0-15s) 2. BGM: Lo-fi (0-15s, 35%)');
		expect(description(result)).toMatch(/was not sent again/);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
		expect(simulator.getSession(sessionId)?.edits).toHaveLength(1);
	});

	it('with On Error → Continue, the error item carries what is known', async () => {
		simulator.configure({ editDurationMs: 400 });
		const sessionId = await sessionWithPhotos();
		simulator.injectFault({ path: RUN_SSE.source, kind: 'sseCut', afterBytes: 300 });

		const result = await runEditNode(sessionId, {}, { onError: 'continueRegularOutput' });

		expect(result.status).toBe('success');
		const [item] = result.output('Edit');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			error: expect.stringMatching(/may have been applied/),
			errorKind: 'network',
			changed: true,
			timeline: { readyToExport: true },
		});
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
	});
});

describe('NemoVideo Edit: refusals', () => {
	it('out of credits (anonymous token) fails before streaming, with the registration link', async () => {
		const token = simulator.issueToken('anonymous', { credits: 10 });
		const sessionId = await sessionWithPhotos({ token });
		const userId = simulator.getSession(sessionId)?.userId;

		const result = await runEditNode(
			sessionId,
			{},
			{},
			nemoVideoCredentials(simulator.url, { apiToken: '', sessionToken: token }),
		);

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Not enough NemoVideo credits/);
		expect(description(result)).toContain(`https://nemovideo.ai/register?bind=${userId}`);
		expect(simulator.getSession(sessionId)?.edits).toHaveLength(0);
		expect(JSON.stringify(result.error)).not.toContain(token);
	});

	it('out of credits (registered) says to top up', async () => {
		const sessionId = await sessionWithPhotos();
		simulator.setCredits(REGISTERED_TOKEN, 10);
		const result = await runEditNode(sessionId);
		expect(description(result)).toMatch(/Top up credits/);
		expect(description(result)).not.toContain('bind=');
	});

	it('a session that no longer exists is named as such, and no prompt is sent', async () => {
		const result = await runEditNode('0d1e2f-gone');
		expect(result.error?.message).toMatch(/session not found/i);
		expect(description(result)).toMatch(/create a new session/);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(0);
	});

	it('an empty prompt is refused before anything is sent', async () => {
		const sessionId = await sessionWithPhotos();
		const before = simulator.log.length;
		const result = await runEditNode(sessionId, { prompt: '  \n ' });
		expect(result.error?.message).toBe('Prompt is empty');
		expect(description(result)).toMatch(/Write what the video agent should do/);
		expect(simulator.log.length).toBe(before);
	});

	it('a Maximum Wait that is not a positive number is refused before anything is sent', async () => {
		const sessionId = await sessionWithPhotos();
		const before = simulator.log.length;
		const result = await runEditNode(sessionId, { options: { maxWaitMinutes: -1 } });
		expect(result.error?.message).toMatch(/Maximum Wait must be a positive number/);
		expect(simulator.log.length).toBe(before);
	});

	it('items with the same session and prompt share one edit; a failed item does not stop the others under Continue', async () => {
		const good = await sessionWithPhotos();
		const items = node('Items', CODE_TYPE, {
			jsCode: `return [{ sid: ${JSON.stringify(good)} }, { sid: 'gone' }, { sid: ${JSON.stringify(good)} }];`,
		});
		const result = await runChain(
			[items, edit({ sessionId: '={{ $json.sid }}', prompt: PROMPT }, { onError: 'continueRegularOutput' })],
			nemoVideoCredentials(simulator.url),
		);
		const output = result.output('Edit');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.changed).toBe(true);
		expect(output[1].json).toMatchObject({ errorKind: 'sessionNotFound' });
		expect(output[2].json).toEqual(output[0].json);
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(1);
	});

	it('with One Request per Item, each item is its own edit', async () => {
		const good = await sessionWithPhotos();
		const items = node('Items', CODE_TYPE, {
			jsCode: `return [{ sid: ${JSON.stringify(good)} }, { sid: 'gone' }, { sid: ${JSON.stringify(good)} }];`,
		});
		const result = await runChain(
			[
				items,
				edit(
					{ sessionId: '={{ $json.sid }}', prompt: PROMPT, options: { oneRequestPerItem: true } },
					{ onError: 'continueRegularOutput' },
				),
			],
			nemoVideoCredentials(simulator.url),
		);
		const output = result.output('Edit');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.changed).toBe(true);
		expect(output[1].json).toMatchObject({ errorKind: 'sessionNotFound' });
		expect(output[2].json).toMatchObject({ changed: false, silent: false });
		expect(requestsTo(simulator, 'POST', RUN_SSE)).toHaveLength(2);
	});
});

describe('NemoVideo Edit: cancel', () => {
	it('stopping the workflow closes the stream within one second', async () => {
		simulator.configure({ editDurationMs: 20_000, heartbeatIntervalMs: 100 });
		const sessionId = await sessionWithPhotos();
		const controller = new AbortController();

		const running = runChain([edit({ sessionId, prompt: PROMPT })], nemoVideoCredentials(simulator.url), {
			signal: controller.signal,
		});
		await until(() => requestsTo(simulator, 'POST', RUN_SSE).length === 1);
		await new Promise((resolve) => setTimeout(resolve, 500));
		const stoppedAt = Date.now();
		controller.abort();
		const result = await running;

		expect(result.status).toBe('canceled');
		expect(result.settled).toBe(true);
		expect(result.error?.message).toMatch(/canceled while the edit was streaming/);
		await until(() => requestsTo(simulator, 'POST', RUN_SSE)[0].finishedAt !== undefined, 2000);
		const [entry] = requestsTo(simulator, 'POST', RUN_SSE);
		expect(entry.aborted).toBe(true);
		expect((entry.finishedAt as number) - stoppedAt).toBeLessThan(1000);
		expect(simulator.getSession(sessionId)?.edits[0].aborted).toBe(true);
	});
});

describe('NemoVideo Edit as an AI Agent tool', () => {
	/** The node answers short when an agent runs it as a tool, whichever way n8n does that. */
	async function runToolWorkflow(sessionId: string, way: ToolRunWay = 'generated Tool type') {
		const type = toolVariant(new NemoVideoEdit(), way);
		const tool = node(
			'Edit Tool',
			`${PACKAGE}.${type.description.name}`,
			{ operation: 'sendPrompt', sessionId, prompt: PROMPT },
			{
				credentials: { nemoVideoApi: { id: 'nemo-1', name: 'NemoVideo' } },
			},
		);
		return await runWorkflow(chain(node('Start', MANUAL_TRIGGER_TYPE), tool), {
			nodeTypes: nodeTypesOf(PACKAGE, type),
			credentialTypes: { nemoVideoApi: new NemoVideoApi() },
			credentials: nemoVideoCredentials(simulator.url),
		});
	}
	async function runAsTool(sessionId: string, way: ToolRunWay = 'generated Tool type'): Promise<INodeExecutionData[]> {
		return (await runToolWorkflow(sessionId, way)).output('Edit Tool');
	}

	it.each(TOOL_RUN_WAYS)(
		'a refusal says what to do in the message itself: the agent gets only the message (%s)',
		async (way) => {
			const sessionId = await sessionWithPhotos();
			simulator.setCredits(REGISTERED_TOKEN, 10);
			const result = await runToolWorkflow(sessionId, way);
			expect(result.error?.message).toMatch(/^Not enough NemoVideo credits .*\. Top up credits /s);
			expect(result.error?.message.match(/Top up credits/g)).toHaveLength(1);
			expect(simulator.getSession(sessionId)?.edits).toHaveLength(0);
		},
	);

	it.each(TOOL_RUN_WAYS)(
		'returns the reply, the suggested action and the timeline summary, nothing more (%s)',
		async (way) => {
			const sessionId = await sessionWithPhotos();
			const [item] = await runAsTool(sessionId, way);
			expect(Object.keys(item.json).sort()).toEqual(['readyToExport', 'reply', 'suggestedAction', 'timeline']);
			expect(item.json).toMatchObject({
				reply: expect.stringContaining(INTRO),
				timeline: 'Timeline (2 tracks): 1. Video: 3 clips (0-15s) 2. BGM: Lo-fi (0-15s, 35%)',
				readyToExport: true,
			});
		},
	);

	it('a long reply is cut so the whole answer stays within 2,000 characters', async () => {
		const sessionId = await sessionWithPhotos();
		simulator.configure({ nextEditStreamBytes: 200_000 });
		const [item] = await runAsTool(sessionId);
		expect((item.json.reply as string).length).toBeLessThanOrEqual(1_201);
		expect(item.json.reply).toMatch(/…$/);
		expect(JSON.stringify(item.json).length).toBeLessThanOrEqual(2_000);
	});

	it('a silent edit tells the agent what changed instead of an empty reply', async () => {
		simulator.configure({ silentEditRate: 1 });
		const sessionId = await sessionWithPhotos();
		const [item] = await runAsTool(sessionId);
		expect(item.json.reply).toBe(
			'The agent sent no text. Timeline changes: added Video: 3 clips (0-15s); added BGM: Lo-fi (0-15s, 35%); duration 0s → 15s.',
		);
		expect(item.json.suggestedAction).toBe('none');
	});
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
