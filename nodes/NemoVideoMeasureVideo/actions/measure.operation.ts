import { sep } from 'node:path';

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { decodeLuma } from './decode';
import { limitsFor, locateTools, stoppedBy, ToolError, type Limits } from './ffmpeg';
import { splitList, WorkFolder } from './inputs';
import { FrameMetrics, sharpnessStep } from './metrics';
import { probeVideo } from './probe';
import { parseResolution, buildReport, compareRequest } from './measureOutput';
import { prepareSource, type Fit, type PreparedSource } from './sources';

export { properties as description } from './measure.properties';

interface Settings {
	videoInput: 'binary' | 'url';
	video: string;
	sourceInput: 'binary' | 'url' | 'none';
	sources: string[];
	ffmpegPath: string;
	fit: Fit;
	timeoutSeconds: number;
	includeInputFields: boolean;
	request: { durationSeconds: number; resolution: string; frameRate: number; durationToleranceSeconds: number };
}

/** Measures the item's video (see docs/measure-video.md); calls no API, needs no credential. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const started = Date.now();
	const settings = readSettings(this, itemIndex);
	const limits = limitsFor(this.getExecutionCancelSignal(), settings.timeoutSeconds * 1000);
	const folder = await WorkFolder.create();
	try {
		const tools = locateTools(settings.ffmpegPath);
		const video =
			settings.videoInput === 'binary'
				? await folder.fromBinary(this, itemIndex, settings.video, 'video', limits.signal)
				: await folder.fromUrl(this, itemIndex, settings.video, 'video', limits.signal);
		const facts = await probeVideo(tools, video.path, limits);
		const sources: PreparedSource[] = [];
		for (const [position, entry] of settings.sources.entries()) {
			const name = `source-${position + 1}`;
			const file =
				settings.sourceInput === 'binary'
					? await folder.fromBinary(this, itemIndex, entry, name, limits.signal)
					: await folder.fromUrl(this, itemIndex, entry, name, limits.signal);
			const label = settings.sourceInput === 'binary' ? `${entry}: ${file.fileName}` : entry;
			sources.push(
				await sourceOrError(
					this,
					itemIndex,
					() => prepareSource(tools, file.path, label, facts, settings.fit, limits),
					label,
				),
			);
		}
		const metrics = new FrameMetrics(facts.width, facts.height, facts.range, sources, sharpnessStep(facts.frameRate));
		await decodeLuma(tools, video.path, facts, limits, (frame, previous) => metrics.add(frame, previous));
		const input = this.getInputData()[itemIndex];
		const json = buildReport({
			facts,
			metrics: metrics.result(),
			sources,
			fit: settings.fit,
			request: compareRequest(settings.request, facts),
			run: runFacts(input.json),
			videoLabel: settings.videoInput === 'binary' ? `${settings.video}: ${video.fileName}` : settings.video,
			measuredMs: Date.now() - started,
		});
		const kept = settings.includeInputFields ? input.json : {};
		return [{ json: { ...kept, ...json }, ...(input.binary ? { binary: input.binary } : {}) }];
	} catch (error) {
		throw nodeError(this, error, itemIndex, limits, folder.path);
	} finally {
		await folder.remove();
	}
}

function readSettings(ctx: IExecuteFunctions, itemIndex: number): Settings {
	const text = (name: string) => String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	const videoInput = ctx.getNodeParameter('videoInput', itemIndex, 'binary') as Settings['videoInput'];
	const video = videoInput === 'binary' ? text('videoBinaryProperty') : text('videoUrl');
	const sourceInput = ctx.getNodeParameter('sourceInput', itemIndex, 'binary') as Settings['sourceInput'];
	const sources =
		sourceInput === 'none'
			? []
			: splitList(
					sourceInput === 'binary' ? text('sourceBinaryProperties') : text('sourceUrls'),
					sourceInput === 'url' ? 'urls' : 'names',
				);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const fail = (message: string, description: string) =>
		new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
	if (video === '') {
		throw videoInput === 'binary'
			? fail('Video Binary Field is empty', 'Enter the name of the binary field that holds the MP4, e.g. data.')
			: fail('Video URL is empty', 'Enter the address of the MP4, e.g. the url a NemoVideo Export Render returns.');
	}
	if (sourceInput !== 'none' && sources.length === 0) {
		throw fail(
			'No source image given',
			'Name the binary field(s) or URL(s) of the source image(s), or set Source Images to None to skip fidelity.',
		);
	}
	const resolution = text('expectedResolution');
	if (resolution !== '' && !parseResolution(resolution)) {
		throw fail(
			`Expected Resolution "${resolution}" is not WIDTHxHEIGHT`,
			'Enter it like 1920x1080, or leave it empty.',
		);
	}
	const timeoutSeconds = Number(options.timeoutSeconds ?? 600);
	if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
		throw fail('Timeout must be more than 0 seconds', 'Enter how long one video may take to measure.');
	return {
		videoInput,
		video,
		sourceInput,
		sources,
		ffmpegPath: String(options.ffmpegPath ?? ''),
		fit: (options.fit as Fit) ?? 'contain',
		timeoutSeconds,
		includeInputFields: options.includeInputFields !== false,
		request: {
			durationSeconds: Number(ctx.getNodeParameter('expectedDurationSeconds', itemIndex, 0)) || 0,
			resolution,
			frameRate: Number(ctx.getNodeParameter('expectedFrameRate', itemIndex, 0)) || 0,
			durationToleranceSeconds: Number(options.durationToleranceSeconds ?? 0.5),
		},
	};
}

/** The run facts a NemoVideo Export Render item carries (its `metrics`), passed through as they are. */
function runFacts(json: IDataObject): IDataObject | null {
	const metrics = json.metrics;
	if (!metrics || typeof metrics !== 'object' || Array.isArray(metrics)) return null;
	return { ...(json.renderId ? { renderId: json.renderId } : {}), ...(metrics as IDataObject) };
}

