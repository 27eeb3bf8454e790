import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { createSession, type NemoVideoClient } from '../../shared/transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Task Name',
		name: 'taskName',
		type: 'string',
		default: 'n8n video',
		description: 'Name of the NemoVideo project this session belongs to; shown in your NemoVideo account',
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'options',
		options: [
			{ name: 'Chinese', value: 'zh' },
			{ name: 'English', value: 'en' },
			{ name: 'French', value: 'fr' },
			{ name: 'German', value: 'de' },
			{ name: 'Japanese', value: 'ja' },
			{ name: 'Korean', value: 'ko' },
			{ name: 'Portuguese', value: 'pt' },
			{ name: 'Spanish', value: 'es' },
		],
		default: 'en',
		description: 'Language the video agent replies in',
	},
];

const displayOptions: IDisplayOptions = { show: { operation: ['create'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
): Promise<INodeExecutionData[]> {
	const taskName = (this.getNodeParameter('taskName', itemIndex, '') as string).trim() || 'n8n video';
	const language = this.getNodeParameter('language', itemIndex, 'en') as string;
	const session = await createSession(client, { taskName, language });
	return [{ json: { sessionId: session.sessionId, taskId: session.taskId ?? null, userId: session.userId ?? null } }];
}
