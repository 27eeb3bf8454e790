import type { IExecuteFunctions } from 'n8n-workflow';

import {
	connectionFromCredentials,
	NemoVideoClient,
	NemoVideoError,
	type NemoVideoConnection,
	type TokenSource,
} from './transport';

export const CREDENTIAL_NAME = 'nemoVideoApi';

/**
 * Builds the transport client for one node run. The execution's cancel signal aborts its calls;
 * tokens come from the credential (see CredentialTokens).
 */
export async function nemoVideoClient(ctx: IExecuteFunctions): Promise<NemoVideoClient> {
	const connection = connectionFromCredentials(await ctx.getCredentials(CREDENTIAL_NAME));
	return new NemoVideoClient({
		connection,
		tokens: new CredentialTokens(ctx, connection),
		signal: ctx.getExecutionCancelSignal(),
	});
}

/**
 * Tokens from the credential. An API Token is used as is. The anonymous token lives in the
 * credential's hidden, expirable Session Token field: when it is empty or rejected, one cheap call
 * through n8n's authenticated helper makes n8n run the credential's preAuthentication and store
 * the new token, so every later execution reuses it (the service issues one per client per week).
 */
class CredentialTokens implements TokenSource {
	constructor(
		private readonly ctx: IExecuteFunctions,
		private connection: NemoVideoConnection,
	) {}

	async token(): Promise<string> {
		if (this.connection.apiToken) return this.connection.apiToken;
		if (this.connection.sessionToken) return this.connection.sessionToken;
		const token = await this.storeTokenThroughN8n();
		if (!token) {
			throw new NemoVideoError('NemoVideo issued no anonymous token', {
				kind: 'auth',
				hint: 'Check the credential’s Base URL and Client ID, or enter an API Token.',
			});
		}
		return token;
	}

	/** The token the credential holds after n8n re-checked it: new, or the same one if still accepted. */
	async refresh(): Promise<string | undefined> {
		if (this.connection.apiToken) return undefined;
		return await this.storeTokenThroughN8n();
	}

	private async storeTokenThroughN8n(): Promise<string | undefined> {
		try {
			await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_NAME, {
				method: 'GET',
				url: `${this.connection.baseUrl}/api/credits/balance/simple`,
				headers: { 'X-Client-Id': this.connection.clientId },
				json: true,
			});
		} catch (error) {
			throw new NemoVideoError(`Could not get an anonymous NemoVideo token: ${messageOf(error)}`, {
				kind: 'auth',
				hint: 'Check the credential’s Base URL and Client ID. Anonymous tokens are limited to one per client per 7 days and five per IP per hour; with a registered account, enter its API Token instead.',
			});
		}
		this.connection = connectionFromCredentials(await this.ctx.getCredentials(CREDENTIAL_NAME));
		return this.connection.sessionToken || undefined;
	}
}

function messageOf(error: unknown): string {
	const description = (error as { description?: unknown })?.description;
	const message = (error as Error)?.message ?? String(error);
	return typeof description === 'string' && description !== '' ? `${message} (${description})` : message;
}
