import type { IExecuteFunctions, INodeType } from 'n8n-workflow';

/**
 * The two ways n8n 2.41 runs a `usableAsTool` node for an AI Agent (nodes/shared/toolRun.ts):
 * - 'generated Tool type': an agent's engine request runs it as an ordinary node (isToolExecution()
 *   false) under the type n8n generates for it, the node's name with `Tool` appended;
 * - 'tool context': n8n-core's tool invocation runs it with a context whose isToolExecution() is
 *   true. The variant keeps a name without the `Tool` suffix, so only the context says so.
 */
export const TOOL_RUN_WAYS = ['generated Tool type', 'tool context'] as const;
export type ToolRunWay = (typeof TOOL_RUN_WAYS)[number];

/** `base` registered and run the given way; register it with nodeTypesOf and use its description.name. */
export function toolVariant(base: INodeType, way: ToolRunWay): INodeType {
	const suffix = way === 'generated Tool type' ? 'Tool' : 'AgentCall';
	return {
		description: { ...base.description, name: `${base.description.name}${suffix}` },
		async execute(this: IExecuteFunctions) {
			const context =
				way === 'tool context'
					? (Object.create(this, { isToolExecution: { value: () => true } }) as IExecuteFunctions)
					: this;
			return await base.execute!.call(context);
		},
	};
}
