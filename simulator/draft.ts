/** The "agent brain": reads a prompt, merges it with the current draft, and rebuilds the draft (short keys). */
import { assetFor } from './mp4';
import type { SimState } from './state';
import type { Draft, GeneratedMedia, MediaInfo, SessionRecord, Track } from './types';

export interface Intent {
	durationMs?: number;
	transition?: string;
	music?: string;
	title?: string;
	vertical: boolean;
	/** 1:1 (1080x1080); wins over vertical. */
	square?: boolean;
	/** Background music volume, 0-1 (default 0.35). */
	volume?: number;
}

/**
 * Options of the agent beyond SimulatorOptions (set with configure() or POST /__sim/config):
 * `nextEditDurationMs`, one-shot: the next edit makes the timeline this long whatever the prompt
 * asked (a video that is not what was asked, for clients that check); later edits are normal.
 */
export interface AgentOptions {
	nextEditDurationMs?: number | null;
}

export interface EditPlan {
	generate: boolean;
	/** no visual media and nothing to generate from: the draft cannot be built */
	needsMedia: boolean;
	tools: Array<{ name: string; args: Record<string, unknown>; result: Record<string, unknown> }>;
	visualCount: number;
	durationMs: number;
	intent: Intent;
}

const DURATION_RE = /(\d+(?:\.\d+)?)\s*(?:-\s*)?(seconds?|secs?|s|minutes?|mins?)\b/i;
const DURATION_ZH_RE = /(\d+(?:\.\d+)?)\s*(秒|分钟)/;
const GENERATE_RE =
	/\banimat(?:e|ed|es|ing|ion)\b|\bgenerat(?:e|ed|ing)\b[^.]*\b(?:clip|video|motion)\b|\bmake (?:it|them|the (?:image|photo|picture)) move\b|图生视频|生成视频|动起来|动画/i;
const TRANSITION_RE = /transitions?\b|cross-?fade|dissolve|\bfades?\b|\bwipe\b|转场|过渡/i;
const NO_TRANSITION_RE = /\b(?:no|without|remove|delete)\s+(?:the\s+|any\s+)?transitions?\b|去掉转场/i;
const MUSIC_RE = /\bmusic\b|\bbgm\b|soundtrack|\bsong\b|背景音乐|音乐|配乐/i;
const NO_MUSIC_RE =
	/\b(?:no|without|remove|delete|mute|drop)\s+(?:the\s+|any\s+)?(?:background\s+)?(?:music|bgm|soundtrack)\b|去掉(?:背景)?音乐/i;
const TITLE_RE = /\btitle\b|\btext\b|\bcaption|\bheading\b|标题|文字|字幕/i;
const NO_TITLE_RE =
	/\b(?:no|without|remove|delete|drop)\s+(?:the\s+|any\s+)?(?:title|text|caption)s?\b|去掉(?:标题|文字|字幕)/i;
const VERTICAL_RE = /\bvertical\b|9\s*:\s*16|\bportrait\b|tiktok|\breels?\b|\bshorts\b|竖屏|竖版/i;
const HORIZONTAL_RE = /\bhorizontal\b|\blandscape\b|16\s*:\s*9|横屏|横版/i;
const SQUARE_RE = /\bsquare\b|(?<![\d:])1\s*:\s*1(?![\d:])|方形/i;
const VOLUME_RE = /(\d{1,3})\s*%\s*(?:volume|loud)|volume\s*(?:of|at)?\s*(\d{1,3})\s*%/i;

export function parseDurationMs(prompt: string): number | undefined {
	let m = DURATION_RE.exec(prompt);
	let ms: number | undefined;
	if (m) ms = parseFloat(m[1]) * (m[2].toLowerCase().startsWith('m') ? 60000 : 1000);
	else if ((m = DURATION_ZH_RE.exec(prompt))) ms = parseFloat(m[1]) * (m[2] === '分钟' ? 60000 : 1000);
	if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return undefined;
	return Math.round(Math.min(Math.max(ms, 1000), 600000));
}

export function wantsGeneration(prompt: string): boolean {
	return GENERATE_RE.test(prompt);
}

function musicName(prompt: string): string {
	if (/lo-?fi/i.test(prompt)) return 'Lo-fi';
	if (/upbeat|energetic|\bpop\b|happy/i.test(prompt)) return 'Upbeat Pop';
	if (/piano/i.test(prompt)) return 'Soft Piano';
	if (/cinematic|epic|dramatic/i.test(prompt)) return 'Cinematic';
	if (/chill|ambient|calm|relax/i.test(prompt)) return 'Chill Ambient';
	return 'Lo-fi';
}

function transitionType(prompt: string): string {
	if (/dissolve/i.test(prompt)) return 'dissolve';
	if (/\bwipe\b|slide/i.test(prompt)) return 'slide';
	if (/\bfades?\b/i.test(prompt) && !/cross-?fade/i.test(prompt)) return 'fade';
	return 'crossfade';
}

