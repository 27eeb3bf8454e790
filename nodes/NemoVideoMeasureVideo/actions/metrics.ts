import { downsample, psnr } from './ssim';
import type { PreparedSource } from './sources';

/**
 * Per-frame measures folded over a video's frames (8-bit luma, full resolution, as decoded);
 * each is defined in docs/measure-video.md. Memory: the frame and the one before it (the reader
 * owns both), plus one downsampled copy per distinct source rectangle.
 */

/** ffmpeg blackdetect's defaults: a pixel is black at ≤ 10% of the luma range, a frame at ≥ 98% black pixels. */
export const BLACK_PIXEL_FRACTION = 0.1;
export const BLACK_FRAME_RATIO = 0.98;
/** ffmpeg freezedetect's default noise: a frame is frozen when MAFD / 256 ≤ 0.001. */
export const FREEZE_NOISE = 0.001;

export interface SourceResult {
	bestFrame: number;
	bestSsim: number;
	firstFrameSsim: number;
}

export interface VideoMetrics {
	frames: number;
	/** VBench temporal flickering: 1 − mean absolute difference of consecutive frames / 255 (full-range luma). */
	flickerScore: number | null;
	meanAbsFrameDifference: number | null;
	/** ITU-T P.910 temporal information per frame pair: mean (motion intensity) and maximum (P.910's TI). */
	motionIntensity: number | null;
	temporalInformation: number | null;
	frozenFrameRatio: number | null;
	blackFrameRatio: number | null;
	/** Mean over the sampled frames of the variance of the 4-neighbour Laplacian (full-range luma). */
	sharpness: number | null;
	sharpnessFrames: number;
	firstFramePsnr: number | null;
	sources: SourceResult[];
}

export class FrameMetrics {
	private readonly pixels: number;
	private readonly blackLevel: number;
	/** Multiplies a luma difference into full-range levels (255/219 for limited-range video). */
	private readonly toFull: number;
	private frames = 0;
	private pairs = 0;
	private absDiffSum = 0;
	private tiSum = 0;
	private tiMax = 0;
	private frozen = 0;
	private black = 0;
	private sharpnessSum = 0;
	private sharpnessFrames = 0;
	private firstPsnr: number | null = null;
	private readonly results: SourceResult[];

	constructor(
		private readonly width: number,
		private readonly height: number,
		range: 'limited' | 'full',
		private readonly sources: PreparedSource[],
		/** Sharpness is averaged over every n-th frame (frames 0, n, 2n…); see sharpnessStep. */
		private readonly sharpnessEvery = 1,
	) {
		this.pixels = width * height;
		this.blackLevel = Math.trunc(
			range === 'full' ? BLACK_PIXEL_FRACTION * 255 : 16 + BLACK_PIXEL_FRACTION * (235 - 16),
		);
		this.toFull = range === 'full' ? 1 : 255 / 219;
		this.results = sources.map(() => ({ bestFrame: -1, bestSsim: -Infinity, firstFrameSsim: NaN }));
	}

	/** Adds frame number `this.frames`; `previous` is the frame before it (untouched until the next call). */
	add(frame: Uint8Array, previous: Uint8Array | undefined): void {
		const index = this.frames++;
		this.addPixelStatistics(frame, previous);
		if (index % this.sharpnessEvery === 0) {
			this.sharpnessSum += laplacianVariance(frame, this.width, this.height) * this.toFull * this.toFull;
			this.sharpnessFrames++;
		}
		const planes = new Map<string, Uint8Array>();
		this.sources.forEach((source, position) => {
			const key = `${source.rect.x},${source.rect.y},${source.rect.width},${source.rect.height},${source.factor}`;
			let plane = planes.get(key);
			if (!plane) {
				plane = downsample(frame, this.width, source.rect, source.factor).data;
				planes.set(key, plane);
			}
			const score = source.reference.score(plane);
			const result = this.results[position];
			if (index === 0) result.firstFrameSsim = score;
			if (score > result.bestSsim) {
				result.bestSsim = score;
				result.bestFrame = index;
			}
		});
		if (index === 0 && this.sources.length > 0) {
			this.firstPsnr = psnr(frame, this.width, this.sources[0].rect, this.sources[0].luma);
		}
	}

