import { createReadStream } from 'node:fs';
import { basename } from 'node:path';

import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/**
 * Test-only node: gives every input item the files of `files` (JSON: { binaryField: path }) as
 * binary data, streamed into n8n's binary store the way Read Files from Disk does.
 */
export class AttachFiles implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Attach Files (test)',
		name: 'attachFiles',
		group: ['transform'],
		version: 1,
		description: 'Adds files from disk as binary fields',
		defaults: { name: 'Attach Files' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Files', name: 'files', type: 'string', default: '{}' },
			{ displayName: 'Metrics', name: 'metrics', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const files = JSON.parse(this.getNodeParameter('files', i) as string) as Record<string, string>;
			const metrics = this.getNodeParameter('metrics', i) as string;
			const binary = { ...(items[i].binary ?? {}) };
			for (const [field, path] of Object.entries(files)) {
				binary[field] = await this.helpers.prepareBinaryData(createReadStream(path), basename(path));
			}
			const json = metrics
				? { ...items[i].json, renderId: 'render_test', metrics: JSON.parse(metrics) }
				: items[i].json;
			out.push({ json, binary, pairedItem: { item: i } });
		}
		return [out];
	}
}
