import type { Simulator } from '../../../simulator';
import { createSession, openEditStream, uploadUrls } from '../../../nodes/shared/transport';
import { clientFor, REGISTERED_TOKEN } from '../../helpers/simulator';

/**
 * A session whose timeline is ready to export, made the way a workflow makes one: create, add a
 * photo by URL, and one edit (its SSE stream read to the end). Same user as nemoVideoCredentials().
 */
export async function readySession(
	simulator: Simulator,
	prompt = 'turn my photo into a 10-second video',
): Promise<string> {
	const client = clientFor(simulator, REGISTERED_TOKEN);
	const { sessionId } = await createSession(client, { taskName: 'export test', language: 'en' });
	await uploadUrls(client, sessionId, ['https://images.example.com/photo1.jpg']);
	const opened = await openEditStream(client, { sessionId, prompt, maxWaitMs: 20_000, idleTimeoutMs: 10_000 });
	if (opened.stream) for await (const chunk of opened.stream.body) void chunk;
	return sessionId;
}

/** A session with nothing on its timeline yet. */
export async function emptySession(simulator: Simulator): Promise<string> {
	const { sessionId } = await createSession(clientFor(simulator, REGISTERED_TOKEN), {
		taskName: 'empty',
		language: 'en',
	});
	return sessionId;
}
