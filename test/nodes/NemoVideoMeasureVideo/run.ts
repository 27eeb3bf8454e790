import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { NemoVideoMeasureVideo } from '../../../nodes/NemoVideoMeasureVideo/NemoVideoMeasureVideo.node';
import {
	chain,
	CredentialStore,
	MANUAL_TRIGGER_TYPE,
	node,
	nodeTypesOf,
	runWorkflow,
	type WorkflowRunResult,
} from '../../harness';
import { PACKAGE } from '../../helpers/workflow';
import { AttachFiles } from './attachFiles';

export interface Measured {
	result: WorkflowRunResult;
	json: IDataObject;
	quality: IDataObject;
	sources: IDataObject[];
	temporal: IDataObject;
}

/**
 * Runs Manual Trigger → Attach Files (`files`: binary field → path) → Measure Video through
 * n8n-core's WorkflowExecute. No credential type or credential is registered: the node needs none.
 */
export async function measure(
	files: Record<string, string>,
	parameters: INodeParameters = {},
	extra: { metrics?: IDataObject; signal?: AbortSignal; onError?: 'continueRegularOutput' } = {},
): Promise<Measured> {
	const result = await runWorkflow(
		chain(
			node('Start', MANUAL_TRIGGER_TYPE),
			node('Attach', `${PACKAGE}.attachFiles`, {
				files: JSON.stringify(files),
				metrics: extra.metrics ? JSON.stringify(extra.metrics) : '',
			}),
			node(
				'Measure',
				`${PACKAGE}.nemoVideoMeasureVideo`,
				{ operation: 'measure', ...parameters },
				extra.onError ? { onError: extra.onError } : {},
			),
		),
		{
			nodeTypes: nodeTypesOf(PACKAGE, new NemoVideoMeasureVideo(), new AttachFiles()),
			credentialTypes: {},
			credentials: new CredentialStore([]),
			signal: extra.signal,
			timeoutMs: 120_000,
		},
	);
	const json = (result.status === 'success' ? result.output('Measure')[0]?.json : undefined) ?? {};
	return {
		result,
		json,
		quality: (json.quality ?? {}) as IDataObject,
		sources: (json.sources ?? []) as IDataObject[],
		temporal: (json.temporal ?? {}) as IDataObject,
	};
}
