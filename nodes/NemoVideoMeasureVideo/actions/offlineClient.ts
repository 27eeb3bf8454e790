import type { IExecuteFunctions } from 'n8n-workflow';

import { connectionFromCredentials, NemoVideoClient, NemoVideoError } from '../../shared/transport';

/**
 * Measure Video calls no NemoVideo API and has no credential, so the shared router gets a client
 * without one: any call it tried would fail saying so (none is made).
 */
export async function offlineClient(ctx: IExecuteFunctions): Promise<NemoVideoClient> {
	const refuse = async (): Promise<string> => {
		throw new NemoVideoError('Measure Video has no NemoVideo credential and calls no NemoVideo API', {
			kind: 'auth',
			hint: 'Use the other NemoVideo nodes for API calls.',
		});
	};
	return new NemoVideoClient({
		connection: connectionFromCredentials({}),
		tokens: { token: refuse, refresh: async () => undefined },
		signal: ctx.getExecutionCancelSignal(),
	});
}
