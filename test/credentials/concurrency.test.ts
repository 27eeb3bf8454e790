/**
 * Several executions of one credential at once, in one process: several WorkflowExecute runs
 * sharing one credential store, as n8n's main process or one worker runs them.
 */
import type { Simulator } from '../../simulator';
import { quietSimulator, requestsTo } from '../helpers/simulator';
import { CREDENTIAL_ID, nemoNode, nemoVideoCredentials, runChain } from '../helpers/workflow';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());
afterEach(() => simulator.configure({ tokenRejection: 'http401' }));

const TOKEN_REQUEST = /^\/api\/auth\/anonymous-token$/;
const CLIENT_ID = '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const balance = () => nemoNode('Credits', 'nemoVideoCredits', { operation: 'getBalance' });

async function sixAtOnce(credentials: ReturnType<typeof nemoVideoCredentials>) {
	const runs = await Promise.all(Array.from({ length: 6 }, async () => await runChain([balance()], credentials)));
	return {
		succeeded: runs.filter((run) => run.status === 'success' && run.output('Credits')[0]?.json.available === 100)
			.length,
		errors: runs.map((run) => run.error?.message).filter(Boolean),
	};
}

describe('one credential, six executions at once', () => {
	it('after the stored token is rejected: 6 of 6 succeed and one new token is requested', async () => {
		const stale = simulator.issueToken('anonymous', { clientId: CLIENT_ID });
		simulator.expireToken(stale);
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '', sessionToken: stale });

		const { succeeded, errors } = await sixAtOnce(credentials);

		expect(errors).toEqual([]);
		expect(succeeded).toBe(6);
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(1);
		expect(credentials.updateCount(CREDENTIAL_ID)).toBe(1);
	});

	it('after a token rejected inside HTTP 200 (code 1001): 6 of 6 succeed, one token request', async () => {
		simulator.configure({ tokenRejection: 'code200' });
		const stale = simulator.issueToken('anonymous', { clientId: CLIENT_ID });
		simulator.expireToken(stale);
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '', sessionToken: stale });

		const { succeeded, errors } = await sixAtOnce(credentials);

		expect(errors).toEqual([]);
		expect(succeeded).toBe(6);
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(1);
	});

	it('first use with a Client ID set: 6 of 6 succeed, one token request', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '' });

		const { succeeded, errors } = await sixAtOnce(credentials);

		expect(errors).toEqual([]);
		expect(succeeded).toBe(6);
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(1);
	});

	it('first use with no Client ID: one token, under one Client ID, which is stored', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '', clientId: '' });

		const { succeeded, errors } = await sixAtOnce(credentials);

		expect(errors).toEqual([]);
		expect(succeeded).toBe(6);
		const tokenRequests = requestsTo(simulator, 'POST', TOKEN_REQUEST);
		expect(tokenRequests).toHaveLength(1);
		const stored = credentials.get(CREDENTIAL_ID)?.data.clientId;
		expect(stored).toMatch(UUID);
		expect(tokenRequests[0].clientId).toBe(stored);
		// Every call of every execution named the same client.
		expect(new Set(simulator.log.map((entry) => entry.clientId))).toEqual(new Set([stored]));
	});
});
