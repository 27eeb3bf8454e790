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
	isTokenAccepted,
	requestAnonymousToken,
	tokenAttemptOf,
	type HelperRequest,
} from '../nodes/shared/transport/anonymousToken';
import { connectionFromCredentials, DEFAULT_BASE_URL } from '../nodes/shared/transport/connection';

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
				"Address of the NemoVideo API; keep the default. To try workflows without spending credits, point it at a NemoVideo simulator: it comes with this package's source repository (clone it, then npm ci && npm run simulator prints the address).",
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
	// that still works is kept rather than replaced. The node passes a Client ID derived from the
	// credential when the field is empty (the same on every worker), saved with the token; without
	// one (no node involved) a random UUID is generated. Both calls have a timeout, and stop on the
	// node's cancel signal when a node made n8n run this (see transport/anonymousToken.ts).
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const connection = connectionFromCredentials(credentials);
		// A registered account sends its API Token as is: nothing to obtain, nothing to store (copying
		// it into the Session Token would keep it in use after the API Token field is cleared).
		if (connection.apiToken) return {};
		const request = this.helpers.httpRequest as unknown as HelperRequest;
		const attempt = tokenAttemptOf(credentials) ?? {};
		if (connection.sessionToken && (await isTokenAccepted(request, connection, attempt))) {
			return { sessionToken: connection.sessionToken };
		}
		const clientId = connection.clientId || randomUUID();
		const { token, userId } = await requestAnonymousToken(request, connection, clientId, attempt);
		// n8n keeps a Client ID the user entered as an expression; a typed one is written back unchanged.
		const stored: IDataObject = { sessionToken: token, userId, clientId };
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