	result(): VideoMetrics {
		const pairs = this.pairs;
		const meanAbs = pairs > 0 ? this.absDiffSum / pairs : null;
		return {
			frames: this.frames,
			flickerScore: meanAbs === null ? null : 1 - meanAbs / 255,
			meanAbsFrameDifference: meanAbs,
			motionIntensity: pairs > 0 ? this.tiSum / pairs : null,
			temporalInformation: pairs > 0 ? this.tiMax : null,
			frozenFrameRatio: pairs > 0 ? this.frozen / pairs : null,
			blackFrameRatio: this.frames > 0 ? this.black / this.frames : null,
			sharpness: this.sharpnessFrames > 0 ? this.sharpnessSum / this.sharpnessFrames : null,
			sharpnessFrames: this.sharpnessFrames,
			firstFramePsnr: this.firstPsnr,
			sources: this.frames > 0 ? this.results : [],
		};
	}

	private addPixelStatistics(frame: Uint8Array, previous: Uint8Array | undefined): void {
		const { width, height } = this;
		const level = this.blackLevel;
		let blackPixels = 0;
		let abs = 0;
		let sum = 0;
		let squares = 0;
		// Per row in 32-bit integers (a row of 8192 pixels cannot overflow them), branch-free.
		for (let y = 0; y < height; y++) {
			const end = (y + 1) * width;
			let rowBlack = 0;
			let rowAbs = 0;
			let rowSum = 0;
			let rowSquares = 0;
			if (!previous) {
				for (let i = y * width; i < end; i++) rowBlack += ((level - frame[i]) >>> 31) ^ 1;
			} else {
				for (let i = y * width; i < end; i++) {
					const value = frame[i] | 0;
					rowBlack += ((level - value) >>> 31) ^ 1;
					const d = (value - previous[i]) | 0;
					const sign = d >> 31;
					rowAbs = (rowAbs + ((d ^ sign) - sign)) | 0;
					rowSum = (rowSum + d) | 0;
					rowSquares = (rowSquares + Math.imul(d, d)) | 0;
				}
			}
			blackPixels += rowBlack;
			abs += rowAbs;
			sum += rowSum;
			squares += rowSquares;
		}
		if (blackPixels >= BLACK_FRAME_RATIO * this.pixels) this.black++;
		if (!previous) return;
		const n = this.pixels;
		const mafd = abs / n;
		const mean = sum / n;
		this.pairs++;
		this.absDiffSum += mafd * this.toFull;
		const ti = Math.sqrt(Math.max(0, squares / n - mean * mean)) * this.toFull;
		this.tiSum += ti;
		if (ti > this.tiMax) this.tiMax = ti;
		if (mafd / 256 <= FREEZE_NOISE) this.frozen++;
	}
}

/**
 * Sharpness changes slowly from frame to frame and its Laplacian is the costliest per-frame pass
 * (a 1080p frame is 2 million pixels): it is taken on about 5 frames per second of video, every
 * n-th frame, n = max(1, round(frame rate / 5)); every frame when the rate is unknown.
 */
export function sharpnessStep(frameRate: number | null): number {
	return frameRate && frameRate > 0 ? Math.max(1, Math.round(frameRate / 5)) : 1;
}

/** Variance of L = 4·c − up − down − left − right over the interior pixels (OpenCV's 3×3 Laplacian). */
export function laplacianVariance(frame: Uint8Array, width: number, height: number): number {
	if (width < 3 || height < 3) return 0;
	let sum = 0;
	let squares = 0;
	for (let y = 1; y < height - 1; y++) {
		let i = y * width + 1;
		const end = i + width - 2;
		let left = frame[i - 1];
		let centre = frame[i];
		let rowSum = 0;
		let rowSquares = 0;
		for (; i < end; i++) {
			const right = frame[i + 1];
			const l = (4 * centre - left - right - frame[i - width] - frame[i + width]) | 0;
			rowSum += l;
			rowSquares += l * l;
			left = centre;
			centre = right;
		}
		sum += rowSum;
		squares += rowSquares;
	}
	const n = (width - 2) * (height - 2);
	const mean = sum / n;
	return squares / n - mean * mean;
}
