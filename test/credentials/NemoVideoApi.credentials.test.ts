import type { IHttpRequestHelper } from 'n8n-workflow';

import { NemoVideoApi } from '../../credentials/NemoVideoApi.credentials';
import type { Simulator } from '../../simulator';
import { HarnessCredentialsHelper, HarnessCredentialTypes } from '../harness';
import { quietSimulator, REGISTERED_TOKEN, requestsTo } from '../helpers/simulator';
import { CREDENTIAL_ID, nemoNode, nemoVideoCredentials, runChain } from '../helpers/workflow';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());
afterEach(() => simulator.configure({ tokenRejection: 'http401' }));

const TOKEN_REQUEST = /^\/api\/auth\/anonymous-token$/;
const CREDITS = /^\/api\/credits\/balance\/simple$/;
const CLIENT_ID = '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const balance = () => nemoNode('Credits', 'nemoVideoCredits', { operation: 'getBalance' });

describe('NemoVideo credential', () => {
	it('with no API Token, gets one anonymous token, stores it, and a second execution reuses it', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '' });

		const first = await runChain([balance()], credentials);
		const second = await runChain([balance()], credentials);

		expect(first.status).toBe('success');
		expect(second.status).toBe('success');
		expect(first.output('Credits')[0].json.available).toBe(100);
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(1);
		const stored = credentials.get(CREDENTIAL_ID)?.data.sessionToken as string;
		expect(stored).toMatch(/^nmv_usr_/);
		expect(credentials.updateCount(CREDENTIAL_ID)).toBe(1);
	});

	it('replaces a stored anonymous token the service rejects, once, and the node still succeeds', async () => {
		const stale = simulator.issueToken('anonymous', { clientId: '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b' });
		simulator.expireToken(stale);
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '', sessionToken: stale });

		const result = await runChain([balance()], credentials);

		expect(result.status).toBe('success');
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(1);
		const stored = credentials.get(CREDENTIAL_ID)?.data.sessionToken;
		expect(stored).toMatch(/^nmv_usr_/);
		expect(stored).not.toBe(stale);
	});

	it('keeps a stored token that still works instead of asking for another', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '' });
		await runChain([balance()], credentials);
		simulator.injectFault({
			path: '^/api/credits/balance/simple$',
			kind: 'status',
			status: 401,
			body: { code: 1001, message: 'token invalid' },
		});

		const result = await runChain([balance()], credentials);

		expect(result.status).toBe('success');
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(1);
	});

	it('with no Client ID, generates one, stores it with the token, and a second execution reuses both', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '', clientId: '' });

		const first = await runChain([balance()], credentials);
		const stored = { ...credentials.get(CREDENTIAL_ID)?.data };
		const firstCalls = requestsTo(simulator, 'GET', CREDITS);
		const second = await runChain([balance()], credentials);
		const secondCalls = requestsTo(simulator, 'GET', CREDITS).slice(firstCalls.length);

		expect(first.status).toBe('success');
		expect(second.status).toBe('success');
		expect(stored.clientId).toMatch(UUID);
		expect(stored.sessionToken).toMatch(/^nmv_usr_/);
		const tokenRequests = requestsTo(simulator, 'POST', TOKEN_REQUEST);
		expect(tokenRequests).toHaveLength(1);
		expect(tokenRequests[0].clientId).toBe(stored.clientId);
		expect(credentials.get(CREDENTIAL_ID)?.data).toMatchObject({
			clientId: stored.clientId,
			sessionToken: stored.sessionToken,
		});
		// The node's own call sends the new Client ID already in the first execution, and every later one.
		expect(firstCalls.at(-1)?.clientId).toBe(stored.clientId);
		expect(secondCalls.length).toBeGreaterThan(0);
		for (const entry of secondCalls) expect(entry.clientId).toBe(stored.clientId);
	});

	it('stores the anonymous user id with the token; a 2001 without a link still names it in ?bind=', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '' });
		await runChain([balance()], credentials);
		const userId = credentials.get(CREDENTIAL_ID)?.data.userId as string;
		expect(userId).toMatch(/^anon_/);
		simulator.injectFault({
			path: CREDITS.source,
			kind: 'status',
			status: 200,
			body: { code: 2001, message: 'insufficient credits' },
		});

		const result = await runChain([{ ...balance(), onError: 'continueRegularOutput' as const }], credentials);

		const [item] = result.output('Credits');
		expect(item.json.error).toMatch(/Not enough NemoVideo credits/);
		expect(item.json.description).toContain(`?bind=${userId}`);
	});

	it('replaces a token rejected with code 1001 inside HTTP 200 once, stores it, and the next execution uses it', async () => {
		simulator.configure({ tokenRejection: 'code200' });
		const stale = simulator.issueToken('anonymous', { clientId: CLIENT_ID });
		simulator.expireToken(stale);
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '', sessionToken: stale });

		const first = await runChain([balance()], credentials);
		const fresh = credentials.get(CREDENTIAL_ID)?.data.sessionToken;
		const second = await runChain([balance()], credentials);

		expect(first.status).toBe('success');
		expect(first.output('Credits')[0].json.available).toBe(100);
		expect(fresh).toMatch(/^nmv_usr_/);
		expect(fresh).not.toBe(stale);
		expect(second.status).toBe('success');
		expect(second.output('Credits')[0].json.available).toBe(100);
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(1);
		expect(credentials.get(CREDENTIAL_ID)?.data.sessionToken).toBe(fresh);
		// The rejections all came as HTTP 200: n8n's own 401 refresh never ran.
		expect(requestsTo(simulator, 'GET', CREDITS).every((entry) => entry.status === 200)).toBe(true);
	});

	it('keeps a stored token when a code 1001 inside HTTP 200 was passing and the token still works', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '' });
		await runChain([balance()], credentials);
		const token = credentials.get(CREDENTIAL_ID)?.data.sessionToken;
		simulator.injectFault({
			path: CREDITS.source,
			kind: 'status',
			status: 200,
			body: { code: 1001, message: 'token invalid' },
		});

		const result = await runChain([balance()], credentials);

		expect(result.status).toBe('success');
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(1);
		expect(credentials.get(CREDENTIAL_ID)?.data.sessionToken).toBe(token);
	});

	it('with an API Token, preAuthentication stores nothing: clearing the API Token later goes anonymous', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: REGISTERED_TOKEN, sessionToken: '' });
		const helper = new HarnessCredentialsHelper(
			new HarnessCredentialTypes({ nemoVideoApi: new NemoVideoApi() }),
			credentials,
		);
		const noRequests = {
			helpers: {
				httpRequest: async () => {
					throw new Error('no request expected');
				},
			},
		} as unknown as IHttpRequestHelper;
		// What n8n does before an authenticated request (or a credential test) with an empty Session Token.
		const data = { ...credentials.get(CREDENTIAL_ID)!.data };
		await helper.preAuthentication(noRequests, data, 'nemoVideoApi', balance(), true);
		expect(credentials.updateCount(CREDENTIAL_ID)).toBe(0);
		expect(credentials.get(CREDENTIAL_ID)?.data.sessionToken).toBe('');

		const row = credentials.get(CREDENTIAL_ID)!;
		credentials.add({ ...row, data: { ...row.data, apiToken: '' } });
		const result = await runChain([balance()], credentials);

		expect(result.status).toBe('success');
		// The anonymous allowance, not the registered account's balance.
		expect(result.output('Credits')[0].json.available).toBe(100);
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(1);
	});

	it('a rejected API Token fails with advice to check it, and the token appears nowhere in the output', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: 'nmv_sk_wrongwrongwrong' });

		const result = await runChain(
			[balance()].map((n) => ({ ...n, onError: 'continueRegularOutput' as const })),
			credentials,
		);

		const [item] = result.output('Credits');
		expect(item.json.error).toMatch(/rejected the token/);
		expect(item.json.description).toMatch(/Check the API Token/);
		expect(JSON.stringify(result.runData)).not.toContain('wrongwrongwrong');
	});
});
