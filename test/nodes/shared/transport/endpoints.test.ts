import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Simulator } from '../../../../simulator';
import {
	connectionFromCredentials,
	createSession,
	isOwnOrigin,
	NemoVideoClient,
	NemoVideoError,
	openDownload,
} from '../../../../nodes/shared/transport';
import { clientFor, fixedTokens, quietSimulator, REGISTERED_TOKEN, requestsTo } from '../../../helpers/simulator';

const TOKEN = 'nmv_usr_secretsecretsecret';
const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
const LIMITS = { timeoutMs: 10_000, idleTimeoutMs: 10_000 };

/** A second loopback server standing in for a CDN (or any other host): records what it was sent. */
let cdn: Server;
let cdnPort: number;
const seen: IncomingHttpHeaders[] = [];

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
	cdn = createServer((request, response) => {
		seen.push(request.headers);
		response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '4' });
		response.end('mp4!');
	});
	await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
	cdnPort = (cdn.address() as AddressInfo).port;
});
afterAll(async () => {
	await simulator.close();
	cdn.closeAllConnections();
	await new Promise<void>((resolve) => cdn.close(() => resolve()));
});
beforeEach(() => {
	seen.length = 0;
	simulator.reset();
});

function clientWithBase(baseUrl: string): NemoVideoClient {
	return new NemoVideoClient({
		connection: connectionFromCredentials({ baseUrl, clientId: CLIENT_ID, sessionToken: TOKEN }),
		tokens: fixedTokens(TOKEN),
	});
}

async function download(client: NemoVideoClient, url: string): Promise<string> {
	const opened = await openDownload(client, { url }, LIMITS);
	return await opened.body.text();
}

const NEMO_HEADERS = ['authorization', 'x-client-id', 'x-skill-source', 'x-skill-version', 'x-skill-platform'];

describe('result URLs: the token goes to the base URL’s origin only', () => {
	it('compares origins, not text: look-alike hosts and user-info URLs are other origins', () => {
		const connection = connectionFromCredentials({ baseUrl: 'https://mega-api-prod.nemovideo.ai' });
		expect(isOwnOrigin(connection, 'https://mega-api-prod.nemovideo.ai/api/render/proxy/r1/download')).toBe(true);
		expect(isOwnOrigin(connection, 'https://mega-api-prod.nemovideo.ai:443/x.mp4')).toBe(true);
		expect(isOwnOrigin(connection, 'https://mega-api-prod.nemovideo.ai.evil.example/x.mp4')).toBe(false);
		expect(isOwnOrigin(connection, 'https://mega-api-prod.nemovideo.ai@evil.example/x.mp4')).toBe(false);
		expect(isOwnOrigin(connection, 'http://mega-api-prod.nemovideo.ai/x.mp4')).toBe(false);
		expect(isOwnOrigin(connection, 'not a url')).toBe(false);
	});

	it('a URL whose text merely starts with the base URL gets no token, Client ID or attribution headers', async () => {
		// The base URL's text is a prefix of the other server's address, like
		// https://mega-api-prod.nemovideo.ai.evil.example is of https://mega-api-prod.nemovideo.ai.
		const base = `http://127.0.0.1:${String(cdnPort).slice(0, -1)}`;
		const url = `http://127.0.0.1:${cdnPort}/render/x.mp4`;
		expect(url.startsWith(base)).toBe(true);

		expect(await download(clientWithBase(base), url)).toBe('mp4!');

		expect(seen).toHaveLength(1);
		for (const name of NEMO_HEADERS) expect(seen[0][name]).toBeUndefined();
	});

	it('a URL with the base URL as user info (base@other-host) gets no token either', async () => {
		const url = `${simulator.url}@127.0.0.1:${cdnPort}/render/x.mp4`;
		expect(url.startsWith(simulator.url)).toBe(true);

		expect(await download(clientWithBase(simulator.url), url)).toBe('mp4!');

		expect(seen).toHaveLength(1);
		for (const name of NEMO_HEADERS) expect(seen[0][name]).toBeUndefined();
		expect(JSON.stringify(seen)).not.toContain(TOKEN);
		expect(simulator.log).toHaveLength(0);
	});

	it('a URL on the base URL’s own origin is sent with the token and the usual headers', async () => {
		const base = `http://127.0.0.1:${cdnPort}`;
		expect(await download(clientWithBase(base), `${base}/render/x.mp4`)).toBe('mp4!');

		expect(seen[0].authorization).toBe(`Bearer ${TOKEN}`);
		expect(seen[0]['x-client-id']).toBe(CLIENT_ID);
		expect(seen[0]['x-skill-source']).toBe('picture-to-video');
	});
});

describe('answers of an unexpected shape are protocol errors with advice', () => {
	it('a created session without session_id', async () => {
		simulator.injectFault({
			method: 'POST',
			path: '^/api/tasks/',
			kind: 'status',
			status: 200,
			body: { code: 0, data: { task_id: 't-1' } },
		});
		const error = await createSession(clientFor(simulator, REGISTERED_TOKEN), { taskName: 'x', language: 'en' }).catch(
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NemoVideoError);
		expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/no session_id/) });
		expect((error as NemoVideoError).hint).toMatch(/Base URL/);
	});

	it('a download answered with JSON instead of a file', async () => {
		simulator.injectFault({
			path: '/download$',
			kind: 'status',
			status: 200,
			body: { code: 0, data: { status: 'processing' } },
		});
		const error = await openDownload(clientFor(simulator, REGISTERED_TOKEN), { renderId: 'render_1' }, LIMITS).catch(
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NemoVideoError);
		expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/JSON instead of a file/) });
		expect((error as NemoVideoError).hint).toMatch(/Get Status/);
		expect(requestsTo(simulator, 'GET', /\/download$/)).toHaveLength(1);
	});
});
