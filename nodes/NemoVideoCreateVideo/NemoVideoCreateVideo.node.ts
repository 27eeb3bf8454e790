import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { credentialTest } from '../shared/credentialTest';
import { route } from '../shared/router';
import { operations, versionDescription } from './actions/versionDescription';

export class NemoVideoCreateVideo implements INodeType {
	description: INodeTypeDescription = versionDescription;

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, operations);
	}
}
