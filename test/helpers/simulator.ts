import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator';
import {
	connectionFromCredentials,
	DEFAULT_RETRY_POLICY,
	NemoVideoClient,
	type ClientOptions,
	type RetryPolicy,
	type TokenSource,
} from '../../nodes/shared/transport';

export const REGISTERED_TOKEN = 'nmv_sk_simulator';

/** Starts a quiet simulator for one test file; call the returned `stop` in afterAll. */
export async function quietSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	return await startSimulator({ quiet: true, seed: 7, ...options });
}

/** Retry waits scaled down so tests run fast while keeping the same rules. */
export const FAST_RETRY: RetryPolicy = {
	...DEFAULT_RETRY_POLICY,
	baseDelayMs: 10,
	maxDelayMs: 40,
	rateLimitDefaultMs: 50,
};

export function fixedTokens(token: string, refreshed?: string): TokenSource & { refreshCalls: string[] } {
	const refreshCalls: string[] = [];
	return {
		refreshCalls,
		token: async () => token,
		refresh: async (rejected: string) => {
			refreshCalls.push(rejected);
			return refreshed;
		},
	};
}

export function clientFor(
	simulator: Simulator,
	token: string,
	options: Partial<ClientOptions> & { refreshed?: string } = {},
): NemoVideoClient & { tokenSource: ReturnType<typeof fixedTokens> } {
	const tokens = fixedTokens(token, options.refreshed);
	const client = new NemoVideoClient({
		connection: connectionFromCredentials({
			baseUrl: simulator.url,
			clientId: '11111111-2222-4333-8444-555555555555',
			apiToken: token.startsWith('nmv_sk_') ? token : '',
			sessionToken: token.startsWith('nmv_sk_') ? '' : token,
		}),
		tokens,
		retry: FAST_RETRY,
		...options,
	});
	return Object.assign(client, { tokenSource: tokens });
}

/** Requests the simulator received for a path, ignoring its control routes. */
export function requestsTo(simulator: Simulator, method: string, path: RegExp) {
	return simulator.log.filter((entry) => entry.method === method && path.test(entry.path));
}
