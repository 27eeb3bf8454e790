import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Simulator } from '../../../../simulator';
import { connectionFromCredentials, probeCredential } from '../../../../nodes/shared/transport';
import { quietSimulator, REGISTERED_TOKEN } from '../../../helpers/simulator';

let simulator: Simulator;
const servers: Server[] = [];

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => {
	await simulator.close();
	for (const server of servers) server.closeAllConnections();
	await Promise.all(servers.map(async (server) => await new Promise((resolve) => server.close(resolve))));
});
beforeEach(() => simulator.reset());

/** A local HTTP server answering every request with `handler`; returns its base URL. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
	const server = createServer(handler);
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port that was free a moment ago: nothing listens there. */
async function closedPortUrl(): Promise<string> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return `http://127.0.0.1:${port}`;
}

const probe = async (fields: Record<string, string>, timeoutMs?: number) =>
	await probeCredential(connectionFromCredentials({ clientId: '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b', ...fields }), {
		timeoutMs,
	});

describe('credential test (probeCredential)', () => {
	it('passes with a registered API Token and names the balance', async () => {
		const outcome = await probe({ baseUrl: simulator.url, apiToken: REGISTERED_TOKEN });
		expect(outcome).toEqual({
			ok: true,
			message: expect.stringMatching(/^Connected to NemoVideo \(API Token\): \d+ credits available\.$/),
		});
	});

	it('with no token at all, passes on the service without asking for an anonymous token', async () => {
		const outcome = await probe({ baseUrl: simulator.url, apiToken: '' });
		expect(outcome.ok).toBe(true);
		expect(outcome.message).toContain(
			'anonymous token (100 credits, valid 7 days) is obtained and stored when a node first runs',
		);
		expect(simulator.log.filter((entry) => entry.path === '/api/auth/anonymous-token')).toHaveLength(0);
	});

	it('passes with a stored anonymous token that still works', async () => {
		const token = simulator.issueToken('anonymous', { clientId: '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b' });
		const outcome = await probe({ baseUrl: simulator.url, apiToken: '', sessionToken: token });
		expect(outcome.message).toBe('Connected to NemoVideo (anonymous token): 100 credits available.');
	});

	it.each(['http401', 'code200'] as const)(
		'fails a rejected API Token with the same words for %s',
		async (rejection) => {
			simulator.configure({ tokenRejection: rejection });
			try {
				const outcome = await probe({ baseUrl: simulator.url, apiToken: 'nmv_sk_wrongwrongwrong' });
				expect(outcome).toEqual({
					ok: false,
					message: expect.stringMatching(/^NemoVideo rejected the token: check the API Token/),
				});
				expect(outcome.message).not.toContain('wrongwrong');
			} finally {
				simulator.configure({ tokenRejection: 'http401' });
			}
		},
	);

	it('fails on a closed port with "Can\'t reach <Base URL>", not a socket code', async () => {
		const baseUrl = await closedPortUrl();
		const outcome = await probe({ baseUrl });
		expect(outcome).toEqual({
			ok: false,
			message: `Can't reach ${baseUrl}: nothing is listening at that address. Check the Base URL and that this n8n can reach it.`,
		});
		expect(outcome.message).not.toMatch(/ECONNREFUSED/);
	});

	it("fails on an HTML page answered with HTTP 200 (such as n8n's own editor)", async () => {
		const baseUrl = await serve((_request, response) => {
			response.writeHead(200, { 'content-type': 'text/html' });
			response.end('<!DOCTYPE html><html><body>n8n.io - Workflow Automation</body></html>');
		});
		const outcome = await probe({ baseUrl, apiToken: REGISTERED_TOKEN });
		expect(outcome).toEqual({
			ok: false,
			message: expect.stringMatching(
				new RegExp(`^${baseUrl} is not a NemoVideo API: it answered .* with an HTML page \\(HTTP 200\\)`),
			),
		});
	});

	it('fails on JSON that is not a NemoVideo envelope', async () => {
		const baseUrl = await serve((_request, response) => {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end('{"status":"ok"}');
		});
		const outcome = await probe({ baseUrl });
		expect(outcome.ok).toBe(false);
		expect(outcome.message).toContain(
			'is not a NemoVideo API: it answered /api/credits/balance/simple with JSON without a NemoVideo "code" (HTTP 200)',
		);
	});

	it('gives up on a server that never answers, within its deadline', async () => {
		const baseUrl = await serve(() => {
			/* never answers */
		});
		const outcome = await probe({ baseUrl }, 300);
		expect(outcome).toEqual({
			ok: false,
			message: `Can't reach ${baseUrl}: no answer within 300 ms. Check the Base URL and that this n8n can reach it.`,
		});
	});

	it('refuses a Base URL that is not an http(s) address before sending anything', async () => {
		const outcome = await probe({ baseUrl: 'mega-api-prod.nemovideo.ai' });
		expect(outcome.ok).toBe(false);
		expect(outcome.message).toMatch(/is not an http\(s\) address/);
	});
});
