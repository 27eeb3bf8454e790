import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

/**
 * What the user asked for, from the node's structured fields, and the instruction it becomes for
 * the video agent. Every value is checked here, before anything is sent.
 */

export type VideoFormat = 'landscape' | 'vertical' | 'square';

export const FORMATS: Record<VideoFormat, { label: string; width: number; height: number; words: string }> = {
	landscape: { label: '16:9 1080p', width: 1920, height: 1080, words: '16:9 landscape format, 1920x1080 (1080p)' },
	vertical: { label: '9:16 1080×1920', width: 1080, height: 1920, words: '9:16 vertical format, 1080x1920' },
	square: { label: '1:1 1080×1080', width: 1080, height: 1080, words: '1:1 square format, 1080x1080' },
};

/** Genres the agent knows by name (the vendor's examples: Lo-fi, upbeat, piano, cinematic, ambient). */
export const MUSIC_GENRES = ['Lo-fi', 'Upbeat Pop', 'Soft Piano', 'Cinematic', 'Chill Ambient'] as const;

export interface VideoRequest {
	durationSeconds: number;
	format: VideoFormat;
	transitions: 'none' | 'crossfade' | 'fade' | 'dissolve' | 'slide';
	/** Undefined: no background music. */
	music?: { genre: string; volumePercent: number };
	title?: string;
	/** One image turned into a generated (animated) clip; costs about 100 credits instead of 50. */
	animate: boolean;
	extra?: string;
}

export const DEFAULT_DURATION_SECONDS = 10;
export const MAX_DURATION_SECONDS = 600;

function fail(ctx: IExecuteFunctions, itemIndex: number, message: string, description: string): never {
	throw new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

/** Reads and checks the item's request fields. */
export function readRequest(ctx: IExecuteFunctions, itemIndex: number): VideoRequest {
	const durationSeconds = Number(ctx.getNodeParameter('durationSeconds', itemIndex, DEFAULT_DURATION_SECONDS));
	if (!Number.isFinite(durationSeconds) || durationSeconds < 1 || durationSeconds > MAX_DURATION_SECONDS) {
		fail(
			ctx,
			itemIndex,
			`Duration must be between 1 and ${MAX_DURATION_SECONDS} seconds, not "${String(ctx.getNodeParameter('durationSeconds', itemIndex, ''))}"`,
			'Set Duration (Seconds) to the length of the video, e.g. 15.',
		);
	}
	const format = ctx.getNodeParameter('format', itemIndex, 'landscape') as VideoFormat;
	if (!(format in FORMATS))
		fail(ctx, itemIndex, `Format "${String(format)}" is not one of 16:9, 9:16 or 1:1`, 'Pick a Format from the list.');
	const transitions = ctx.getNodeParameter('transitions', itemIndex, 'crossfade') as VideoRequest['transitions'];
	const musicOn = ctx.getNodeParameter('backgroundMusic', itemIndex, false) as boolean;
	let music: VideoRequest['music'];
	if (musicOn) {
		const genre = String(ctx.getNodeParameter('musicGenre', itemIndex, 'Lo-fi'));
		const volumePercent = Number(ctx.getNodeParameter('musicVolume', itemIndex, 35));
		if (!Number.isFinite(volumePercent) || volumePercent < 1 || volumePercent > 100) {
			fail(
				ctx,
				itemIndex,
				`Music Volume must be between 1 and 100 %, not "${String(volumePercent)}"`,
				'Set Music Volume (%) e.g. to 35, or turn Background Music off.',
			);
		}
		music = { genre, volumePercent: Math.round(volumePercent) };
	}
	const title = String(ctx.getNodeParameter('title', itemIndex, '') ?? '').trim();
	if (/["“”]/.test(title))
		fail(
			ctx,
			itemIndex,
			'Title Text cannot contain double quotes',
			'Write the title without " characters (use single quotes if needed).',
		);
	const animate = ctx.getNodeParameter('animate', itemIndex, false) as boolean;
	const extra = String(ctx.getNodeParameter('instructions', itemIndex, '') ?? '').trim();
	return {
		durationSeconds: Math.round(durationSeconds * 10) / 10,
		format,
		transitions,
		music,
		title: title === '' ? undefined : title,
		animate,
		extra: extra === '' ? undefined : extra,
	};
}

/** The request as plain data for the output (`request` field). */
export function requestJson(request: VideoRequest): IDataObject {
	const format = FORMATS[request.format];
	return {
		durationSeconds: request.durationSeconds,
		format: format.label,
		width: format.width,
		height: format.height,
		transitions: request.transitions,
		music: request.music ? { ...request.music } : null,
		title: request.title ?? null,
		animate: request.animate,
		instructions: request.extra ?? null,
	};
}

/** e.g. `Turn these 5 photos into a video exactly 15 seconds long, in 16:9 landscape format, …`. */
export function instructionFor(request: VideoRequest, imageCount: number): string {
	const parts: string[] = [];
	const seconds = `${request.durationSeconds} seconds`;
	if (request.animate) parts.push(`Animate this image into a video clip with smooth motion, exactly ${seconds} long`);
	else
		parts.push(
			`Turn ${imageCount === 1 ? 'this photo' : `these ${imageCount} photos`} into a video exactly ${seconds} long`,
		);
	parts.push(`in ${FORMATS[request.format].words}`);
	if (!request.animate && imageCount > 1) {
		parts.push(
			request.transitions === 'none'
				? 'without transitions'
				: `with smooth ${request.transitions} transitions between the photos`,
		);
	}
	parts.push(
		request.music
			? `with ${request.music.genre} background music at ${request.music.volumePercent}% volume`
			: 'with no background music',
	);
	parts.push(request.title ? `with the title "${request.title}" at the start` : 'with no title text');
	let text = `${parts.join(', ')}.`;
	if (request.extra) text += ` ${request.extra}`;
	return text;
}

/** Credits the edit will take: about 100 with a generated clip, about 50 for an ordinary edit. */
export function creditsFor(request: VideoRequest): number {
	return request.animate || /\banimat|\bgenerat/i.test(request.extra ?? '') ? 100 : 50;
}

/** Credits of one correction edit (an ordinary edit). */
export const CORRECTION_CREDITS = 50;
