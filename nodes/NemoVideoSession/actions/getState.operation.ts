import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sessionIdProperty } from '../../shared/descriptions';
import { summarizeDraft, type TimelineSummary } from '../../shared/timeline';
import { isToolRun } from '../../shared/toolRun';
import { getSessionState, type NemoVideoClient } from '../../shared/transport';
import { sessionIdParameter } from '../../shared/validation';

const properties: INodeProperties[] = [
	sessionIdProperty,
	{
		displayName: 'Include Raw State',
		name: 'includeRawState',
		type: 'boolean',
		default: true,
		description:
			'Whether to add the full session state as returned by NemoVideo (draft, media, analyses) under "state"',
		// As an AI tool the node always answers in short (see toolJson): no raw state.
		displayOptions: { show: { '@tool': [false] } },
	},
];

const displayOptions: IDisplayOptions = { show: { operation: ['getState'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
): Promise<INodeExecutionData[]> {
	const sessionId = sessionIdParameter(this, itemIndex);
	const includeRawState = this.getNodeParameter('includeRawState', itemIndex, true) as boolean;
	const state = await getSessionState(client, sessionId);
	const timeline = summarizeDraft(state.draft);
	if (isToolRun(this)) return [{ json: toolJson(sessionId, timeline, state.video_infos, state.generated_media) }];
	const json: IDataObject = {
		sessionId,
		summary: timeline.summary,
		readyToExport: timeline.readyToExport,
		durationSeconds: timeline.durationSeconds,
		tracks: timeline.tracks as unknown as IDataObject[],
		uploadedMedia: (state.video_infos ?? []) as IDataObject[],
		generatedMedia: (state.generated_media ?? []) as IDataObject[],
	};
	if (includeRawState) json.state = state as IDataObject;
	return [{ json }];
}

/** An AI agent gets a short answer: at most this many media per list (the rest are counted). */
const TOOL_MEDIA = 10;

/**
 * What an AI agent needs from the state, short whatever the session holds: the timeline summary,
 * whether it can be rendered, and each medium's name and type (no URLs: signed ones run to hundreds
 * of characters; never the raw draft).
 */
function toolJson(sessionId: string, timeline: TimelineSummary, uploaded: unknown, generated: unknown): IDataObject {
	const list = (value: unknown) => (Array.isArray(value) ? (value as IDataObject[]) : []);
	const media = (items: IDataObject[], pick: (m: IDataObject) => IDataObject) => ({
		shown: items.slice(0, TOOL_MEDIA).map(pick),
		more: Math.max(0, items.length - TOOL_MEDIA),
	});
	const up = media(list(uploaded), (m) => ({ fileName: short(m.filename ?? m.name), type: m.file_type ?? null }));
	const gen = media(list(generated), (m) => ({ id: short(m.id), durationSeconds: m.duration ?? null }));
	const json: IDataObject = {
		sessionId,
		summary: timeline.summary,
		readyToExport: timeline.readyToExport,
		durationSeconds: timeline.durationSeconds,
		uploadedMedia: up.shown,
		generatedMedia: gen.shown,
	};
	if (up.more) json.moreUploadedMedia = up.more;
	if (gen.more) json.moreGeneratedMedia = gen.more;
	return json;
}

function short(value: unknown): string | null {
	if (value === undefined || value === null || value === '') return null;
	const text = String(value);
	return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
