import { NemoVideoMeasureVideo } from '../../../nodes/NemoVideoMeasureVideo/NemoVideoMeasureVideo.node';
import { chain, CODE_TYPE, CredentialStore, MANUAL_TRIGGER_TYPE, node, nodeTypesOf, runWorkflow } from '../../harness';
import { PACKAGE } from '../../helpers/workflow';
import { AttachFiles } from './attachFiles';
import { makeMedia, type TestMedia } from './media';

let media: TestMedia;

beforeAll(() => {
	media = makeMedia();
});
afterAll(() => media.remove());

/** Four measured videos: images "one" and "two" × variants "sharp" (the still) and "soft" (the blurred copy). */
async function runReport(chartMetric: string) {
	const rows = [
		{ image: 'one', variant: 'sharp', video: media.still },
		{ image: 'one', variant: 'soft', video: media.blurred },
		{ image: 'two', variant: 'sharp', video: media.still },
		{ image: 'two', variant: 'soft', video: media.blurred },
	].map((row) => ({ ...row, picture: media.image }));
	return await runWorkflow(
		chain(
			node('Start', MANUAL_TRIGGER_TYPE),
			node('Rows', CODE_TYPE, { jsCode: `return ${JSON.stringify(rows)};` }),
			node('Attach', `${PACKAGE}.attachFiles`, {
				files: '={{ JSON.stringify({ data: $json.video, image: $json.picture }) }}',
			}),
			node('Measure', `${PACKAGE}.nemoVideoMeasureVideo`, { operation: 'measure' }),
			node('Report', `${PACKAGE}.nemoVideoMeasureVideo`, {
				operation: 'report',
				group: '={{ $json.image }}',
				series: '={{ $json.variant }}',
				chartMetric,
			}),
		),
		{
			nodeTypes: nodeTypesOf(PACKAGE, new NemoVideoMeasureVideo(), new AttachFiles()),
			credentialTypes: {},
			credentials: new CredentialStore([]),
		},
	);
}

describe('NemoVideo Measure Video: Build Report', () => {
	it('turns the measured items into one item with a CSV table (one row each) and an SVG bar chart of the chosen metric', async () => {
		const result = await runReport('sharpness');

		expect(result.status).toBe('success');
		const measured = result.output('Measure').map((item) => item.json);
		const [report] = result.output('Report');
		expect(result.output('Report')).toHaveLength(1);
		expect(report.json).toMatchObject({ groups: ['one', 'two'], series: ['sharp', 'soft'], chartMetric: 'sharpness' });
		expect(report.json.summary).toBe('4 measured video(s): 2 group(s) × 2 series; chart of Sharpness');

		const csv = (await result.binaryBuffer(report.binary!.table)).toString('utf8').trim().split('\r\n');
		expect(report.binary!.table).toMatchObject({ fileName: 'video-benchmark.csv', mimeType: 'text/csv' });
		expect(csv[0]).toBe(
			'group,series,firstFrameSsim,firstFramePsnr,meanBestMatchSsim,flickerScore,motionIntensity,frozenFrameRatio,blackFrameRatio,sharpness,bitrateKbps,durationSeconds,resolution,frameRate,requestMatched,submitToCompletionMs,polls',
		);
		expect(csv).toHaveLength(5);
		csv.slice(1).forEach((line, i) => {
			const cells = line.split(',');
			const quality = measured[i].quality as Record<string, number>;
			expect(cells.slice(0, 2)).toEqual([['one', 'one', 'two', 'two'][i], ['sharp', 'soft', 'sharp', 'soft'][i]]);
			expect(Number(cells[2])).toBe(quality.firstFrameSsim);
			expect(Number(cells[9])).toBe(quality.sharpness);
			expect(cells.slice(11, 14)).toEqual(['3', '320x240', '10']);
		});

		const svg = (await result.binaryBuffer(report.binary!.chart)).toString('utf8');
		expect(report.binary!.chart).toMatchObject({ fileName: 'video-benchmark.svg', mimeType: 'image/svg+xml' });
		expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
		const bars = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"[^>]*><title>([^<]+)<\/title>/g)].map((m) => ({
			height: Number(m[1]),
			title: m[2],
		}));
		expect(bars.map((bar) => bar.title)).toEqual(
			measured.map(
				(json, i) =>
					`${['one', 'one', 'two', 'two'][i]} / ${['sharp', 'soft', 'sharp', 'soft'][i]}: ${(json.quality as Record<string, number>).sharpness}`,
			),
		);
		// Bar heights are proportional to the values (the blurred copy's bars are the short ones).
		const sharpness = measured.map((json) => (json.quality as Record<string, number>).sharpness);
		expect(bars[1].height / bars[0].height).toBeCloseTo(sharpness[1] / sharpness[0], 2);
		expect(svg).toContain('>Sharpness per group and series</text>');
	});

	it('an item without a measurement fails Build Report, saying where it belongs', async () => {
		const result = await runWorkflow(
			chain(
				node('Start', MANUAL_TRIGGER_TYPE),
				node('Report', `${PACKAGE}.nemoVideoMeasureVideo`, { operation: 'report' }),
			),
			{
				nodeTypes: nodeTypesOf(PACKAGE, new NemoVideoMeasureVideo()),
				credentialTypes: {},
				credentials: new CredentialStore([]),
			},
		);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Item 1 has no measurement to report');
	});
});
