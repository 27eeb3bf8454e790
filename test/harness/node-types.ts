import type { IDataObject, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers, UserError } from 'n8n-workflow';

/** `INodeTypes` over a plain map of full type names (`n8n-nodes-nemovideo.nemoVideoSession`) to classes' instances. */
export class HarnessNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) {
			throw new UserError(`Unknown node type "${nodeType}" (known: ${Object.keys(this.types).join(', ')})`);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(Object.keys(this.types).map((name) => [name, {}]));
	}
}

/**
 * Registers node classes under `<packageName>.<description.name>`, the type names n8n gives a
 * community package's nodes, e.g. `nodeTypesOf('n8n-nodes-nemovideo', new NemoVideoSession())`
 * gives `{ 'n8n-nodes-nemovideo.nemoVideoSession': ... }`.
 */
export function nodeTypesOf(
	packageName: string,
	...nodeTypes: Array<INodeType | IVersionedNodeType>
): Record<string, INodeType | IVersionedNodeType> {
	return Object.fromEntries(nodeTypes.map((type) => [`${packageName}.${type.description.name}`, type]));
}
