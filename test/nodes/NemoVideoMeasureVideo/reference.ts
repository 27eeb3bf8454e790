import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';

/**
 * Independent computations of the metrics, for checking the node: ffmpeg's own filters (ssim,
 * psnr, tblend + signalstats, siti, blackdetect, freezedetect, blurdetect) and a plain
 * Laplacian written here from its definition.
 */

/** stderr and stdout of an ffmpeg run over `input` with a filter graph, output discarded. */
function filterRun(args: string[]): string {
	const run = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', ...args, '-f', 'null', '-'], {
		encoding: 'utf8',
		maxBuffer: 64 << 20,
	});
	if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
	return `${run.stdout}\n${run.stderr}`;
}

/** The source image as Measure Video's default (BT.601, limited range) conversion makes it, scaled to w×h. */
const imageLuma = (w: number, h: number) =>
	`scale=${w}:${h}:flags=bicubic:out_color_matrix=bt601:out_range=tv,format=yuv444p,extractplanes=y`;

/**
 * ffmpeg's ssim filter, Y plane, for every frame of `video` against `image` scaled to w×h; `crop`
 * picks a frame region; `factor` > 1 first downscales both with ffmpeg's area scaler (range kept).
 */
export function ffmpegSsimPerFrame(
	video: string,
	image: string,
	w: number,
	h: number,
	crop = '',
	factor = 1,
): number[] {
	const down =
		factor > 1 ? `,scale=${Math.floor(w / factor)}:${Math.floor(h / factor)}:flags=area:in_range=tv:out_range=tv` : '';
	const output = filterRun([
		'-i',
		video,
		'-loop',
		'1',
		'-i',
		image,
		'-filter_complex',
		`[0:v]${crop ? `${crop},` : ''}extractplanes=y${down}[a];[1:v]${imageLuma(w, h)}${down}[b];[a][b]ssim=stats_file=-:shortest=1`,
	]);
	return [...output.matchAll(/^n:\d+ Y:([\d.]+)/gm)].map((m) => Number(m[1]));
}

/** ffmpeg's psnr filter, Y plane, first frame of `video` against `image` scaled to w×h. */
export function ffmpegPsnrFirstFrame(video: string, image: string, w: number, h: number, crop = ''): number {
	const output = filterRun([
		'-i',
		video,
		'-loop',
		'1',
		'-i',
		image,
		'-filter_complex',
		`[0:v]${crop ? `${crop},` : ''}extractplanes=y[a];[1:v]${imageLuma(w, h)}[b];[a][b]psnr=stats_file=-:shortest=1`,
		'-frames:v',
		'1',
	]);
	return Number(/psnr_y:([\d.]+|inf)/.exec(output)?.[1]);
}

/** Mean over frame pairs of ffmpeg's tblend difference luma average, in full-range levels. */
export function ffmpegMeanAbsDifference(video: string): number {
	const output = filterRun([
		'-i',
		video,
		'-vf',
		'tblend=all_mode=difference,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-',
	]);
	const values = [...output.matchAll(/YAVG=([\d.]+)/g)].map((m) => Number(m[1]));
	return (mean(values) * 255) / 219;
}

/** ffmpeg's siti filter: TI of every frame after the first (P.910, full-range luma). */
export function ffmpegTemporalInformation(video: string): number[] {
	const output = filterRun(['-i', video, '-vf', 'siti,metadata=print:key=lavfi.siti.ti:file=-']);
	return [...output.matchAll(/lavfi\.siti\.ti=([\d.]+)/g)].map((m) => Number(m[1])).slice(1);
}

/** Total duration blackdetect (d=0, its default thresholds) reports as black, over the video's duration. */
export function ffmpegBlackRatio(video: string): number {
	const output = filterRun(['-i', video, '-vf', 'blackdetect=d=0:pix_th=0.10:pic_th=0.98']);
	const total = [...output.matchAll(/black_duration:([\d.]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
	return total / duration(video);
}

/**
 * Total duration freezedetect (default noise, minimum duration half a frame at 10 fps) reports as
 * frozen, over the video's duration. (With d=0 freezedetect marks every frame.)
 */
export function ffmpegFrozenRatio(video: string): number {
	const output = filterRun(['-i', video, '-vf', 'freezedetect=n=0.001:d=0.05']);
	const starts = [...output.matchAll(/freeze_start: ([\d.]+)/g)].map((m) => Number(m[1]));
	const ends = [...output.matchAll(/freeze_end: ([\d.]+)/g)].map((m) => Number(m[1]));
	const total = starts.reduce((sum, start, i) => sum + ((ends[i] ?? duration(video)) - start), 0);
	return total / duration(video);
}

/** ffmpeg's blurdetect average (higher = blurrier). */
export function ffmpegBlur(video: string): number {
	const output = filterRun(['-i', video, '-vf', 'blurdetect']);
	return Number(/blur mean: ([\d.]+)/.exec(output)?.[1]);
}

/** Every decoded luma frame of a video, as rows of numbers (small videos only). */
export function lumaFrames(video: string, width: number, height: number): number[][][] {
	const raw = execFileSync(
		'ffmpeg',
		['-v', 'error', '-i', video, '-vf', 'extractplanes=y', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
		{ maxBuffer: 256 << 20 },
	);
	const frames: number[][][] = [];
	for (let offset = 0; offset + width * height <= raw.length; offset += width * height) {
		frames.push(
			Array.from({ length: height }, (_, y) => Array.from(raw.subarray(offset + y * width, offset + (y + 1) * width))),
		);
	}
	return frames;
}

/** Variance of the 3×3 Laplacian [0 1 0; 1 −4 1; 0 1 0] over interior pixels, by definition, in full-range levels. */
export function laplacianVarianceByHand(frame: number[][]): number {
	const kernel = [
		[0, 1, 0],
		[1, -4, 1],
		[0, 1, 0],
	];
	const responses: number[] = [];
	for (let y = 1; y < frame.length - 1; y++) {
		for (let x = 1; x < frame[0].length - 1; x++) {
			let response = 0;
			for (let ky = -1; ky <= 1; ky++)
				for (let kx = -1; kx <= 1; kx++) response += kernel[ky + 1][kx + 1] * frame[y + ky][x + kx];
			responses.push((response * 255) / 219);
		}
	}
	const m = mean(responses);
	return mean(responses.map((r) => (r - m) ** 2));
}

/** Share of consecutive frame pairs whose mean absolute luma difference / 256 is ≤ 0.001, from decoded frames. */
export function frozenRatioByHand(video: string): number {
	const { width, height } = size(video);
	const frames = lumaFrames(video, width, height);
	let frozen = 0;
	for (let i = 1; i < frames.length; i++) {
		let sum = 0;
		for (let y = 0; y < height; y++)
			for (let x = 0; x < width; x++) sum += Math.abs(frames[i][y][x] - frames[i - 1][y][x]);
		if (sum / (width * height) / 256 <= 0.001) frozen++;
	}
	return frozen / (frames.length - 1);
}

function size(video: string): { width: number; height: number } {
	const [width, height] = execFileSync(
		'ffprobe',
		['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', video],
		{ encoding: 'utf8' },
	)
		.trim()
		.split(',')
		.map(Number);
	return { width, height };
}

export function duration(video: string): number {
	return Number(
		execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', video], {
			encoding: 'utf8',
		}).trim(),
	);
}

/** Average bitrate by definition: file size in bits over duration, in kbit/s. */
export function bitrateKbps(video: string): number {
	return (statSync(video).size * 8) / duration(video) / 1000;
}

export function mean(values: number[]): number {
	return values.reduce((sum, value) => sum + value, 0) / values.length;
}
