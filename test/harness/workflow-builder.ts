import type { IConnections, INode, INodeParameters } from 'n8n-workflow';

let position = 0;

/** An `INode` with sensible defaults (id, typeVersion 1, position). `extra` can set credentials, onError, etc. */
export function node(name: string, type: string, parameters: INodeParameters = {}, extra: Partial<INode> = {}): INode {
	position += 200;
	return {
		id: extra.id ?? `${name}-${position}`,
		name,
		type,
		typeVersion: 1,
		position: [position, 0],
		parameters,
		...extra,
	};
}

/** Nodes wired one after another (main output 0 -> main input 0). */
export function chain(...nodes: INode[]): {
	nodes: INode[];
	connections: IConnections;
} {
	const connections: IConnections = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = {
			main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]],
		};
	}
	return { nodes, connections };
}
