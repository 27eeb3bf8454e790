import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sessionIdProperty } from '../../shared/descriptions';
import { summarizeDraft } from '../../shared/timeline';
import { getSessionState, type NemoVideoClient } from '../../shared/transport';
import { sessionIdParameter } from '../../shared/validation';

const properties: INodeProperties[] = [
	sessionIdProperty,
	{
		displayName: 'Include Raw State',
		name: 'includeRawState',
		type: 'boolean',
		default: true,
		description: 'Whether to add the full session state as returned by NemoVideo (draft, media, analyses) under "state"',
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
