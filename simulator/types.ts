/** Public types of the NemoVideo simulator (re-exported by simulator/index.ts). */

export type RenderUrlStyle = 'outputUrl' | 'output.url' | 'alternate';
export type UserIdInSession = 'present' | 'absent' | 'alternate';
export type EditDialect = 'random' | 'simple' | 'adk';
/** How a rejected token is answered: HTTP 401 + code 1001, or code 1001 inside an HTTP 200 envelope. */
export type TokenRejection = 'http401' | 'code200';

export interface SimulatorOptions {
	port?: number;
	seed?: number;
	anonymousCredits?: number;
	registeredTokens?: string[];
	registeredCredits?: number;
	editCost?: number;
	generateCost?: number;
	silentEditRate?: number;
	editDurationMs?: number;
	generationMs?: number;
	heartbeatIntervalMs?: number;
	renderMs?: number;
	renderUrlStyle?: RenderUrlStyle;
	userIdInSession?: UserIdInSession;
	maxUploadBytes?: number;
	quiet?: boolean;
	// ---- additions beyond the brief (all optional) ----
	/** Pad every served render MP4 to this many bytes with a trailing `free` box (streamed). */
	renderOutputBytes?: number;
	/** One-shot: the next submitted render fails with this error message. */
	failNextRender?: string;
	/** One-shot: the next `/run_sse` streams a ~N-byte sample stream instead of the normal reply. */
	nextEditStreamBytes?: number;
	/** Force the SSE dialect of edits; default 'random' (seeded, per edit). */
	editDialect?: EditDialect;
	/** Anonymous tokens per IP per hour; default 5. The IP is the first `X-Forwarded-For` entry when present. */
	anonymousTokensPerIpPerHour?: number;
	/** How an invalid or expired token is answered; default 'http401'. */
	tokenRejection?: TokenRejection;
	/**
	 * When a Client ID may get another anonymous token: 'whileNoValidToken' (default) once its last
	 * one expired or was revoked; 'oncePerWeek' not within 7 days of the last issue, revoked or not.
	 */
	clientIdReuse?: ClientIdReuse;
	/**
	 * What a completed render's MP4 shows: 'sample' (default), the committed sample closest to the draft's duration;
	 * 'uploads', the session's uploaded images in upload order at the draft's duration, size and frame rate, made by
	 * the host's ffmpeg (`NEMOVIDEO_SIM_FFMPEG` or PATH) while the render runs. A render completes when both renderMs
	 * has passed and its MP4 is written. No ffmpeg, a URL upload (no bytes kept) or an image ffmpeg cannot decode:
	 * the sample. The CLI defaults to 'uploads'.
	 */
	renderFrom?: RenderFrom;
}

export type RenderFrom = 'sample' | 'uploads';

export type ClientIdReuse = 'whileNoValidToken' | 'oncePerWeek';

export interface RequestLogEntry {
	method: string;
	path: string;
	status?: number;
	clientId?: string;
	hasAuth: boolean;
	skillHeaders: { source?: string; version?: string; platform?: string };
	startedAt: number;
	finishedAt?: number;
	bytesIn: number;
	aborted?: boolean;
}

export type FaultKind =
	| 'status'
	| 'html'
	| 'malformedJson'
	| 'reset'
	| 'delay'
	| 'sseCut'
	| 'cdnFail'
	/** Answer stage (routes that arm them: uploads): the request takes effect, then its answer is lost or cut. */
	| 'resetAfterBody'
	| 'truncatedAnswer';

export type Fault = {
	method?: string;
	path: string;
	times?: number;
	kind: FaultKind;
	status?: number;
	body?: unknown;
	retryAfter?: number;
	delayMs?: number;
	afterBytes?: number;
};

export interface MediaInfo {
	id: string;
	filename: string;
	file_type: 'image' | 'video' | 'audio';
	format: string;
	mime: string;
	cdn_url: string;
	duration: number;
	width: number;
	height: number;
	fps: number;
	hash: string;
	size: number;
	source_type: 'upload' | 'url';
	source_url?: string;
}

export interface GeneratedMedia {
	id: string;
	type: 'video';
	prompt: string;
	source_media_id?: string;
	url: string;
	duration: number;
	width: number;
	height: number;
	status: 'completed';
	created_at: string;
}

export interface Segment {
	id: string;
	name: string;
	/** start in ms on the timeline */
	s: number;
	/** duration in ms */
	d: number;
	src?: string;
	media_id?: string;
	text?: string;
	volume?: number;
	transition?: { type: string; d: number };
}

export interface Track {
	id: string;
	tt: 0 | 1 | 7;
	name: string;
	sg: Segment[];
	volume?: number;
}

export interface Draft {
	t: Track[];
	d: number;
	m: { title: string; width: number; height: number; fps: number };
}

export interface SessionState {
	/** `{}` until the first edit builds a timeline */
	draft: Draft | Record<string, never>;
	video_infos: MediaInfo[];
	generated_media: GeneratedMedia[];
	canvas_config: { width: number; height: number; fps: number; background: string };
	video_analyses: Array<{ media_id: string; summary: string; tags: string[] }>;
}

export interface EditRecord {
	prompt: string;
	dialect: 'simple' | 'adk' | 'sample';
	silent: boolean;
	crlf: boolean;
	generated: boolean;
	cost: number;
	startedAt: number;
	finishedAt?: number;
	aborted?: boolean;
}

export interface SessionRecord {
	sessionId: string;
	taskId: string;
	userId: string;
	taskName: string;
	language: string;
	createdAt: number;
	state: SessionState;
	edits: EditRecord[];
}

export type RenderStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface RenderRecord {
	id: string;
	sessionId: string;
	userId: string;
	status: RenderStatus;
	progress: number;
	submittedAt: number;
	/** set (exactly submittedAt + renderMs) once the render completed */
	completedAt?: number;
	failedAt?: number;
	cancelled: boolean;
	cancelledAt?: number;
	error?: string;
	/** URL style this render reports when completed */
	urlStyle: 'outputUrl' | 'output.url';
	outputUrl: string;
	durationMs: number;
	/** asset file served (e.g. sample-10s.mp4; with renderFrom 'uploads', the absolute path of the MP4 made) */
	asset: string;
	format: string;
	quality: string;
	renderMs: number;
}

export interface TokenRecord {
	token: string;
	kind: 'anonymous' | 'registered';
	userId: string;
	clientId?: string;
	ip?: string;
	issuedAt: number;
	expiresAt: number;
	expired: boolean;
	available: number;
	frozen: number;
	consumed: number;
	granted: number;
}
