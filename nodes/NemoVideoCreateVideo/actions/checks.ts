import type { IDataObject } from 'n8n-workflow';

import type { TimelineSummary } from '../../shared/timeline';
import { FORMATS, type VideoRequest } from './request';

/**
 * Compares what came back with what was asked: duration, resolution, background music and title,
 * one `checks` entry each ({ name, asked, got, pass }). Duration and resolution are read from the
 * MP4 itself when it was downloaded (its header), otherwise from the timeline; music and title
 * from the timeline (the file does not name them).
 */

export interface Check extends IDataObject {
	name: 'duration' | 'resolution' | 'music' | 'title';
	asked: string;
	got: string;
	pass: boolean;
	/** Where `got` was read: the MP4 file, the render job, or the session's timeline. */
	source: 'mp4' | 'render' | 'timeline';
}

export interface Observed {
	timeline: TimelineSummary;
	/** From the MP4 header (downloaded file) or the render job; undefined when unknown. */
	video?: { durationSeconds?: number | null; width?: number | null; height?: number | null; source: 'mp4' | 'render' };
}

/** A duration passes within half a second or 5 %, whichever is larger (frames and rounding). */
export function durationTolerance(seconds: number): number {
	return Math.max(0.5, seconds * 0.05);
}

export function checkResult(request: VideoRequest, observed: Observed): Check[] {
	const { timeline, video } = observed;
	const checks: Check[] = [];

	const fileDuration = typeof video?.durationSeconds === 'number' ? video.durationSeconds : undefined;
	const duration = fileDuration ?? timeline.durationSeconds;
	checks.push({
		name: 'duration',
		asked: `${request.durationSeconds} s`,
		got: `${duration} s`,
		pass: Math.abs(duration - request.durationSeconds) <= durationTolerance(request.durationSeconds),
		source: fileDuration !== undefined ? video!.source : 'timeline',
	});

	const format = FORMATS[request.format];
	const fileSize = video?.width && video.height ? { width: video.width, height: video.height } : undefined;
	const size =
		fileSize ?? (timeline.width && timeline.height ? { width: timeline.width, height: timeline.height } : undefined);
	checks.push({
		name: 'resolution',
		asked: `${format.width}x${format.height}`,
		got: size ? `${size.width}x${size.height}` : 'unknown',
		pass: !!size && size.width === format.width && size.height === format.height,
		source: fileSize ? video!.source : 'timeline',
	});

	const bgm = timeline.tracks.find((track) => track.type === 'audio' && track.segments > 0);
	const bgmName = bgm ? bgm.label.replace(/^BGM:\s*/, '') : undefined;
	const bgmVolume = bgm?.volumePercent;
	if (request.music) {
		const genreOk = !!bgmName && normalize(bgmName).includes(normalize(request.music.genre));
		const volumeOk = bgmVolume === undefined || Math.abs(bgmVolume - request.music.volumePercent) <= 5;
		checks.push({
			name: 'music',
			asked: `${request.music.genre}, ${request.music.volumePercent}%`,
			got: bgm ? `${bgmName}${bgmVolume === undefined ? '' : `, ${bgmVolume}%`}` : 'no music track',
			pass: !!bgm && genreOk && volumeOk,
			source: 'timeline',
		});
	} else {
		checks.push({ name: 'music', asked: 'none', got: bgm ? `${bgmName}` : 'none', pass: !bgm, source: 'timeline' });
	}

	const titleTrack = timeline.tracks.find((track) => track.type === 'title' && track.segments > 0);
	const titleText = titleTrack ? titleTrack.label.replace(/^Title:\s*/, '').replace(/^"(.*)"$/, '$1') : undefined;
	if (request.title) {
		checks.push({
			name: 'title',
			asked: `"${request.title}"`,
			got: titleText === undefined ? 'no title track' : `"${titleText}"`,
			pass: titleText !== undefined && normalize(titleText) === normalize(request.title),
			source: 'timeline',
		});
	} else {
		checks.push({
			name: 'title',
			asked: 'none',
			got: titleText === undefined ? 'none' : `"${titleText}"`,
			pass: titleText === undefined,
			source: 'timeline',
		});
	}
	return checks;
}

/** The instruction of the one correction edit: only what is wrong, with the values asked for. */
export function correctionFor(request: VideoRequest, failed: Check[]): string {
	const fixes = failed.map((check) => {
		switch (check.name) {
			case 'duration':
				return `make the video exactly ${request.durationSeconds} seconds long (it is ${check.got} now)`;
			case 'resolution':
				return `use ${FORMATS[request.format].words} (it is ${check.got} now)`;
			case 'music':
				return request.music
					? `use ${request.music.genre} background music at ${request.music.volumePercent}% volume (it is ${check.got} now)`
					: 'remove the background music';
			case 'title':
				return request.title
					? `show the title "${request.title}" at the start (it is ${check.got} now)`
					: 'remove the title text';
		}
	});
	return `Please correct the video: ${fixes.join('; ')}. Keep everything else as it is.`;
}

function normalize(text: string): string {
	return text.toLowerCase().replace(/[^a-z0-9\u00c0-\uffff]+/g, '');
}
