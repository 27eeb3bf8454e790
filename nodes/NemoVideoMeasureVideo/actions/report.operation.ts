import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { BatchOperation } from '../../shared/router';
import { barChartSvg, toCsv, type ReportRow } from './chart';

/** The columns of the table: the headline figures, then asked-vs-got and the run's facts. */
export const COLUMNS = [
	'firstFrameSsim',
	'firstFramePsnr',
	'meanBestMatchSsim',
	'flickerScore',
	'motionIntensity',
	'frozenFrameRatio',
	'blackFrameRatio',
	'sharpness',
	'bitrateKbps',
	'durationSeconds',
	'resolution',
	'frameRate',
	'requestMatched',
	'submitToCompletionMs',
	'polls',
];

const METRICS: Array<{ name: string; value: string }> = [
	{ name: 'First-Frame SSIM', value: 'firstFrameSsim' },
	{ name: 'Mean Best-Match SSIM', value: 'meanBestMatchSsim' },
	{ name: 'First-Frame PSNR (dB)', value: 'firstFramePsnr' },
	{ name: 'Flicker Score', value: 'flickerScore' },
	{ name: 'Motion Intensity', value: 'motionIntensity' },
	{ name: 'Frozen-Frame Ratio', value: 'frozenFrameRatio' },
	{ name: 'Black-Frame Ratio', value: 'blackFrameRatio' },
	{ name: 'Sharpness', value: 'sharpness' },
	{ name: 'Bitrate (Kbit/s)', value: 'bitrateKbps' },
	{ name: 'Submit to Completion (Ms)', value: 'submitToCompletionMs' },
];

const properties: INodeProperties[] = [
	{
		displayName: 'Group',
		name: 'group',
		type: 'string',
		default: '={{ $json.sources?.[0]?.name ?? "video " + ($itemIndex + 1) }}',
		description: 'What a row belongs to on the chart’s x axis, usually the source image',
	},
	{
		displayName: 'Series',
		name: 'series',
		type: 'string',
		default: '={{ $json.variant ?? "measured" }}',
		description: 'What the bars of a group compare, e.g. the prompt variant or the generator',
	},
	{
		displayName: 'Chart Metric',
		name: 'chartMetric',
		type: 'options',
		options: METRICS,
		default: 'firstFrameSsim',
		description: 'The measurement the chart shows (the table has them all)',
	},
	{
		displayName: 'File Name Prefix',
		name: 'fileNamePrefix',
		type: 'string',
		default: 'video-benchmark',
		description: 'The table is saved as PREFIX.csv (binary field table), the chart as PREFIX.svg (binary field chart)',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['report'] } }, properties);

function rowOf(json: IDataObject, group: string, series: string): ReportRow {
	const quality = json.quality as IDataObject;
	const video = (json.video ?? {}) as IDataObject;
	const run = (json.run ?? {}) as IDataObject;
	const request = json.request as IDataObject | null | undefined;
	const values: ReportRow['values'] = {};
	for (const column of COLUMNS.slice(0, 9)) values[column] = (quality[column] as number | null) ?? null;
	values.durationSeconds = (video.durationSeconds as number | null) ?? null;
	values.resolution = video.width ? `${video.width}x${video.height}` : null;
	values.frameRate = (video.frameRate as number | null) ?? null;
	values.requestMatched = request ? request.allMatch === true : null;
	values.submitToCompletionMs = (run.submitToCompletionMs as number | null) ?? null;
	values.polls = (run.polls as number | null) ?? null;
	return { group, series, values };
}

/** All input items (each a Measure result) become one item with the table and the chart. */
export const execute: BatchOperation<ReportRow> = {
	async prepare(this: IExecuteFunctions, itemIndex: number) {
		const json = this.getInputData()[itemIndex].json;
		if (!json.quality || typeof json.quality !== 'object') {
			throw new NodeOperationError(this.getNode(), `Item ${itemIndex + 1} has no measurement to report`, {
				itemIndex,
				description:
					'Put Build Report after a Measure Video step (Operation: Measure); its items carry quality, video and run.',
			});
		}
		const text = (name: string) => String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
		return rowOf(json, text('group') || `video ${itemIndex + 1}`, text('series') || 'measured');
	},
	batchKey: () => 'report',
	async send(this: IExecuteFunctions, batch) {
		const first = batch[0].itemIndex;
		const metric = this.getNodeParameter('chartMetric', first, 'firstFrameSsim') as string;
		const prefix = String(this.getNodeParameter('fileNamePrefix', first, 'video-benchmark') || 'video-benchmark');
		const rows = batch.map((entry) => entry.prepared);
		const label = METRICS.find((entry) => entry.value === metric)?.name ?? metric;
		const csv = toCsv(COLUMNS, rows);
		const svg = barChartSvg(`${label} per ${rows.length === 1 ? 'video' : 'group and series'}`, metric, rows);
		const groups = [...new Set(rows.map((row) => row.group))];
		const series = [...new Set(rows.map((row) => row.series))];
		const report: INodeExecutionData = {
			json: {
				rows: rows.map((row) => ({ group: row.group, series: row.series, ...row.values })),
				groups,
				series,
				chartMetric: metric,
				summary: `${rows.length} measured video(s): ${groups.length} group(s) × ${series.length} series; chart of ${label}`,
			},
			binary: {
				table: await this.helpers.prepareBinaryData(Buffer.from(csv, 'utf8'), `${prefix}.csv`, 'text/csv'),
				chart: await this.helpers.prepareBinaryData(Buffer.from(svg, 'utf8'), `${prefix}.svg`, 'image/svg+xml'),
			},
		};
		return batch.map((_, position) => (position === 0 ? [report] : []));
	},
};
