import type { NemoVideoClient } from './client';
import type { UploadedFile } from './answers';
import { getSessionState } from './endpoints';
import { isRecord } from './envelope';
import { NemoVideoError } from './errors';
import { formatBytes } from '../formatBytes';

/**
 * An upload is not idempotent: sent twice, the session holds the file twice. When it is unknown
 * whether an upload arrived (the connection broke, the answer timed out, was cut or was a 5xx),
 * the session's media list decides: the files that appeared since just before the upload and
 * match what was sent are taken as uploaded; only the others are sent once more.
 */

/** One file of an upload, as it can be recognised in the session's media. */
export interface ExpectedFile {
	/** Name sent to the service. */
	name: string;
	size?: number;
	/** SHA-256 (hex) of the bytes last sent in full, when known. */
	hash?(): string | undefined;
	/** For URL uploads: the address sent. */
	url?: string;
}

export interface ConfirmedUpload {
	/** The files, in the order they were sent when every answer could be matched. */
	files: UploadedFile[];
	/** What was found when an answer was lost, in words for the output. */
	note?: string;
}

interface SessionMedia {
	key: string;
	filename: string;
	size?: number;
	hash?: string;
	sourceUrl?: string;
	file: UploadedFile;
}

/** Failures that leave open whether the service stored the upload. */
const UNKNOWN_OUTCOME = new Set(['network', 'timeout', 'protocol', 'server']);

/**
 * After these the service is done with the request (it answered, or the connection is gone), so a
 * file not in the session will not appear later and may be sent again. After a timeout or a
 * gateway's 502/504 it may still be working on it: the state is read and reported, nothing resent.
 */
function serviceIsDone(error: NemoVideoError): boolean {
	return (
		error.kind === 'network' ||
		error.kind === 'protocol' ||
		(error.kind === 'server' && error.httpStatus !== 502 && error.httpStatus !== 504)
	);
}

export async function confirmedUpload<T extends ExpectedFile>(
	client: NemoVideoClient,
	sessionId: string,
	files: T[],
	send: (pending: T[]) => Promise<UploadedFile[]>,
	options: { replayable: boolean; maxAttempts: number; deadlineAt?: number },
): Promise<ConfirmedUpload> {
	// Read just before sending, so that a copy the session already held is not taken for this one.
	// If the state cannot be read (the service is struggling), the upload still goes ahead once.
	const before = await sessionMedia(client, sessionId).catch((error: unknown) => {
		if (error instanceof NemoVideoError && UNKNOWN_OUTCOME.has(error.kind) && !client.cancelSignal?.aborted)
			return error;
		throw error;
	});
	const confirmed = new Map<number, UploadedFile>();
	const used = new Set<SessionMedia>();
	const notes: string[] = [];
	let pending = files.map((_, index) => index);
	for (let attempt = 1; ; attempt++) {
		let answer: UploadedFile[];
		try {
			answer = await send(pending.map((index) => files[index]));
		} catch (error) {
			if (!(error instanceof NemoVideoError) || !UNKNOWN_OUTCOME.has(error.kind) || client.cancelSignal?.aborted)
				throw error;
			const lost = `the upload's answer was lost (${error.message})`;
			if (before instanceof NemoVideoError) {
				throw withHint(
					error,
					`${lost}. The session state could not be read before the upload (${before.message}), so it cannot be told whether the upload arrived, and it was not sent again. NemoVideo Session → Get State shows the files the session holds: check it before uploading again.`,
				);
			}
			let media: SessionMedia[];
			try {
				media = fresh(before, await sessionMedia(client, sessionId)).filter((entry) => !used.has(entry));
			} catch (checkError) {
				throw withHint(
					error,
					`${lost}, and the session state could not be read to check whether it arrived (${(checkError as Error).message}). NemoVideo Session → Get State shows the files the session holds: check it before uploading again.`,
				);
			}
			const found = pending.filter((index) => {
				const entry = media.find((candidate) => !used.has(candidate) && matches(files[index], candidate));
				if (entry) {
					used.add(entry);
					confirmed.set(index, entry.file);
				}
				return entry !== undefined;
			});
			pending = pending.filter((index) => !found.includes(index));
			const arrived =
				found.length > 0
					? `the session state shows the file${found.length > 1 ? 's' : ''} arrived: ${found.map((index) => describe(confirmed.get(index) as UploadedFile, files[index])).join('; ')}`
					: '';
			const missing = pending.map((index) => `"${files[index].name}"`).join(', ');
			if (pending.length === 0) {
				notes.push(`Attempt ${attempt}: ${lost}; ${arrived}. Not sent again.`);
				break;
			}
			const timeLeft = options.deadlineAt === undefined || options.deadlineAt > Date.now();
			if (!serviceIsDone(error)) {
				throw withHint(
					error,
					`${lost}; ${arrived ? `${arrived}; ` : ''}${missing} ${pending.length > 1 ? 'are' : 'is'} not in the session yet (checked through its state), and NemoVideo may still be working on it, so it was not sent again. Check NemoVideo Session → Get State in a few minutes before uploading ${missing} again.`,
				);
			}
			if (!options.replayable || attempt >= options.maxAttempts || !timeLeft) {
				const why = !options.replayable
					? 'the file cannot be read again to resend it'
					: timeLeft
						? `it was sent ${attempt} times`
						: 'the upload’s time limit is used up';
				throw withHint(
					error,
					`${lost}; ${arrived ? `${arrived}; ` : ''}${missing} ${pending.length > 1 ? 'are' : 'is'} not in the session (checked through its state), so nothing is stored twice, but it was not sent again (${why}). Run the upload again for ${missing}.`,
				);
			}
			notes.push(
				`Attempt ${attempt}: ${lost}; ${arrived ? `${arrived}; ` : ''}${missing} ${pending.length > 1 ? 'were' : 'was'} not in the session, so ${pending.length > 1 ? 'they were' : 'it was'} sent once more.`,
			);
			continue;
		}
		if (confirmed.size === 0) return { files: answer, note: note(notes) };
		if (answer.length === pending.length) pending.forEach((index, position) => confirmed.set(index, answer[position]));
		else
			return {
				files: [...files.map((_, index) => confirmed.get(index)).filter(isDefined), ...answer],
				note: note(notes),
			};
		break;
	}
	return { files: files.map((_, index) => confirmed.get(index)).filter(isDefined), note: note(notes) };
}

