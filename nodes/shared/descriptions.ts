import type { INodeProperties } from 'n8n-workflow';

/** The Session ID field every session-bound operation shows, wired from a Session "Create" step. */
export const sessionIdProperty: INodeProperties = {
	displayName: 'Session ID',
	name: 'sessionId',
	type: 'string',
	required: true,
	default: '={{ $json.sessionId }}',
	placeholder: 'e.g. 9f1c2d3e-…',
	description:
		'The NemoVideo session to work in, usually from a NemoVideo Session "Create" step (sessionId field)',
};

export const CREDENTIALS = [{ name: 'nemoVideoApi', required: true, testedBy: 'nemoVideoApiTest' }];

export const ICON = { light: 'file:nemovideo.svg', dark: 'file:nemovideo.dark.svg' } as const;
