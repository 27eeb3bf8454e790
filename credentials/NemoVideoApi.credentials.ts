import { randomUUID } from 'node:crypto';

import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import {
	attributionHeaders,
	connectionFromCredentials,
	DEFAULT_BASE_URL,
	type NemoVideoConnection,
} from '../nodes/shared/transport/connection';

export class NemoVideoApi implements ICredentialType {
	name = 'nemoVideoApi';

	displayName = 'NemoVideo API';

	documentationUrl = 'https://github.com/n8n-nodes-nemovideo/n8n-nodes-nemovideo#credential';

	icon = { light: 'file:nemovideo.svg', dark: 'file:nemovideo.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Token of a registered NemoVideo account. Leave empty to use a free anonymous token (100 credits, valid 7 days), obtained once and reused.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'Address of the NemoVideo API; keep the default. To try workflows without spending credits, point it at a NemoVideo simulator: it comes with this package\'s source repository (clone it, then npm ci && npm run simulator prints the address).',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 3f2c8a4e-6d1b-4c7e-9a55-0b8f2e1d7c90',
			description:
				'A UUID that identifies this n8n installation to NemoVideo (sent as X-Client-Id). Leave empty to have one generated and saved in this credential when the first anonymous token is obtained. Keep it stable: the service issues one anonymous token per client per 7 days.',
		},
		{
			displayName: 'Customize Attribution Headers',
			name: 'customizeAttribution',
			type: 'boolean',
			default: false,
			description:
				'Whether to change the X-Skill-Source, X-Skill-Version and X-Skill-Platform headers sent with every call. The defaults need no touching. NemoVideo refuses exports (HTTP 402) without these headers, so a field left empty sends its default.',
		},
		{
			displayName: 'Skill Source',
			name: 'skillSource',
			type: 'options',
			options: [
				{ name: 'Image to Video Benchmark', value: 'image-to-video-benchmark' },
				{ name: 'Image to Video Model AI', value: 'image-to-video-model-ai' },
				{ name: 'Image to Video Local', value: 'image-to-video-local' },
				{ name: 'Picture to Video', value: 'picture-to-video' },
				{ name: 'For Beginners AI Image', value: 'for-beginners-ai-image' },
				{ name: 'Custom', value: 'custom' },
			],
			default: 'picture-to-video',
			displayOptions: { show: { customizeAttribution: [true] } },
			description: 'Product the requests are attributed to (X-Skill-Source header)',
		},
		{
			displayName: 'Custom Skill Source',
			name: 'customSkillSource',
			type: 'string',
			default: '',
			displayOptions: { show: { customizeAttribution: [true], skillSource: ['custom'] } },
			description: 'Value sent as X-Skill-Source; empty sends picture-to-video',
		},
		{
			displayName: 'Skill Version',
			name: 'skillVersion',
			type: 'string',
			default: '1.0.0',
			displayOptions: { show: { customizeAttribution: [true] } },
			description: 'Version string sent as X-Skill-Version; empty sends 1.0.0',
		},
		{
			displayName: 'Skill Platform',
			name: 'skillPlatform',
			type: 'string',
			default: 'n8n',
			displayOptions: { show: { customizeAttribution: [true] } },
			description: 'Where the client runs, sent as X-Skill-Platform; empty sends n8n',
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			// The anonymous token's user id, saved with it: the registration link (?bind=) names it.
			displayName: 'User ID',
			name: 'userId',
			type: 'hidden',
			default: '',
		},
	];

	// n8n calls this when the Session Token is empty, was rejected with HTTP 401, or the credential
	// is being tested, and stores every key returned, so one anonymous token serves every execution
	// until the service rejects it. The service issues one per client per 7 days: a stored token
	// that still works is kept rather than replaced. An empty Client ID gets a generated UUID, saved
	// with the token so it stays the same across executions.
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const connection = connectionFromCredentials(credentials);
		// A registered account sends its API Token as is: nothing to obtain, nothing to store (copying
		// it into the Session Token would keep it in use after the API Token field is cleared).
		if (connection.apiToken) return {};
		if (connection.sessionToken && (await isTokenAccepted(this, connection))) {
			return { sessionToken: connection.sessionToken };
		}
		const clientId = connection.clientId || randomUUID();
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${connection.baseUrl}/api/auth/anonymous-token`,
			headers: { 'x-client-id': clientId, ...attributionHeaders(connection) },
			json: true,
		})) as { code?: number; message?: string; data?: { token?: string; user_id?: unknown } };
		const token = response?.data?.token;
		if (response?.code !== 0 || typeof token !== 'string' || token === '') {
			throw new Error(
				`NemoVideo did not issue an anonymous token (code ${String(response?.code)}: ${response?.message ?? 'no message'})`,
			);
		}
		const userId = response.data?.user_id;
		const stored: IDataObject = { sessionToken: token, userId: typeof userId === 'string' || typeof userId === 'number' ? String(userId) : '' };
		if (!connection.clientId) stored.clientId = clientId;
		return stored;
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiToken || $credentials.sessionToken}}',
				'X-Skill-Source':
					'={{($credentials.skillSource === "custom" ? $credentials.customSkillSource : $credentials.skillSource) || "picture-to-video"}}',
				'X-Skill-Version': '={{$credentials.skillVersion || "1.0.0"}}',
				'X-Skill-Platform': '={{$credentials.skillPlatform || "n8n"}}',
			},
		},
	};

	// The Test button is the nodes' `nemoVideoApiTest` (nodes/shared/credentialTest.ts): a declarative
	// test request here would take precedence and pass on any HTTP 200, an HTML page included.
}

async function isTokenAccepted(ctx: IHttpRequestHelper, connection: NemoVideoConnection): Promise<boolean> {
	const response = (await ctx.helpers.httpRequest({
		method: 'GET',
		url: `${connection.baseUrl}/api/credits/balance/simple`,
		headers: { authorization: `Bearer ${connection.sessionToken}`, ...attributionHeaders(connection) },
		json: true,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
	})) as { statusCode?: number; body?: { code?: number } };
	return response.statusCode === 200 && response.body?.code === 0;
}
