import type { ICredentialDataDecryptedObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import {
	connectionFromCredentials,
	isTokenRejection,
	NemoVideoClient,
	NemoVideoError,
	type NemoVideoConnection,
	type TokenSource,
} from './transport';
import { isRecord } from './transport/envelope';

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
 *
 * n8n runs preAuthentication again only on HTTP 401. A token rejected inside an HTTP 200 envelope
 * (code 1001/1010/1011) is seen in the probe's answer, and the probe is sent once more with the
 * Session Token emptied, which makes n8n get and store a new one. A probe that succeeds keeps the
 * stored token: it still works, and replacing it would spend the client's one token a week.
 *
 * The connection is updated in place, so the client sees the stored Client ID, token and user id.
 */
class CredentialTokens implements TokenSource {
	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly connection: NemoVideoConnection,
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
		const probe: IHttpRequestOptions = {
			method: 'GET',
			url: `${this.connection.baseUrl}/api/credits/balance/simple`,
			json: true,
		};
		if (this.connection.clientId) probe.headers = { 'X-Client-Id': this.connection.clientId };
		try {
			const answer: unknown = await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_NAME, probe);
			if (rejectsToken(answer)) {
				const credentials = await this.ctx.getCredentials(CREDENTIAL_NAME);
				const reference = this.ctx.getNode().credentials?.[CREDENTIAL_NAME];
				await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_NAME, probe, {
					credentialsDecrypted: {
						id: reference?.id ?? '',
						name: reference?.name ?? '',
						type: CREDENTIAL_NAME,
						data: { ...credentials, sessionToken: '' } as ICredentialDataDecryptedObject,
					},
				});
			}
		} catch (error) {
			throw new NemoVideoError(`Could not get an anonymous NemoVideo token: ${messageOf(error)}`, {
				kind: 'auth',
				hint: 'Check the credential’s Base URL and Client ID. Anonymous tokens are limited to one per client per 7 days and five per IP per hour; with a registered account, enter its API Token instead.',
			});
		}
		Object.assign(this.connection, connectionFromCredentials(await this.ctx.getCredentials(CREDENTIAL_NAME)));
		return this.connection.sessionToken || undefined;
	}
}

/** Whether an answer's envelope says the token was rejected (code 1001/1010/1011 on HTTP 200). */
function rejectsToken(answer: unknown): boolean {
	return isRecord(answer) && typeof answer.code === 'number' && isTokenRejection(200, answer.code);
}

function messageOf(error: unknown): string {
	const description = (error as { description?: unknown })?.description;
	const message = (error as Error)?.message ?? String(error);
	return typeof description === 'string' && description !== '' ? `${message} (${description})` : message;
}
