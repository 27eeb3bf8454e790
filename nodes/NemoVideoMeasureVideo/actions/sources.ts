import { runToolBytes, type Limits, type Tools } from './ffmpeg';
import { probeImage, type VideoFacts } from './probe';
import { analysisFactor, downsample, SsimReference, type Rect } from './ssim';

/**
 * How a source image is laid onto the frame before comparing:
 * - contain: scaled to fit inside the frame, aspect kept, centred; only the rectangle the image
 *   covers is compared (letterbox or pillarbox bars are left out);
 * - cover: scaled to fill the frame, aspect kept, centred and cropped; the whole frame is compared;
 * - stretch: scaled to the frame's size, aspect ignored; the whole frame is compared.
 */
export type Fit = 'contain' | 'cover' | 'stretch';

/** A source image as the frame would show it: its luma at full resolution and at the SSIM scale. */
export interface PreparedSource {
	label: string;
	imageWidth: number;
	imageHeight: number;
	/** Where, in the frame, the image is compared (full-resolution pixels). */
	rect: Rect;
	/** Luma of the image laid onto `rect`, `rect.width` pixels per row. */
	luma: Uint8Array;
	/** The SSIM downsampling factor for `rect`, and the reference at that scale. */
	factor: number;
	reference: SsimReference;
}

export function layout(fit: Fit, frame: { width: number; height: number }, image: { width: number; height: number }) {
	const { width: W, height: H } = frame;
	if (fit === 'stretch') return { scaled: { width: W, height: H }, rect: { x: 0, y: 0, width: W, height: H } };
	if (fit === 'cover') {
		const scale = Math.max(W / image.width, H / image.height);
		const scaled = {
			width: Math.max(W, Math.round(image.width * scale)),
			height: Math.max(H, Math.round(image.height * scale)),
		};
		return { scaled, rect: { x: 0, y: 0, width: W, height: H } };
	}
	const scale = Math.min(W / image.width, H / image.height);
	const width = Math.max(1, Math.min(W, Math.round(image.width * scale)));
	const height = Math.max(1, Math.min(H, Math.round(image.height * scale)));
	const rect = { x: Math.floor((W - width) / 2), y: Math.floor((H - height) / 2), width, height };
	return { scaled: { width, height }, rect };
}

/**
 * Decodes a source image with ffmpeg into the video's luma: scaled (bicubic) to its place in the
 * frame and converted with the video's YUV matrix and range, so a frame that shows the image
 * unchanged has the same luma.
 */
export async function prepareSource(
	tools: Tools,
	path: string,
	label: string,
	video: VideoFacts,
	fit: Fit,
	limits: Limits,
): Promise<PreparedSource> {
	const image = await probeImage(tools, path, limits);
	const { scaled, rect } = layout(fit, video, image);
	const filters = [
		`scale=${scaled.width}:${scaled.height}:flags=bicubic:out_color_matrix=${video.matrix}:out_range=${video.range === 'full' ? 'pc' : 'tv'}`,
		'format=yuv444p',
		...(fit === 'cover' ? [`crop=${rect.width}:${rect.height}`] : []),
		'extractplanes=y',
	];
	const luma = await runToolBytes(
		tools.ffmpeg,
		[
			'-nostdin',
			'-v',
			'error',
			'-i',
			path,
			'-frames:v',
			'1',
			'-vf',
			filters.join(','),
			'-f',
			'rawvideo',
			'-pix_fmt',
			'gray',
			'pipe:1',
		],
		limits,
		rect.width * rect.height,
	);
	const factor = analysisFactor(rect.width, rect.height);
	const plane = downsample(luma, rect.width, { x: 0, y: 0, width: rect.width, height: rect.height }, factor);
	return {
		label,
		imageWidth: image.width,
		imageHeight: image.height,
		rect,
		luma,
		factor,
		reference: new SsimReference(plane),
	};
}
