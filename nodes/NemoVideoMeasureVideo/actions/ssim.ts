/**
 * Fidelity measures on 8-bit luma (definitions in docs/measure-video.md):
 * - SSIM as ffmpeg's `ssim` filter (and x264) compute it: 8×8 windows on a 4-pixel grid, constants
 *   C1 = (0.01·255)², C2 = (0.03·255)², mean over all windows; computed at the analysis scale of
 *   Wang et al.'s reference implementation (box-downsampled by f = max(1, round(min(w, h) / 256))).
 * - PSNR over the full-resolution pixels, peak 255, as ffmpeg's `psnr` filter; identical images: 100.
 */

export interface Rect {
	x: number;
	y: number;
	width: number;
	height: number;
}

export interface Plane {
	data: Uint8Array;
	width: number;
	height: number;
}

export const PSNR_IDENTICAL = 100;

const C1 = Math.trunc(0.01 * 0.01 * 255 * 255 * 64 + 0.5);
const C2 = Math.trunc(0.03 * 0.03 * 255 * 255 * 64 * 63 + 0.5);

/** The downsampling factor of Wang et al.'s ssim.m for an image of this size. */
export function analysisFactor(width: number, height: number): number {
	return Math.max(1, Math.round(Math.min(width, height) / 256));
}

/** `rect` of a plane `stride` pixels wide, box-averaged by `factor` (rounded to the nearest level). */
export function downsample(source: Uint8Array, stride: number, rect: Rect, factor: number): Plane {
	const width = Math.floor(rect.width / factor);
	const height = Math.floor(rect.height / factor);
	const data = new Uint8Array(width * height);
	if (factor === 1) {
		for (let y = 0; y < height; y++) {
			const start = (rect.y + y) * stride + rect.x;
			data.set(source.subarray(start, start + width), y * width);
		}
		return { data, width, height };
	}
	const area = factor * factor;
	const half = area >> 1;
	const sums = new Uint32Array(width);
	// Factors of 4, 8… on 4-byte-aligned rows: four pixels per 32-bit read (the usual 1080p case).
	const words = factor % 4 === 0 && source.byteOffset % 4 === 0 && stride % 4 === 0 && rect.x % 4 === 0;
	const packed = words ? new Uint32Array(source.buffer, source.byteOffset, source.length >> 2) : undefined;
	const wordsPerCell = factor >> 2;
	for (let y = 0; y < height; y++) {
		sums.fill(0);
		for (let dy = 0; dy < factor; dy++) {
			let offset = (rect.y + y * factor + dy) * stride + rect.x;
			if (packed) {
				let word = offset >> 2;
				for (let x = 0; x < width; x++) {
					let sum = 0;
					for (let k = 0; k < wordsPerCell; k++) {
						const v = packed[word++];
						const pairs = (v & 0x00ff00ff) + ((v >>> 8) & 0x00ff00ff);
						sum += (pairs & 0xffff) + (pairs >>> 16);
					}
					sums[x] += sum;
				}
				continue;
			}
			for (let x = 0; x < width; x++) {
				let sum = 0;
				for (let dx = 0; dx < factor; dx++) sum += source[offset++];
				sums[x] += sum;
			}
		}
		for (let x = 0; x < width; x++) data[y * width + x] = Math.floor((sums[x] + half) / area);
	}
	return { data, width, height };
}

/**
 * A reference image whose 4×4 block sums are computed once, compared with many frames of the
 * same size (one source image against every frame of a video).
 */
export class SsimReference {
	private readonly blocksX: number;
	private readonly blocksY: number;
	private readonly sum: Float64Array;
	private readonly sumSquares: Float64Array;
	private readonly frameSum: Float64Array;
	private readonly frameSquares: Float64Array;
	private readonly cross: Float64Array;

	constructor(readonly plane: Plane) {
		this.blocksX = plane.width >> 2;
		this.blocksY = plane.height >> 2;
		if (this.blocksX < 2 || this.blocksY < 2)
			throw new Error(`An image of ${plane.width}×${plane.height} is too small for SSIM (8×8 at least)`);
		const blocks = this.blocksX * this.blocksY;
		this.sum = new Float64Array(blocks);
		this.sumSquares = new Float64Array(blocks);
		this.frameSum = new Float64Array(blocks);
		this.frameSquares = new Float64Array(blocks);
		this.cross = new Float64Array(blocks);
		this.blockSums(plane.data, undefined, this.sum, this.sumSquares, undefined);
	}

	/** SSIM of `frame` (same size as the reference) against the reference. */
	score(frame: Uint8Array): number {
		this.blockSums(frame, this.plane.data, this.frameSum, this.frameSquares, this.cross);
		const { blocksX, blocksY } = this;
		let total = 0;
		for (let by = 0; by < blocksY - 1; by++) {
			for (let bx = 0; bx < blocksX - 1; bx++) {
				const i = by * blocksX + bx;
				const j = i + blocksX;
				const s1 = this.frameSum[i] + this.frameSum[i + 1] + this.frameSum[j] + this.frameSum[j + 1];
				const s2 = this.sum[i] + this.sum[i + 1] + this.sum[j] + this.sum[j + 1];
				const ss =
					this.frameSquares[i] +
					this.frameSquares[i + 1] +
					this.frameSquares[j] +
					this.frameSquares[j + 1] +
					this.sumSquares[i] +
					this.sumSquares[i + 1] +
					this.sumSquares[j] +
					this.sumSquares[j + 1];
				const s12 = this.cross[i] + this.cross[i + 1] + this.cross[j] + this.cross[j + 1];
				const variances = ss * 64 - s1 * s1 - s2 * s2;
				const covariance = s12 * 64 - s1 * s2;
				total += ((2 * s1 * s2 + C1) * (2 * covariance + C2)) / ((s1 * s1 + s2 * s2 + C1) * (variances + C2));
			}
		}
		return total / ((blocksX - 1) * (blocksY - 1));
	}

	private blockSums(
		data: Uint8Array,
		other: Uint8Array | undefined,
		sum: Float64Array,
		squares: Float64Array,
		cross: Float64Array | undefined,
	): void {
		const { width } = this.plane;
		const { blocksX, blocksY } = this;
		for (let by = 0; by < blocksY; by++) {
			for (let bx = 0; bx < blocksX; bx++) {
				let s = 0;
				let q = 0;
				let c = 0;
				for (let y = 0; y < 4; y++) {
					let offset = (by * 4 + y) * width + bx * 4;
					for (let x = 0; x < 4; x++, offset++) {
						const a = data[offset];
						s += a;
						q += a * a;
						if (other) c += a * other[offset];
					}
				}
				const i = by * blocksX + bx;
				sum[i] = s;
				squares[i] = q;
				if (cross) cross[i] = c;
			}
		}
	}
}

/** PSNR (dB, peak 255) of `rect` of a frame against an image of the rectangle's size. */
export function psnr(frame: Uint8Array, stride: number, rect: Rect, image: Uint8Array): number {
	let squared = 0;
	for (let y = 0; y < rect.height; y++) {
		let offset = (rect.y + y) * stride + rect.x;
		let imageOffset = y * rect.width;
		for (let x = 0; x < rect.width; x++) {
			const d = frame[offset++] - image[imageOffset++];
			squared += d * d;
		}
	}
	const mse = squared / (rect.width * rect.height);
	if (mse === 0) return PSNR_IDENTICAL;
	return Math.min(PSNR_IDENTICAL, 10 * Math.log10((255 * 255) / mse));
}
