import type { Simulator } from '../../simulator';
import { quietSimulator, requestsTo } from '../helpers/simulator';
import { CREDENTIAL_ID, nemoNode, nemoVideoCredentials, runChain } from '../helpers/workflow';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());

const TOKEN_REQUEST = /^\/api\/auth\/anonymous-token$/;
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
		simulator.injectFault({ path: '^/api/credits/balance/simple$', kind: 'status', status: 401, body: { code: 1001, message: 'token invalid' } });

		const result = await runChain([balance()], credentials);

		expect(result.status).toBe('success');
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(1);
	});

	it('without a Client ID in anonymous mode, fails saying to set one, before asking for a token', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '', clientId: '' });

		const result = await runChain([balance()], credentials);

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/anonymous NemoVideo token/);
		expect(JSON.stringify(result.error?.error)).toMatch(/Client ID/);
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(0);
	});

	it('a rejected API Token fails with advice to check it, and the token appears nowhere in the output', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: 'nmv_sk_wrongwrongwrong' });

		const result = await runChain([balance()].map((n) => ({ ...n, onError: 'continueRegularOutput' as const })), credentials);

		const [item] = result.output('Credits');
		expect(item.json.error).toMatch(/rejected the token/);
		expect(item.json.description).toMatch(/Check the API Token/);
		expect(JSON.stringify(result.runData)).not.toContain('wrongwrongwrong');
	});
});
