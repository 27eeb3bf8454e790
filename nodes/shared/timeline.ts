/**
 * Reads NemoVideo's short-key draft (t tracks, tt track type, sg segments, d duration ms,
 * m metadata) into a summary a person or an AI agent can read, e.g.
 * `Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)`.
 */

export interface TrackSummary {
	index: number;
	type: 'video' | 'audio' | 'title' | 'other';
	label: string;
	segments: number;
	startMs: number;
	endMs: number;
	volumePercent?: number;
}

export interface TimelineSummary {
	summary: string;
	readyToExport: boolean;
	durationSeconds: number;
	tracks: TrackSummary[];
	title?: string;
	width?: number;
	height?: number;
}

type Loose = Record<string, unknown>;

const TRACK_TYPES: Record<number, { type: TrackSummary['type']; name: string }> = {
	0: { type: 'video', name: 'Video' },
	1: { type: 'audio', name: 'BGM' },
	7: { type: 'title', name: 'Title' },
};

/** Ready when the draft has tracks and at least one of them has segments. */
export function isDraftReady(draft: unknown): boolean {
	return tracksOf(draft).some((track) => segmentsOf(track).length > 0);
}

export function summarizeDraft(draft: unknown): TimelineSummary {
	const tracks = tracksOf(draft).map(summarizeTrack);
	const meta = record(record(draft).m);
	const durationMs = Math.max(0, ...tracks.map((track) => track.endMs));
	const parts = tracks.map((track) => `${track.index}. ${describe(track)}`);
	const count = `${tracks.length} track${tracks.length === 1 ? '' : 's'}`;
	return {
		summary:
			tracks.length === 0 ? 'Timeline is empty: nothing to export yet' : `Timeline (${count}): ${parts.join(' ')}`,
		readyToExport: isDraftReady(draft),
		durationSeconds: round(durationMs / 1000),
		tracks,
		title: text(meta.title),
		width: number(meta.width),
		height: number(meta.height),
	};
}

/** What changed between two drafts, in words; empty when nothing visible changed. */
export function describeTimelineChange(before: TimelineSummary, after: TimelineSummary): string[] {
	const changes: string[] = [];
	const previous = new Map(before.tracks.map((track) => [track.index, track]));
	for (const track of after.tracks) {
		const old = previous.get(track.index);
		if (!old || old.type !== track.type) changes.push(`added ${describe(track)}`);
		else if (describe(old) !== describe(track) || old.segments !== track.segments) {
			changes.push(`changed ${describe(old)} → ${describe(track)}${segmentChange(old, track)}`);
		}
	}
	for (const track of before.tracks) {
		if (!after.tracks.some((candidate) => candidate.index === track.index && candidate.type === track.type)) {
			changes.push(`removed ${describe(track)}`);
		}
	}
	if (before.durationSeconds !== after.durationSeconds && changes.length > 0) {
		changes.push(`duration ${before.durationSeconds}s → ${after.durationSeconds}s`);
	}
	return changes;
}

function summarizeTrack(track: Loose, position: number): TrackSummary {
	const kind = TRACK_TYPES[Number(track.tt)] ?? { type: 'other' as const, name: 'Track' };
	const segments = segmentsOf(track);
	let cursor = 0;
	let startMs = Number.POSITIVE_INFINITY;
	let endMs = 0;
	for (const segment of segments) {
		const start = number(segment.st) ?? number(segment.s) ?? number(segment.start) ?? cursor;
		const duration = number(segment.d) ?? number(segment.duration) ?? 0;
		startMs = Math.min(startMs, start);
		endMs = Math.max(endMs, start + duration);
		cursor = start + duration;
	}
	const names = segments.map(segmentName).filter((name): name is string => name !== undefined);
	const volume =
		segments.map((segment) => number(segment.v) ?? number(segment.volume)).find((v) => v !== undefined) ??
		number(track.v) ??
		number(track.volume);
	return {
		index: position + 1,
		type: kind.type,
		label: `${kind.name}: ${trackLabel(kind.type, names, segments.length)}`,
		segments: segments.length,
		startMs: segments.length === 0 ? 0 : startMs,
		endMs,
		volumePercent: volume === undefined ? undefined : Math.round(volume <= 1 ? volume * 100 : volume),
	};
}

function trackLabel(type: TrackSummary['type'], names: string[], count: number): string {
	if (count === 0) return 'empty';
	if (type === 'title' && names.length > 0) return names.map((name) => `"${name}"`).join(', ');
	if (count === 1) return names[0] ?? '1 clip';
	const unique = [...new Set(names)];
	return unique.length === 1 ? `${unique[0]} ×${count}` : `${count} clips`;
}

function describe(track: TrackSummary): string {
	const range = `${round(track.startMs / 1000)}-${round(track.endMs / 1000)}s`;
	const volume = track.volumePercent === undefined ? '' : `, ${track.volumePercent}%`;
	return `${track.label} (${range}${volume})`;
}

function segmentChange(before: TrackSummary, after: TrackSummary): string {
	return before.segments === after.segments ? '' : ` (${before.segments} → ${after.segments} segments)`;
}

function segmentName(segment: Loose): string | undefined {
	const meta = record(segment.m);
	const name =
		text(segment.text) ??
		text(meta.text) ??
		text(segment.n) ??
		text(segment.name) ??
		text(meta.name) ??
		text(meta.title) ??
		text(segment.title) ??
		text(segment.src) ??
		text(segment.url) ??
		text(meta.src);
	return name?.split(/[?#]/)[0].split('/').pop();
}

function tracksOf(draft: unknown): Loose[] {
	const tracks = record(draft).t;
	return Array.isArray(tracks) ? tracks.map(record) : [];
}

function segmentsOf(track: Loose): Loose[] {
	return Array.isArray(track.sg) ? track.sg.map(record) : [];
}

function record(value: unknown): Loose {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {};
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function number(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function round(value: number): number {
	return Math.round(value * 10) / 10;
}
