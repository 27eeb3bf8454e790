import { isRecord } from './envelope';

/** The service's answers as the package reads them: typed, lenient about missing or misspelled fields. */

export interface Session {
	sessionId: string;
	taskId?: string;
	userId?: string;
}

export interface CreditsBalance {
	available: number;
	frozen: number;
	total: number;
	totalGranted?: number;
	totalConsumed?: number;
}

export interface SessionState {
	draft?: Record<string, unknown>;
	video_infos?: unknown[];
	generated_media?: unknown[];
	canvas_config?: unknown;
	video_analyses?: unknown;
	[key: string]: unknown;
}

export interface UploadedFile {
	filename: string;
	fileType?: string;
	cdnUrl?: string;
	duration?: number;
	width?: number;
	height?: number;
	fps?: number;
	hash?: string;
}

export type RenderStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled' | string;

export interface RenderJob {
	id: string;
	status: RenderStatus;
	progress?: number;
	/** `data.outputUrl` in one source, `data.output.url` in another. */
	url?: string;
	error?: string;
	/** Size of the result file and the video's duration, when the service says them. */
	sizeBytes?: number;
	durationSeconds?: number;
}

export function uploadedFiles(data: Record<string, unknown> | undefined): UploadedFile[] {
	const files = Array.isArray(data?.files) ? data.files : [];
	return files.filter(isRecord).map((file) => ({
		filename: String(file.filename ?? ''),
		fileType: optionalString(file.file_type),
		cdnUrl: optionalString(file.cdn_url),
		duration: optionalNumber(file.duration),
		width: optionalNumber(file.width),
		height: optionalNumber(file.height),
		fps: optionalNumber(file.fps),
		hash: optionalString(file.hash),
	}));
}

export function renderJob(data: unknown, fallbackId: string): RenderJob {
	const record = isRecord(data) ? data : {};
	const output = isRecord(record.output) ? record.output : {};
	return {
		id: optionalString(record.id) ?? fallbackId,
		status: optionalString(record.status) ?? 'pending',
		progress: optionalNumber(record.progress),
		url: optionalString(record.outputUrl) ?? optionalString(record.output_url) ?? optionalString(output.url),
		error: optionalString(record.error) ?? optionalString(record.message),
		sizeBytes: optionalNumber(record.size) ?? optionalNumber(output.size),
		durationSeconds: optionalNumber(record.duration) ?? optionalNumber(output.duration),
	};
}

export function optionalString(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

export function optionalNumber(value: unknown): number | undefined {
	const number = typeof value === 'string' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}
