/** What the nodes say about the anonymous token's lifecycle: refused Client IDs, new users, credits. */
import { TOKEN_LIMITS } from '../../nodes/shared/transport/anonymousToken';
import type { Simulator } from '../../simulator';
import type { WorkflowRunResult } from '../harness';
import { quietSimulator, requestsTo } from '../helpers/simulator';
import { CREDENTIAL_ID, nemoNode, nemoVideoCredentials, runChain } from '../helpers/workflow';

let simulator: Simulator;
const defaults = { ...TOKEN_LIMITS };

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => {
	simulator.reset();
	TOKEN_LIMITS.rereadDelaysMs = [5, 10];
});
afterEach(() => {
	Object.assign(TOKEN_LIMITS, defaults);
	simulator.configure({ clientIdReuse: 'whileNoValidToken' });
});

const TOKEN_REQUEST = /^\/api\/auth\/anonymous-token$/;
const CREDITS = /^\/api\/credits\/balance\/simple$/;
const CLIENT_ID = '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b';
const onError = { onError: 'continueRegularOutput' as const };
const balance = () => nemoNode('Credits', 'nemoVideoCredits', { operation: 'getBalance' }, onError);

function failure(result: WorkflowRunResult, node: string): { error: string; description: string } {
	const [item] = result.output(node);
	return { error: String(item?.json.error), description: String(item?.json.description) };
}

describe('a rejected token whose Client ID the service will not serve again', () => {
	it('says the token was rejected and what fixes it; a new Client ID then works', async () => {
		simulator.configure({ clientIdReuse: 'oncePerWeek' });
		const stale = simulator.issueToken('anonymous', { clientId: CLIENT_ID });
		simulator.expireToken(stale);
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '', sessionToken: stale });

		const refused = failure(await runChain([balance()], credentials), 'Credits');

		expect(refused.error).toMatch(
			/rejected the credential’s anonymous token .* will not issue a new one for its Client ID/,
		);
		expect(refused.description).toMatch(/new UUID in the credential’s Client ID field/);
		expect(refused.description).toMatch(/API Token/);
		expect(`${refused.error} ${refused.description}`).not.toMatch(/rate limit|too many|Base URL/i);

		const row = credentials.get(CREDENTIAL_ID)!;
		credentials.add({ ...row, data: { ...row.data, clientId: '7a1e4c2b-3d5f-4a6b-8c9d-0e1f2a3b4c5d' } });
		const fixed = await runChain([balance()], credentials);

		expect(fixed.output('Credits')[0].json.available).toBe(100);
	});

	it('on first use, says the Client ID already got its token this week', async () => {
		simulator.configure({ clientIdReuse: 'oncePerWeek' });
		simulator.expireToken(simulator.issueToken('anonymous', { clientId: CLIENT_ID }));

		const refused = failure(
			await runChain([balance()], nemoVideoCredentials(simulator.url, { apiToken: '' })),
			'Credits',
		);

		expect(refused.error).toMatch(
			/already issued one for this credential’s Client ID in the last 7 days, and this credential does not hold it/,
		);
		expect(refused.description).toMatch(/new UUID in the credential’s Client ID field/);
	});
});

describe('a session made with a token that has since been replaced', () => {
	it('answers 1002, and the node says the new token is a new user rather than blaming the Session ID', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '' });
		const created = await runChain([nemoNode('Session', 'nemoVideoSession', { operation: 'create' })], credentials);
		const sessionId = created.output('Session')[0].json.sessionId as string;
		simulator.expireToken(credentials.get(CREDENTIAL_ID)?.data.sessionToken as string);

		const result = await runChain(
			[nemoNode('State', 'nemoVideoSession', { operation: 'getState', sessionId }, onError)],
			credentials,
		);

		const { error, description } = failure(result, 'State');
		expect(error).toMatch(/session not found/);
		expect(description).toMatch(/replaced during this run\. The new token belongs to a new NemoVideo user/);
		expect(description).not.toMatch(/^Check the Session ID/);
		expect(requestsTo(simulator, 'POST', TOKEN_REQUEST)).toHaveLength(2);
	});

	it('Session Create answering 1002 does not ask for a Session ID it never took', async () => {
		const credentials = nemoVideoCredentials(simulator.url);
		simulator.injectFault({
			path: '^/api/tasks/',
			kind: 'status',
			status: 200,
			body: { code: 1002, message: 'session not found' },
		});

		const result = await runChain(
			[nemoNode('Session', 'nemoVideoSession', { operation: 'create' }, onError)],
			credentials,
		);

		const { description } = failure(result, 'Session');
		expect(description).toMatch(/creates a session, which takes no Session ID/);
		expect(description).not.toMatch(/Check the Session ID/);
	});
});

describe('out of credits (2001)', () => {
	const outOfCredits = (data: Record<string, string>) =>
		simulator.injectFault({
			path: CREDITS.source,
			kind: 'status',
			status: 200,
			body: { code: 2001, message: 'insufficient credits', data },
		});

	it('anonymous: the registration link the service sends (data.bind), not one built from the user id', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '' });
		await runChain([balance()], credentials);
		outOfCredits({ bind: 'https://nemovideo.ai/account/bind?ticket=t-81f2' });

		const { description } = failure(await runChain([balance()], credentials), 'Credits');

		expect(description).toContain('Register at https://nemovideo.ai/account/bind?ticket=t-81f2');
		expect(description).not.toContain(`?bind=${credentials.get(CREDENTIAL_ID)?.data.userId as string}`);
	});

	it('anonymous: a register_url is used too', async () => {
		const credentials = nemoVideoCredentials(simulator.url, { apiToken: '' });
		await runChain([balance()], credentials);
		outOfCredits({ register_url: 'https://nemovideo.ai/register?from=n8n&u=42' });

		const { description } = failure(await runChain([balance()], credentials), 'Credits');

		expect(description).toContain('https://nemovideo.ai/register?from=n8n&u=42');
	});

	it('registered: the top-up link the service sends (data.topup_url)', async () => {
		outOfCredits({ topup_url: 'https://nemovideo.ai/billing/topup?plan=pro' });

		const { description } = failure(await runChain([balance()], nemoVideoCredentials(simulator.url)), 'Credits');

		expect(description).toContain('Top up credits at https://nemovideo.ai/billing/topup?plan=pro');
	});
});
