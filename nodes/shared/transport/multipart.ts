import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';

import type { RequestBody } from './callSpec';
import type { NemoVideoClient } from './client';
import { uploadFiles } from './endpoints';
import { NemoVideoError } from './errors';
import { lazyModule } from './lazyModule';
import { formatBytes } from '../formatBytes';
import { MAX_UPLOAD_BYTES } from '../media/fileType';
import { confirmedUpload, type ConfirmedUpload } from './uploadConfirm';

/** One file to send as a `files` part. */
export interface UploadSource {
	/** Name sent to the service. */
	fileName: string;
	contentType: string;
	/** Exact size in bytes when known: with every size known the request carries Content-Length. */
	size?: number;
	/** Opens the file from its first byte. Called once per attempt, only when the part is reached. */
	open(): Promise<Readable>;
	/** Whether `open` may be called again to send the file from the start after a failed attempt. */
	replayable: boolean;
}

export interface UploadOptions {
	/** Overall deadline of the upload, all attempts included. */
	timeoutMs: number;
	/** Longest silence while sending the body or waiting for the answer. */
	idleTimeoutMs: number;
	/** Per-file limit checked while streaming (files of unknown size are counted). */
	maxBytes?: number;
	/** Sends of one file at most, each after the first only when the session showed it had not arrived. Default 2. */
	maxAttempts?: number;
}

/**
 * Uploads files as one streamed multipart request (form-data over undici). Each file is opened only
 * when its part is reached and flows from its source to the socket with backpressure: no file is
 * ever held in memory. The transport never repeats the request by itself: when its outcome is
 * unknown (broken connection, timeout, cut answer, 5xx), the session's state shows which files
 * arrived, and only the others are sent again (see uploadConfirm.ts). A file that cannot be read,
 * or that grows past the limit while being read, fails the upload with that reason.
 */
export async function uploadSources(
	client: NemoVideoClient,
	sessionId: string,
	sources: UploadSource[],
	options: UploadOptions,
): Promise<ConfirmedUpload> {
	const hashes = new Map<UploadSource, string>();
	const deadlineAt = Date.now() + options.timeoutMs;
	const expected = sources.map((source) => ({
		source,
		name: source.fileName,
		size: source.size,
		hash: () => hashes.get(source),
	}));
	return await confirmedUpload(
		client,
		sessionId,
		expected,
		async (pending) => {
			const body = new MultipartUpload(
				pending.map((file) => file.source),
				options.maxBytes ?? MAX_UPLOAD_BYTES,
				hashes,
			);
			try {
				const timeoutMs = Math.max(1, deadlineAt - Date.now());
				return await uploadFiles(client, sessionId, body, { timeoutMs, idleTimeoutMs: options.idleTimeoutMs });
			} catch (error) {
				if (client.cancelSignal?.aborted || !body.failure) throw error;
				throw body.failure;
			} finally {
				body.dispose();
			}
		},
		{ replayable: sources.every((source) => source.replayable), maxAttempts: options.maxAttempts ?? 2, deadlineAt },
	);
}

const formData = lazyModule(() => require('form-data') as typeof import('form-data'));

/** The request body of one upload; `open()` builds it afresh for each attempt. */
class MultipartUpload {
	/** Why the body failed (unreadable source, size limit), when it was the body's fault. */
	failure?: Error;
	private readonly opened = new Set<Readable>();
	private readonly reopenable: boolean;
	private attempt = 0;
	private disposed = false;

	constructor(
		private readonly sources: UploadSource[],
		private readonly maxBytes: number,
		/** SHA-256 of each file whose bytes were read in full (to recognise it in the session later). */
		private readonly hashes = new Map<UploadSource, string>(),
	) {
		this.reopenable = sources.every((source) => source.replayable);
	}

	/** Whether the body can be sent again: every file can be reopened, and the body itself did not fail. */
	get replayable(): boolean {
		return this.reopenable && this.failure === undefined;
	}

	open(): RequestBody {
		this.closeOpened();
		this.failure = undefined;
		const attempt = ++this.attempt;
		const FormData = formData();
		const form = new FormData();
		for (const source of this.sources) {
			form.append('files', (next: (stream: Readable) => void) => this.openPart(source, attempt, next), {
				filename: source.fileName,
				contentType: source.contentType,
				knownLength: source.size,
			});
		}
		const headers: Record<string, string> = form.getHeaders();
		if (this.sources.every((source) => source.size !== undefined))
			headers['content-length'] = String(form.getLengthSync());
		return { body: form, headers };
	}

	/** Closes every file this upload opened. */
	dispose(): void {
		this.disposed = true;
		this.closeOpened();
	}

	private openPart(source: UploadSource, attempt: number, next: (stream: Readable) => void): void {
		source.open().then(
			(stream) => {
				if (this.disposed || attempt !== this.attempt) {
					stream.destroy();
					return;
				}
				this.opened.add(stream);
				stream.once('error', (error) => {
					if (!this.disposed && attempt === this.attempt) this.failure ??= readFailure(source, error);
				});
				next(stream);
				// Counted after the part took the stream (a 'data' listener added earlier would start it early).
				this.count(source, stream);
			},
			(error: unknown) => {
				if (this.disposed || attempt !== this.attempt) return;
				this.failure ??= readFailure(source, error);
				const failed = new PassThrough();
				next(failed);
				failed.destroy(error as Error);
			},
		);
	}

	/**
	 * Counts a part's bytes as they pass (no extra stream stage): stops a file of unknown size past
	 * the limit, and notices a file whose size changed since it was checked.
	 */
	private count(source: UploadSource, stream: Readable): void {
		let bytes = 0;
		const hash = createHash('sha256');
		const refuse = (error: Error) => {
			this.failure ??= error;
			stream.destroy(error);
		};
		stream.on('data', (chunk: Buffer) => {
			bytes += chunk.length;
			hash.update(chunk);
			if (bytes > this.maxBytes) refuse(tooLarge(source, this.maxBytes));
			else if (source.size !== undefined && bytes > source.size) refuse(changed(source, bytes));
		});
		stream.once('end', () => {
			if (source.size !== undefined && bytes !== source.size) refuse(changed(source, bytes));
			else this.hashes.set(source, hash.digest('hex'));
		});
	}

	private closeOpened(): void {
		for (const stream of this.opened) stream.destroy();
		this.opened.clear();
	}
}

function tooLarge(source: UploadSource, maxBytes: number): NemoVideoError {
	return new NemoVideoError(
		`File "${source.fileName}" is too large for NemoVideo: more than ${formatBytes(maxBytes)} (limit ${formatBytes(maxBytes)})`,
		{
			kind: 'fileSize',
			hint: `Its size was not known in advance, so it was counted while sending; the upload stopped at the limit. Compress or resize the file below ${formatBytes(maxBytes)} and try again.`,
		},
	);
}

function changed(source: UploadSource, bytes: number): Error {
	return new Error(
		`File "${source.fileName}" changed while it was being uploaded: expected ${source.size} bytes, read ${bytes}${bytes > (source.size ?? 0) ? ' or more' : ''}`,
	);
}

function readFailure(source: UploadSource, error: unknown): Error {
	// A source's own refusal (e.g. a HEIC photo that cannot be converted) already says what to do.
	if (error instanceof NemoVideoError) return error;
	const reason = (error as Error)?.message ?? String(error);
	return new Error(`Could not read the file "${source.fileName}" to upload it: ${reason}`);
}
