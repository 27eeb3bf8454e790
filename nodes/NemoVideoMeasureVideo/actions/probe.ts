import { runToolText, ToolError, type Limits, type Tools } from './ffmpeg';

/** What ffprobe says about a video's first video stream, in the shape the metrics need. */
export interface VideoFacts {
	/** Displayed size (after the rotation the player, and ffmpeg's decoder, apply). */
	width: number;
	height: number;
	durationSeconds: number | null;
	frameRate: number | null;
	frameCountDeclared: number | null;
	codec: string;
	pixelFormat: string;
	/** 'limited' (16–235 luma, TV) or 'full' (0–255). */
	range: 'limited' | 'full';
	/** The matrix the video's YUV was made with, for converting source images the same way. */
	matrix: 'bt601' | 'bt709' | 'bt2020';
	matrixTagged: boolean;
	fileSizeBytes: number | null;
	bitrateKbps: number | null;
	videoBitrateKbps: number | null;
}

interface ProbeStream {
	codec_type?: string;
	codec_name?: string;
	width?: number;
	height?: number;
	pix_fmt?: string;
	color_range?: string;
	color_space?: string;
	avg_frame_rate?: string;
	r_frame_rate?: string;
	nb_frames?: string;
	duration?: string;
	bit_rate?: string;
	tags?: Record<string, string>;
	side_data_list?: Array<{ rotation?: number }>;
}

interface ProbeOutput {
	streams?: ProbeStream[];
	format?: { duration?: string; size?: string; bit_rate?: string };
}

async function probe(tools: Tools, path: string, limits: Limits): Promise<ProbeOutput> {
	const text = await runToolText(
		tools.ffprobe,
		['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-select_streams', 'v:0', path],
		limits,
	);
	try {
		return JSON.parse(text) as ProbeOutput;
	} catch {
		throw new ToolError('ffprobe printed something that is not JSON', 'failed');
	}
}

export async function probeVideo(tools: Tools, path: string, limits: Limits): Promise<VideoFacts> {
	const output = await probe(tools, path, limits);
	const stream = output.streams?.find((entry) => entry.codec_type === 'video');
	if (!stream?.width || !stream.height) throw new ToolError('The file has no video stream ffprobe can read', 'failed');
	const rotation = Math.abs(rotationOf(stream)) % 180 === 90;
	const duration = number(output.format?.duration) ?? number(stream.duration);
	const size = number(output.format?.size);
	const space = stream.color_space ?? '';
	const matrix = space === 'bt709' ? 'bt709' : space.startsWith('bt2020') ? 'bt2020' : 'bt601';
	const full = stream.color_range === 'pc' || (stream.pix_fmt ?? '').startsWith('yuvj');
	const overall = number(output.format?.bit_rate) ?? (size && duration ? (size * 8) / duration : null);
	return {
		width: rotation ? stream.height : stream.width,
		height: rotation ? stream.width : stream.height,
		durationSeconds: duration,
		frameRate: rate(stream.avg_frame_rate) ?? rate(stream.r_frame_rate),
		frameCountDeclared: number(stream.nb_frames),
		codec: stream.codec_name ?? 'unknown',
		pixelFormat: stream.pix_fmt ?? 'unknown',
		range: full ? 'full' : 'limited',
		matrix,
		matrixTagged: ['bt709', 'smpte170m', 'bt470bg', 'bt2020nc', 'bt2020c'].includes(space),
		fileSizeBytes: size,
		bitrateKbps: overall === null ? null : round(overall / 1000, 1),
		videoBitrateKbps: number(stream.bit_rate) === null ? null : round((number(stream.bit_rate) as number) / 1000, 1),
	};
}

/** Width and height of an image (its first video stream, as ffmpeg decodes it). */
export async function probeImage(
	tools: Tools,
	path: string,
	limits: Limits,
): Promise<{ width: number; height: number }> {
	const output = await probe(tools, path, limits);
	const stream = output.streams?.find((entry) => entry.codec_type === 'video');
	if (!stream?.width || !stream.height) throw new ToolError('ffprobe cannot read it as an image', 'failed');
	return { width: stream.width, height: stream.height };
}

function rotationOf(stream: ProbeStream): number {
	const side = stream.side_data_list?.find((entry) => typeof entry.rotation === 'number');
	if (side?.rotation !== undefined) return side.rotation;
	return number(stream.tags?.rotate) ?? 0;
}

function number(text: string | undefined): number | null {
	if (text === undefined || text === '' || text === 'N/A') return null;
	const value = Number(text);
	return Number.isFinite(value) ? value : null;
}

function rate(text: string | undefined): number | null {
	const [num, den] = (text ?? '').split('/').map(Number);
	if (!num || !den || !Number.isFinite(num / den)) return null;
	return round(num / den, 3);
}

export function round(value: number, digits: number): number {
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}
