/**
 * Small stand-ins for n8n-nodes-base nodes (which are not installed here), always registered by
 * `runWorkflow`:
 * - `n8n-nodes-base.manualTrigger`: same code as n8n's Manual Trigger (emits one empty item).
 * - `n8n-nodes-harness.setFields`: adds name/value fields to each item (values may be expressions).
 * - `n8n-nodes-harness.code`: runs a JavaScript function body over all items, like the Code node.
 * - `n8n-nodes-harness.binaryFromFile`: emits N items, each with a file from disk streamed into the
 *   binary data store with `prepareBinaryData(createReadStream(path))` (never buffered).
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

export const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';
export const SET_FIELDS_TYPE = 'n8n-nodes-harness.setFields';
export const CODE_TYPE = 'n8n-nodes-harness.code';
export const BINARY_FROM_FILE_TYPE = 'n8n-nodes-harness.binaryFromFile';

export class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger', 'input'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		maxNodes: 1,
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray([{}])]);
		};
		return { manualTriggerFunction };
	}
}

export class SetFields implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Set Fields (harness)',
		name: 'setFields',
		group: ['transform'],
		version: 1,
		description: 'Adds fields to every item',
		defaults: { name: 'Set' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Fields',
				name: 'fields',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						name: 'values',
						displayName: 'Field',
						values: [
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
							},
						],
					},
				],
			},
			{
				displayName: 'Keep Input Fields',
				name: 'keepInput',
				type: 'boolean',
				default: true,
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const fields = this.getNodeParameter('fields.values', i, []) as Array<{
				name: string;
				value: unknown;
			}>;
			const keepInput = this.getNodeParameter('keepInput', i) as boolean;
			const json: IDataObject = keepInput ? { ...items[i].json } : {};
			for (const { name, value } of fields) json[name] = value as IDataObject[string];
			out.push({ json, binary: items[i].binary, pairedItem: { item: i } });
		}
		return [out];
	}
}

export class Code implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Code (harness)',
		name: 'code',
		group: ['transform'],
		version: 1,
		description:
			'Runs an async JavaScript function body once for all items. In scope: items, $input (getInputData), ' +
			'$node (the IExecuteFunctions context), helpers. Return an array of items or of plain objects.',
		defaults: { name: 'Code' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'JavaScript',
				name: 'jsCode',
				type: 'string',
				typeOptions: { rows: 10 },
				default: 'return items;',
				noDataExpression: true,
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const jsCode = this.getNodeParameter('jsCode', 0, '', {
			rawExpressions: true,
		}) as string;
		// eslint-disable-next-line @typescript-eslint/no-implied-eval
		const fn = new Function('items', '$input', '$node', 'helpers', `return (async () => {\n${jsCode}\n})();`) as (
			...args: unknown[]
		) => Promise<unknown>;
		let result: unknown;
		try {
			result = await fn(items, { all: () => items, first: () => items[0] }, this, this.helpers);
		} catch (error) {
			throw new NodeOperationError(this.getNode(), error as Error);
		}
		if (!Array.isArray(result)) {
			throw new NodeOperationError(this.getNode(), 'Code must return an array');
		}
		return [
			result.map((entry, index) => {
				const item =
					entry && typeof entry === 'object' && 'json' in entry
						? (entry as INodeExecutionData)
						: { json: entry as IDataObject };
				return {
					...item,
					pairedItem: item.pairedItem ?? {
						item: Math.min(index, items.length - 1),
					},
				};
			}),
		];
	}
}

export class BinaryFromFile implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Binary From File (harness)',
		name: 'binaryFromFile',
		group: ['input'],
		version: 1,
		description: 'Emits N items, each carrying a file from disk streamed into the binary data store',
		defaults: { name: 'Binary From File' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'File Paths',
				name: 'filePaths',
				type: 'string',
				default: '',
				description: 'One path, or several separated by commas or new lines (used in turn, cycling)',
			},
			{
				displayName: 'Item Count',
				name: 'count',
				type: 'number',
				default: 0,
				description: 'Number of items to emit; 0 means one item per file path',
			},
			{
				displayName: 'Binary Property',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
			},
			{
				displayName: 'MIME Type',
				name: 'mimeType',
				type: 'string',
				default: '',
				description: 'Empty: guessed from the file extension',
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				description: 'Empty: the base name of the path',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const filePaths = String(this.getNodeParameter('filePaths', 0))
			.split(/[\n,]/)
			.map((p) => p.trim())
			.filter(Boolean);
		if (filePaths.length === 0) {
			throw new NodeOperationError(this.getNode(), 'Set at least one file path');
		}
		const count = (this.getNodeParameter('count', 0) as number) || filePaths.length;
		const property = this.getNodeParameter('binaryPropertyName', 0) as string;
		const mimeType = (this.getNodeParameter('mimeType', 0) as string) || undefined;
		const fileNameParam = this.getNodeParameter('fileName', 0) as string;
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < count; i++) {
			const filePath = filePaths[i % filePaths.length];
			const fileName = fileNameParam || path.basename(filePath);
			const binary = await this.helpers.prepareBinaryData(createReadStream(filePath), fileName, mimeType);
			out.push({
				json: { filePath, index: i },
				binary: { [property]: binary },
				pairedItem: { item: 0 },
			});
		}
		return [out];
	}
}

export function builtinNodeTypes(): Record<string, INodeType> {
	return {
		[MANUAL_TRIGGER_TYPE]: new ManualTrigger(),
		[SET_FIELDS_TYPE]: new SetFields(),
		[CODE_TYPE]: new Code(),
		[BINARY_FROM_FILE_TYPE]: new BinaryFromFile(),
	};
}
