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
		'The NemoVideo session to work in: the sessionId of the item (NemoVideo Session, Upload, Edit and Export all pass it on). When it is empty (e.g. right after Read Files from Disk), the session of the NemoVideo Session node before this one is used.',
};

/** What the AI model is asked to fill in for a field, when the node runs as a tool. */
export const TOOL_FILLED: Record<string, string> = {
	sessionId: 'The NemoVideo session ID (sessionId) returned by an earlier NemoVideo tool call',
	renderId: 'The render ID (renderId) returned by an earlier NemoVideo Export Render tool call',
	prompt:
		'What the NemoVideo video agent should make or change, in plain words, e.g. "Turn the uploaded image into a 5-second clip with a slow zoom". Each call is one paid edit: do not resend a prompt that already succeeded',
	urls: 'Public http(s) URLs of the images, videos or audio files to add to the session, separated by commas. Files themselves cannot be passed, only URLs',
};

/** The expression n8n's editor writes when a field is left to the model ("let the model define"). */
export function fromAiDefault(key: string, description: string, type = 'string'): string {
	return `={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('${key}', '${description.replace(/'/g, '')}', '${type}') }}`;
}

/**
 * Gives the fields named in `fills` (e.g. Session ID, Render ID) a second version shown only in the
 * node's AI tool variant, whose default lets the model fill the value ($fromAI), so an agent can
 * use the tool without the user switching fields. The ordinary node keeps its default.
 */
export function withToolDefaults(
	properties: INodeProperties[],
	fills: Record<string, string> = TOOL_FILLED,
): INodeProperties[] {
	return properties.flatMap((property) => {
		const fill = fills[property.name];
		if (fill === undefined) return [property];
		const show = property.displayOptions?.show ?? {};
		const base = property.displayOptions ?? {};
		return [
			{ ...property, displayOptions: { ...base, show: { ...show, '@tool': [false] } } },
			{
				...property,
				default: fromAiDefault(property.name, fill),
				displayOptions: { ...base, show: { ...show, '@tool': [true] } },
			},
		];
	});
}

/** The Options entry that turns "one request per group of items" off (see nodes/shared/router.ts). */
export function oneRequestPerItemOption(description: string): INodeProperties {
	return {
		displayName: 'One Request per Item',
		name: 'oneRequestPerItem',
		type: 'boolean',
		default: false,
		description,
	};
}

/** Adds `option` to the operation's Options collection (kept in alphabetical order). */
export function withOption(properties: INodeProperties[], option: INodeProperties): INodeProperties[] {
	return properties.map((property) => {
		if (property.name !== 'options' || property.type !== 'collection') return property;
		const options = [...((property.options ?? []) as INodeProperties[]), option];
		// Plain code-unit order, not localeCompare: its first call loads ICU's collator (~6 ms of n8n's start).
		options.sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0));
		return { ...property, options };
	});
}

export const CREDENTIALS = [{ name: 'nemoVideoApi', required: true, testedBy: 'nemoVideoApiTest' }];

export const ICON = { light: 'file:nemovideo.svg', dark: 'file:nemovideo.dark.svg' } as const;
