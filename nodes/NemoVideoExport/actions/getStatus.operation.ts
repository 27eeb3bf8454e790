import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getRender, type NemoVideoClient } from '../../shared/transport';
import { explainRenderLookup, FINAL_RENDER_STATUSES, renderIdParameter, renderIdProperty } from './common';

const properties: INodeProperties[] = [renderIdProperty];

const displayOptions: IDisplayOptions = { show: { operation: ['getStatus'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/**
 * One status request, for workflows that wait with n8n's Wait node between checks. A failed
 * render is reported as data (status "failed" with its error) so an IF node can branch on it.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: NemoVideoClient,
): Promise<INodeExecutionData[]> {
	const renderId = renderIdParameter(this, itemIndex);
	let job;
	try {
		job = await getRender(client, renderId);
	} catch (error) {
		throw explainRenderLookup(error, renderId);
	}
	const done = FINAL_RENDER_STATUSES.has(job.status);
	const json: IDataObject = {
		renderId,
		status: job.status,
		progress: job.progress ?? (job.status === 'completed' ? 100 : 0),
		done,
		url: job.url ?? null,
		fileSizeBytes: job.sizeBytes ?? null,
		durationSeconds: job.durationSeconds ?? null,
	};
	if (job.status === 'failed') json.error = job.error ?? 'NemoVideo gave no reason';
	return [{ json }];
}
