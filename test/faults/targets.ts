/**
 * What the fault matrix aims at: every node operation that calls NemoVideo, the route a fault is
 * injected on, how the operation's calls may be repeated, and how to count what it created on the
 * service (so a repeated non-idempotent call shows up as a duplicate, whatever the node reported).
 */
import { join } from 'node:path';

import type { INode, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../simulator';
import { createSession, openEditStream, startRender, uploadUrls } from '../../nodes/shared/transport';
import { BINARY_FROM_FILE_TYPE, CODE_TYPE, node } from '../harness';
import { clientFor } from '../helpers/simulator';
import { nemoNode } from '../helpers/workflow';

/**
 * read: safe to repeat (GETs); create: must never be repeated blindly (the service may have acted);
 * upload: repeated only after the session's state shows the file did not arrive; cancel: harmless to repeat.
 */
export type TargetKind = 'read' | 'create' | 'upload' | 'cancel';

export interface Prepared {
	/** The nodes after the Manual Trigger (a Code step feeding IDs, then the node under test). */
	nodes: INode[];
	/** How many things the call under test has created on the service (sessions, files, edits, renders). */
	created(): number;
}

export interface Target {
	name: string;
	kind: TargetKind;
	method: 'GET' | 'POST';
	/** Regex source of the route the fault hits. */
	route: string;
	/** Whether the call names a session or render: a token of another user cannot reach it (1002). */
	sessionBound: boolean;
	/** Sets up what the call needs, as the user holding `token`. */
	prepare(sim: Simulator, token: string): Promise<Prepared>;
}

const NODE = 'Node under test';
const feed = (json: Record<string, unknown>) =>
	node('Input', CODE_TYPE, { jsCode: `return [${JSON.stringify(json)}];` });
const under = (type: string, parameters: INodeParameters) =>
	nemoNode(NODE, type, parameters, { onError: 'continueRegularOutput' });

async function newSession(sim: Simulator, token: string): Promise<string> {
	return (await createSession(clientFor(sim, token), { taskName: 'fault matrix', language: 'en' })).sessionId;
}

/** A session ready to export: a photo by URL and one edit, read to its end. */
async function readySession(sim: Simulator, token: string): Promise<string> {
	const client = clientFor(sim, token);
	const sessionId = await newSession(sim, token);
	await uploadUrls(client, sessionId, ['https://images.example.com/photo1.jpg']);
	const opened = await openEditStream(client, {
		sessionId,
		prompt: 'turn my photo into a 10-second video',
		maxWaitMs: 20_000,
		idleTimeoutMs: 10_000,
	});
	if (opened.stream) for await (const chunk of opened.stream.body) void chunk;
	return sessionId;
}

/** A render of a ready session, started outside the node under test. */
async function startedRender(sim: Simulator, token: string): Promise<{ sessionId: string; renderId: string }> {
	const sessionId = await readySession(sim, token);
	const renderId = `render_fault_${Math.random().toString(36).slice(2, 10)}`;
	const draft = sim.getSession(sessionId)?.state.draft;
	await startRender(clientFor(sim, token), { renderId, sessionId, draft, format: 'mp4', quality: 'high' });
	return { sessionId, renderId };
}

/** A counter of what the service did from now on. */
function since(sim: Simulator, what: 'sessions' | 'renders' | 'edits'): () => number {
	const before = sim.counts()[what];
	return () => sim.counts()[what] - before;
}

export const NODE_UNDER_TEST = NODE;

export const TARGETS: Target[] = [
	{
		name: 'Credits · Get Balance',
		kind: 'read',
		sessionBound: false,
		method: 'GET',
		route: '^/api/credits/balance/simple$',
		prepare: async () => ({ nodes: [under('nemoVideoCredits', { operation: 'getBalance' })], created: () => 0 }),
	},
	{
		name: 'Session · Create',
		kind: 'create',
		sessionBound: false,
		method: 'POST',
		route: '^/api/tasks/me/with-session/',
		prepare: async (sim) => {
			return { nodes: [under('nemoVideoSession', { operation: 'create' })], created: since(sim, 'sessions') };
		},
	},
	{
		name: 'Session · Get State',
		kind: 'read',
		sessionBound: true,
		method: 'GET',
		route: '^/api/state/',
		prepare: async (sim, token) => {
			const sessionId = await newSession(sim, token);
			return {
				nodes: [
					feed({ sessionId }),
					under('nemoVideoSession', { operation: 'getState', sessionId: '={{ $json.sessionId }}' }),
				],
				created: () => 0,
			};
		},
	},
	{
		name: 'Upload · URL',
		kind: 'upload',
		sessionBound: true,
		method: 'POST',
		route: '^/api/upload-video/',
		prepare: async (sim, token) => {
			const sessionId = await newSession(sim, token);
			return {
				nodes: [
					feed({ sessionId }),
					under('nemoVideoUpload', {
						operation: 'upload',
						sessionId: '={{ $json.sessionId }}',
						source: 'url',
						urls: 'https://images.example.com/photo1.jpg',
					}),
				],
				created: () => sim.getSession(sessionId)?.state.video_infos.length ?? 0,
			};
		},
	},
	{
		name: 'Upload · Binary File',
		kind: 'upload',
		sessionBound: true,
		method: 'POST',
		route: '^/api/upload-video/',
		prepare: async (sim, token) => {
			const sessionId = await newSession(sim, token);
			const photo = node('Photo', BINARY_FROM_FILE_TYPE, {
				filePaths: join(__dirname, '../../examples/images/product-1.jpg'),
			});
			return {
				nodes: [
					photo,
					under('nemoVideoUpload', {
						operation: 'upload',
						sessionId,
						source: 'binary',
						binaryFields: 'named',
						binaryPropertyName: 'data',
					}),
				],
				created: () => sim.getSession(sessionId)?.state.video_infos.length ?? 0,
			};
		},
	},
	{
		name: 'Edit · Send Prompt',
		kind: 'create',
		sessionBound: true,
		method: 'POST',
		route: '^/run_sse$',
		prepare: async (sim, token) => {
			const sessionId = await newSession(sim, token);
			const edits = since(sim, 'edits');
			return {
				nodes: [
					feed({ sessionId }),
					under('nemoVideoEdit', {
						operation: 'sendPrompt',
						sessionId: '={{ $json.sessionId }}',
						prompt: 'turn my photos into a 10-second video',
					}),
				],
				created: edits,
			};
		},
	},
	{
		name: 'Export · Render',
		kind: 'create',
		sessionBound: true,
		method: 'POST',
		route: '^/api/render/proxy/lambda$',
		prepare: async (sim, token) => {
			const sessionId = await readySession(sim, token);
			return {
				nodes: [
					feed({ sessionId }),
					under('nemoVideoExport', { operation: 'render', sessionId: '={{ $json.sessionId }}', output: 'url' }),
				],
				created: since(sim, 'renders'),
			};
		},
	},
	{
		name: 'Export · Get Status',
		kind: 'read',
		sessionBound: true,
		method: 'GET',
		route: '^/api/render/proxy/lambda/render_[^/]+$',
		prepare: async (sim, token) => {
			const { renderId } = await startedRender(sim, token);
			return {
				nodes: [
					feed({ renderId }),
					under('nemoVideoExport', { operation: 'getStatus', renderId: '={{ $json.renderId }}' }),
				],
				created: () => 0,
			};
		},
	},
	{
		name: 'Export · Cancel',
		kind: 'cancel',
		sessionBound: true,
		method: 'POST',
		route: '^/api/render/proxy/lambda/render_[^/]+/cancel$',
		prepare: async (sim, token) => {
			const { renderId } = await startedRender(sim, token);
			return {
				nodes: [
					feed({ renderId }),
					under('nemoVideoExport', { operation: 'cancel', renderId: '={{ $json.renderId }}' }),
				],
				created: () => 0,
			};
		},
	},
];