function titleText(prompt: string, fallback: string | undefined, taskName: string): string {
	const quoted = /["“「『]([^"”」』]{1,80})["”」』]/.exec(prompt);
	if (quoted) return quoted[1].trim();
	const named =
		/\b(?:titled|called|named|saying|says)\s+([A-Za-z0-9][\w'’ -]{0,40}?)(?=[,.;!?]|$|\s+(?:and|with|at|for|in|on)\b)/i.exec(
			prompt,
		);
	if (named) return named[1].trim();
	if (fallback) return fallback;
	if (taskName && !/^(project|untitled|task)?$/i.test(taskName.trim())) return taskName.trim();
	return 'My Video';
}

/** What the current draft already says (so follow-up edits keep earlier choices). */
export function intentOf(draft: SessionRecord['state']['draft']): Intent {
	const d = draft as Partial<Draft>;
	if (!d.t) return { vertical: false };
	const video = d.t.find((t) => t.tt === 0);
	const bgm = d.t.find((t) => t.tt === 1);
	const title = d.t.find((t) => t.tt === 7);
	return {
		durationMs: d.d,
		transition: video?.sg.find((s) => s.transition)?.transition?.type,
		music: bgm?.name,
		title: title?.sg[0]?.text,
		vertical: !!d.m && d.m.height > d.m.width,
		square: !!d.m && d.m.height === d.m.width,
		volume: bgm?.volume,
	};
}

export function isDraftReady(draft: unknown): boolean {
	const d = draft as { t?: unknown };
	return (
		!!d &&
		typeof d === 'object' &&
		Array.isArray(d.t) &&
		d.t.some((t: { sg?: unknown }) => !!t && Array.isArray(t.sg) && t.sg.length > 0)
	);
}

/** Total duration of a draft in ms: `d`, else the furthest segment end; 0 when unknown. */
export function draftDurationMs(draft: unknown): number {
	const d = draft as Partial<Draft>;
	if (d && typeof d.d === 'number' && d.d > 0) return d.d;
	let end = 0;
	for (const t of d?.t ?? []) for (const s of t.sg ?? []) end = Math.max(end, (s.s ?? 0) + (s.d ?? 0));
	return end;
}

/**
 * Apply a prompt to the session state (draft, generated_media, canvas_config, video_analyses) immediately, and
 * describe the tool calls the agent "made".
 */
export function applyEdit(sim: SimState, session: SessionRecord, prompt: string): EditPlan {
	const state = session.state;
	const prev = intentOf(state.draft);
	const intent: Intent = { ...prev };
	const explicitMs = parseDurationMs(prompt);
	const generate = wantsGeneration(prompt);
	if (NO_TRANSITION_RE.test(prompt)) intent.transition = undefined;
	else if (TRANSITION_RE.test(prompt)) intent.transition = transitionType(prompt);
	if (NO_MUSIC_RE.test(prompt)) intent.music = undefined;
	else if (MUSIC_RE.test(prompt)) intent.music = musicName(prompt);
	if (NO_TITLE_RE.test(prompt)) intent.title = undefined;
	else if (TITLE_RE.test(prompt)) intent.title = titleText(prompt, prev.title, session.taskName);
	if (SQUARE_RE.test(prompt)) {
		intent.square = true;
		intent.vertical = false;
	} else if (VERTICAL_RE.test(prompt)) {
		intent.vertical = true;
		intent.square = false;
	} else if (HORIZONTAL_RE.test(prompt)) {
		intent.vertical = false;
		intent.square = false;
	}
	const volume = VOLUME_RE.exec(prompt);
	if (volume && intent.music) intent.volume = Math.min(100, Math.max(1, Number(volume[1] ?? volume[2]))) / 100;
	intent.durationMs = explicitMs ?? prev.durationMs ?? (generate ? 5000 : 10000);
	const agent = sim.opts as unknown as AgentOptions;
	if (typeof agent.nextEditDurationMs === 'number' && agent.nextEditDurationMs > 0) {
		intent.durationMs = Math.round(agent.nextEditDurationMs);
		agent.nextEditDurationMs = undefined;
	}
	const total = intent.durationMs;
	const width = intent.square ? 1080 : intent.vertical ? 1080 : 1920;
	const height = intent.square ? 1080 : intent.vertical ? 1920 : 1080;

	const visual = state.video_infos.filter((m) => m.file_type !== 'audio');
	const audio = state.video_infos.filter((m) => m.file_type === 'audio');
	const tools: EditPlan['tools'] = [];
	const plan: EditPlan = { generate, needsMedia: false, tools, visualCount: visual.length, durationMs: total, intent };

	const currentVideo = (state.draft as Partial<Draft>).t?.find((t) => t.tt === 0);
	const usingGenerated = !!currentVideo?.sg.some((s) => s.media_id?.startsWith('gen_'));
	let clips: Array<{ id: string; name: string; src: string }>;
	if (generate) {
		const source = visual[0];
		const id = `gen_${sim.hex(6)}`;
		const g: GeneratedMedia = {
			id,
			type: 'video',
			prompt,
			source_media_id: source?.id,
			url: `${sim.baseUrl}/cdn/generated/${id}.mp4`,
			duration: total / 1000,
			width,
			height,
			status: 'completed',
			created_at: new Date().toISOString(),
		};
		state.generated_media.push(g);
		sim.generatedAssets.set(id, assetFor(total));
		tools.push({
			name: 'generate_video',
			args: { prompt, source_media_id: source?.id ?? null, duration_s: total / 1000, width, height },
			result: { generated_media_id: id, url: g.url, duration: g.duration, status: 'completed' },
		});
		clips = [{ id, name: source ? `Animated ${source.filename}` : 'Generated clip', src: g.url }];
	} else if (usingGenerated && state.generated_media.length) {
		const g = state.generated_media[state.generated_media.length - 1];
		clips = [{ id: g.id, name: 'Generated clip', src: g.url }];
	} else {
		clips = visual.map((m: MediaInfo) => ({ id: m.id, name: m.filename, src: m.cdn_url }));
	}
	if (clips.length === 0) {
		plan.needsMedia = true;
		return plan;
	}

	tools.unshift({
		name: 'analyze_media',
		args: { media_ids: state.video_infos.map((m) => m.id) },
		result: { analyzed: state.video_infos.length, visual: visual.length, audio: audio.length },
	});
	state.video_analyses = visual.map((m) => ({
		media_id: m.id,
		summary: `${m.file_type} "${m.filename}" ${m.width}x${m.height}${m.file_type === 'video' ? `, ${m.duration}s` : ''}`,
		tags: [m.format, m.width >= m.height ? 'landscape' : 'portrait'],
	}));

	const per = Math.floor(total / clips.length);
	const tracks: Track[] = [
		{
			id: 'trk_video',
			tt: 0,
			name: 'Video',
			sg: clips.map((c, i) => ({
				id: `seg_v${i + 1}`,
				name: c.name,
				media_id: c.id,
				src: c.src,
				s: i * per,
				d: i === clips.length - 1 ? total - i * per : per,
				...(intent.transition
					? { transition: { type: intent.transition, d: Math.min(500, Math.floor(per / 2)) } }
					: {}),
			})),
		},
	];
	tools.push({
		name: 'build_timeline',
		args: { duration_ms: total, clips: clips.map((c) => c.id), transition: intent.transition ?? null },
		result: { ok: true, segments: clips.length, duration_ms: total },
	});
	if (intent.music) {
		const own = audio[audio.length - 1];
		const name = own && MUSIC_RE.test(prompt) ? own.filename : intent.music;
		intent.music = name;
		const level = intent.volume ?? 0.35;
		tracks.push({
			id: 'trk_bgm',
			tt: 1,
			name,
			volume: level,
			sg: [
				{
					id: 'seg_bgm',
					name,
					s: 0,
					d: total,
					volume: level,
					...(own && name === own.filename ? { src: own.cdn_url, media_id: own.id } : {}),
				},
			],
		});
		tools.push({ name: 'add_bgm', args: { name, volume: level }, result: { ok: true, track: 'trk_bgm' } });
	}
	if (intent.title) {
		const d = Math.min(3000, total);
		tracks.push({
			id: 'trk_title',
			tt: 7,
			name: 'Title',
			sg: [{ id: 'seg_title', name: intent.title, text: intent.title, s: 0, d }],
		});
		tools.push({
			name: 'add_title',
			args: { text: intent.title, start_ms: 0, duration_ms: d },
			result: { ok: true, track: 'trk_title' },
		});
	}
	if (intent.vertical !== prev.vertical || !!intent.square !== !!prev.square || !(state.draft as Partial<Draft>).t) {
		tools.push({ name: 'set_canvas', args: { width, height }, result: { ok: true } });
	}
	const draft: Draft = {
		t: tracks,
		d: total,
		m: { title: intent.title ?? session.taskName ?? 'My Video', width, height, fps: 25 },
	};
	state.draft = draft;
	state.canvas_config = { ...state.canvas_config, width, height };
	return plan;
}

const TT_LABEL: Record<number, string> = { 0: 'Video', 1: 'BGM', 7: 'Title' };

/** e.g. `Timeline (3 tracks): 1. Video: a.jpg, b.jpg (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Hi" (0-3s)` */
export function summarize(draft: unknown): string {
	const d = draft as Partial<Draft>;
	if (!isDraftReady(d)) return 'Timeline is empty';
	const sec = (ms: number) => `${Math.round(ms / 100) / 10}`.replace(/\.0$/, '');
	const parts = (d.t ?? []).map((t, i) => {
		const start = Math.min(...t.sg.map((s) => s.s));
		const end = Math.max(...t.sg.map((s) => s.s + s.d));
		const range = `${sec(start)}-${sec(end)}s`;
		if (t.tt === 7) return `${i + 1}. Title: "${t.sg[0]?.text ?? t.name}" (${range})`;
		if (t.tt === 1) return `${i + 1}. BGM: ${t.name} (${range}, ${Math.round((t.volume ?? 1) * 100)}%)`;
		return `${i + 1}. ${TT_LABEL[t.tt] ?? 'Track'}: ${t.sg.map((s) => s.name).join(', ')} (${range})`;
	});
	return `Timeline (${parts.length} tracks): ${parts.join(' ')}`;
}