/** The session's uploaded media (`video_infos`), read the way Session → Get State reads them. */
async function sessionMedia(client: NemoVideoClient, sessionId: string): Promise<SessionMedia[]> {
	const state = await getSessionState(client, sessionId);
	const list = Array.isArray(state.video_infos) ? state.video_infos : [];
	return list.filter(isRecord).map((record) => {
		const filename = text(record.filename) ?? text(record.file_name) ?? text(record.name) ?? '';
		const size = number(record.size) ?? number(record.file_size);
		const hash = text(record.hash)?.toLowerCase();
		const cdnUrl = text(record.cdn_url) ?? text(record.url);
		return {
			key: text(record.id) ?? text(record.media_id) ?? cdnUrl ?? `${filename}\n${size}\n${hash}`,
			filename,
			size,
			hash,
			sourceUrl: text(record.source_url),
			file: {
				filename,
				fileType: text(record.file_type),
				cdnUrl,
				duration: number(record.duration),
				width: number(record.width),
				height: number(record.height),
				fps: number(record.fps),
				hash: text(record.hash),
			},
		};
	});
}

/** Entries of `after` that were not in `before` (counted, so a second copy of a file is new). */
function fresh(before: SessionMedia[], after: SessionMedia[]): SessionMedia[] {
	const seen = new Map<string, number>();
	for (const entry of before) seen.set(entry.key, (seen.get(entry.key) ?? 0) + 1);
	return after.filter((entry) => {
		const left = seen.get(entry.key) ?? 0;
		if (left > 0) seen.set(entry.key, left - 1);
		return left === 0;
	});
}

function matches(expected: ExpectedFile, entry: SessionMedia): boolean {
	if (expected.url !== undefined && entry.sourceUrl !== undefined) return entry.sourceUrl === expected.url;
	const hash = expected.hash?.();
	if (hash && entry.hash === hash) return true;
	if (entry.filename !== expected.name) return false;
	// A URL upload's size is 0 until fetched; only a non-zero size can contradict.
	if (expected.size !== undefined && entry.size && entry.size !== expected.size) return false;
	return !(hash && entry.hash && /^[0-9a-f]{64}$/.test(entry.hash));
}

function describe(file: UploadedFile, expected: ExpectedFile): string {
	const facts = [
		expected.size !== undefined ? formatBytes(expected.size) : undefined,
		file.hash ? `hash ${file.hash.slice(0, 12)}…` : undefined,
		file.cdnUrl,
	];
	return `"${file.filename}" (${facts.filter(isDefined).join(', ')})`;
}

function withHint(error: NemoVideoError, hint: string): NemoVideoError {
	return new NemoVideoError(error.message, { ...error, kind: error.kind, hint });
}

function note(notes: string[]): string | undefined {
	return notes.length > 0 ? notes.join(' ') : undefined;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

function number(value: unknown): number | undefined {
	const parsed = typeof value === 'string' ? Number(value) : value;
	return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : undefined;
}

function isDefined<T>(value: T | undefined): value is T {
	return value !== undefined;
}