async function sourceOrError<T>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	prepare: () => Promise<T>,
	label: string,
): Promise<T> {
	try {
		return await prepare();
	} catch (error) {
		if (!(error instanceof ToolError) || error.kind !== 'failed') throw error;
		throw new NodeOperationError(ctx.getNode(), `Source image "${label}" could not be read: ${error.message}`, {
			itemIndex,
			description: `Give a PNG, JPEG or WebP image.${error.stderr ? ` ffmpeg said: ${error.stderr.trim().slice(-500)}` : ''}`,
		});
	}
}

const INSTALL_HINT =
	'Install ffmpeg (it includes ffprobe) on the machine n8n runs on, e.g. `apt-get install ffmpeg` (Debian/Ubuntu) or `apk add ffmpeg` (Alpine, n8n’s Docker image), then run again; or set Options → FFmpeg Path to the ffmpeg binary (or the folder holding ffmpeg and ffprobe).';

function nodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, limits: Limits, folder: string): unknown {
	if (error instanceof NodeOperationError) return error;
	const stopped = stoppedBy(limits);
	const reason = stopped ?? error;
	if (!(reason instanceof ToolError)) return reason;
	// ffmpeg names the temporary files; the user knows them as the video and the source images.
	const named = (text: string) => text.split(`${folder}${sep}`).join('');
	const descriptions = {
		missing: INSTALL_HINT,
		cancelled: 'The workflow was stopped or timed out; ffmpeg was stopped too.',
		deadline: 'Raise Options → Timeout, or measure a shorter video. ffmpeg was stopped.',
		failed: `Check that the input is a video file (MP4, MOV, WebM…).${reason.stderr ? ` ffmpeg said: ${named(reason.stderr.trim().slice(-500))}` : ''}`,
	};
	return new NodeOperationError(ctx.getNode(), named(reason.message), {
		itemIndex,
		description: descriptions[reason.kind],
	});
}
