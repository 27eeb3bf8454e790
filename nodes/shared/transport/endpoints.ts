import {
	optionalNumber,
	optionalString,
	renderJob,
	uploadedFiles,
	type CreditsBalance,
	type RenderJob,
	type Session,
	type SessionState,
	type UploadedFile,
} from './answers';
import type { OpenedStream, RequestBody } from './callSpec';
import type { NemoVideoClient } from './client';
import { isOwnOrigin } from './connection';
import { isRecord } from './envelope';
import { NemoVideoError } from './errors';

/** Paths take `me` for the token's own user; the service also accepts the user id. */
const ME = 'me';
const AGENT = 'nemo_agent';

export async function createSession(
	client: NemoVideoClient,
	input: { taskName: string; language: string },
): Promise<Session> {
	const data = await client.call<Record<string, unknown>>({
		method: 'POST',
		path: `/api/tasks/${ME}/with-session/${AGENT}`,
		json: { task_name: input.taskName, language: input.language },
	});
	const sessionId = optionalString(data?.session_id);
	if (!sessionId) {
		throw new NemoVideoError('NemoVideo created a session but returned no session_id', {
			kind: 'protocol',
			method: 'POST',
			path: `/api/tasks/${ME}/with-session/${AGENT}`,
			hint: 'The answer did not have the expected shape: check that the Base URL points at the NemoVideo API (not a proxy or another service), then try again. The session may exist without an ID to use.',
		});
	}
	return { sessionId, taskId: optionalString(data?.task_id), userId: optionalString(data?.user_id) };
}

export async function getCreditsBalance(client: NemoVideoClient): Promise<CreditsBalance> {
	const data = await client.call<Record<string, unknown>>({ method: 'GET', path: '/api/credits/balance/simple' });
	return {
		available: optionalNumber(data?.available) ?? 0,
		frozen: optionalNumber(data?.frozen) ?? 0,
		total: optionalNumber(data?.total) ?? 0,
		totalGranted: optionalNumber(data?.total_granted),
		totalConsumed: optionalNumber(data?.total_consumed),
	};
}

export async function getSessionState(client: NemoVideoClient, sessionId: string): Promise<SessionState> {
	const data = await client.call<Record<string, unknown>>({
		method: 'GET',
		path: `/api/state/${AGENT}/${ME}/${encodeURIComponent(sessionId)}/latest`,
	});
	return isRecord(data?.state) ? (data.state as SessionState) : {};
}

export async function uploadFiles(
	client: NemoVideoClient,
	sessionId: string,
	body: { open(): RequestBody; replayable: boolean },
	options: { timeoutMs: number; idleTimeoutMs: number },
): Promise<UploadedFile[]> {
	const data = await client.call<Record<string, unknown>>({
		method: 'POST',
		path: uploadPath(sessionId),
		body,
		// Never repeated after a reset, a 5xx or a cut answer: it may have been stored. The caller
		// confirms by the session's state before sending again (uploadConfirm.ts).
		safeToRepeat: false,
		...options,
	});
	return uploadedFiles(data);
}

export async function uploadUrls(
	client: NemoVideoClient,
	sessionId: string,
	urls: string[],
	options: { timeoutMs?: number; idleTimeoutMs?: number } = {},
): Promise<UploadedFile[]> {
	const data = await client.call<Record<string, unknown>>({
		method: 'POST',
		path: uploadPath(sessionId),
		json: { urls, source_type: 'url' },
		// The service fetches the URLs before it answers.
		...options,
	});
	return uploadedFiles(data);
}

/** Opens the edit's SSE stream. Never repeated by the transport: a message may take effect. */
export async function openEditStream(
	client: NemoVideoClient,
	input: { sessionId: string; prompt: string; maxWaitMs: number; idleTimeoutMs: number },
): Promise<{ stream?: OpenedStream; data?: unknown }> {
	return await client.open({
		method: 'POST',
		path: '/run_sse',
		accept: 'text/event-stream',
		json: {
			app_name: AGENT,
			user_id: ME,
			session_id: input.sessionId,
			new_message: { parts: [{ text: input.prompt }] },
		},
		timeoutMs: input.maxWaitMs,
		idleTimeoutMs: input.idleTimeoutMs,
	});
}

export async function startRender(
	client: NemoVideoClient,
	input: { renderId: string; sessionId: string; draft: unknown; format: string; quality: string },
): Promise<RenderJob> {
	const data = await client.call<unknown>({
		method: 'POST',
		path: '/api/render/proxy/lambda',
		json: {
			id: input.renderId,
			sessionId: input.sessionId,
			draft: input.draft,
			output: { format: input.format, quality: input.quality },
		},
	});
	return renderJob(data, input.renderId);
}

export async function getRender(
	client: NemoVideoClient,
	renderId: string,
	options: { timeoutMs?: number } = {},
): Promise<RenderJob> {
	const data = await client.call<unknown>({
		method: 'GET',
		path: `/api/render/proxy/lambda/${encodeURIComponent(renderId)}`,
		...options,
	});
	return renderJob(data, renderId);
}

export async function cancelRender(client: NemoVideoClient, renderId: string): Promise<void> {
	// Cancelling twice is harmless, so this POST may be repeated.
	await client.call({
		method: 'POST',
		path: `/api/render/proxy/lambda/${encodeURIComponent(renderId)}/cancel`,
		safeToRepeat: true,
	});
}

/**
 * Opens a result file: the result URL or the authenticated download endpoint. A result URL gets the
 * token only when it is on the base URL's own origin (a CDN or any other host never sees it).
 */
export async function openDownload(
	client: NemoVideoClient,
	source: { url: string } | { renderId: string },
	options: { timeoutMs: number; idleTimeoutMs: number },
): Promise<OpenedStream> {
	const byUrl = 'url' in source;
	const path = byUrl ? source.url : `/api/render/proxy/${encodeURIComponent(source.renderId)}/download`;
	const opened = await client.open({
		method: 'GET',
		path,
		accept: 'video/mp4,application/octet-stream,*/*',
		auth: !byUrl || isOwnOrigin(client.connection, source.url),
		...options,
	});
	if (!opened.stream) {
		throw new NemoVideoError('NemoVideo answered the download with JSON instead of a file', {
			kind: 'protocol',
			method: 'GET',
			path: byUrl ? safePath(source.url) : path,
			hint: 'The result file was not served: the render may not be finished or its file may have expired. Check the render with Get Status, then download again.',
		});
	}
	return opened.stream;
}

/** A URL's path only, for messages (result URLs may carry signatures in their query). */
function safePath(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return '(result URL)';
	}
}

function uploadPath(sessionId: string): string {
	return `/api/upload-video/${AGENT}/${ME}/${encodeURIComponent(sessionId)}`;
}
