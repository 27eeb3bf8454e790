import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { route } from '../shared/router';
import { offlineClient } from './actions/offlineClient';
import { operations, versionDescription } from './actions/versionDescription';

export class NemoVideoMeasureVideo implements INodeType {
	description: INodeTypeDescription = versionDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, operations, offlineClient);
	}
}
