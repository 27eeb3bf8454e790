import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Whether an AI Agent is running the node as a tool. Binary data cannot pass through a tool call,
 * so tool runs answer with URLs and short summaries. n8n 2.41 runs tools in two ways and a node must
 * recognise both:
 * - n8n-core's tool invocation (`makeHandleToolInvocation`) calls `execute` with a SupplyDataContext
 *   whose `isToolExecution()` is true;
 * - an agent's engine requests run the node as an ordinary workflow node: an ExecuteContext whose
 *   `isToolExecution()` is always false, under the type n8n generates for a `usableAsTool` node, the
 *   node's name with `Tool` appended (e.g. `n8n-nodes-nemovideo.nemoVideoExportTool`).
 * None of this package's own node names ends in `Tool`.
 */
export function isToolRun(ctx: IExecuteFunctions): boolean {
	if (typeof ctx.isToolExecution === 'function' && ctx.isToolExecution()) return true;
	return /Tool$/.test(ctx.getNode().type);
}
