import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * The node's context with some parameters answered differently, so that the existing operations
 * (Upload, Export Render) run exactly as they do in their own nodes, with the values Create Video
 * chose for them. Everything else (binary store, cancel signal, tool-run detection) is the node's own.
 */
export function withParameters(ctx: IExecuteFunctions, values: Record<string, unknown>): IExecuteFunctions {
	const getNodeParameter = ((name: string, itemIndex: number, fallback?: unknown, options?: unknown) =>
		Object.prototype.hasOwnProperty.call(values, name)
			? values[name]
			: (ctx.getNodeParameter as (...args: unknown[]) => unknown)(
					name,
					itemIndex,
					fallback,
					options,
				)) as IExecuteFunctions['getNodeParameter'];
	return Object.create(ctx, { getNodeParameter: { value: getNodeParameter } }) as IExecuteFunctions;
}
