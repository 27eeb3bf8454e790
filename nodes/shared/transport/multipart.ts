import { PassThrough, pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';

import FormData from 'form-data';

import type { NemoVideoClient, RequestBody } from './client';
import { uploadFiles, type UploadedFile } from './endpoints';
import { NemoVideoError } from './errors';
import { formatBytes, MAX_UPLOAD_BYTES } from './fileType';

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
}

/**
 * Uploads files as one streamed multipart request (form-data over undici). Each file is opened only
 * when its part is reached and flows from its source to the socket with backpressure: no file is
 * ever held in memory. A broken connection is retried from the start of the body only when every
 * source can be reopened; a file that cannot be read, or that grows past the limit while being
 * read, fails the upload with that reason rather than as a network error.
 */
export async function uploadSources(
	client: NemoVideoClient,
	sessionId: string,
	sources: UploadSource[],
	options: UploadOptions,
): Promise<UploadedFile[]> {
	const body = new MultipartUpload(sources, options.maxBytes ?? MAX_UPLOAD_BYTES);
	try {
		return await uploadFiles(client, sessionId, body, { timeoutMs: options.timeoutMs, idleTimeoutMs: options.idleTimeoutMs });
	} catch (error) {
		if (client.cancelSignal?.aborted || !body.failure) throw error;
		throw body.failure;
	} finally {
		body.dispose();
	}
}

/** The request body of one upload; `open()` builds it afresh for each attempt. */
export class MultipartUpload {
	/** Why the body failed (unreadable source, size limit), when it was the body's fault. */
	failure?: Error;
	private readonly opened = new Set<Readable>();
	private readonly reopenable: boolean;
	private attempt = 0;
	private disposed = false;

	constructor(
		private readonly sources: UploadSource[],
		private readonly maxBytes: number,
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
		const form = new FormData();
		for (const source of this.sources) {
			form.append('files', (next: (stream: Readable) => void) => this.openPart(source, attempt, next), {
				filename: source.fileName,
				contentType: source.contentType,
				knownLength: source.size,
			});
		}
		const headers: Record<string, string> = form.getHeaders();
		if (this.sources.every((source) => source.size !== undefined)) headers['content-length'] = String(form.getLengthSync());
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
				const guarded = pipeline(stream, new SizeGuard(source, this.maxBytes, (error) => (this.failure ??= error)), (error) => {
					if (error && !this.disposed && attempt === this.attempt && !isPrematureClose(error)) {
						this.failure ??= readFailure(source, error);
					}
				});
				this.opened.add(stream);
				this.opened.add(guarded);
				next(guarded);
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

	private closeOpened(): void {
		for (const stream of this.opened) stream.destroy();
		this.opened.clear();
	}
}

/** Counts the bytes of one part: stops a file past the limit, and one whose size changed. */
class SizeGuard extends Transform {
	private bytes = 0;

	constructor(
		private readonly source: UploadSource,
		private readonly maxBytes: number,
		private readonly onRefused: (error: Error) => void,
	) {
		super();
	}

	_transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		this.bytes += chunk.length;
		if (this.bytes > this.maxBytes) {
			const error = new NemoVideoError(
				`File "${this.source.fileName}" is too large for NemoVideo: more than ${formatBytes(this.maxBytes)} (limit ${formatBytes(this.maxBytes)})`,
				{
					kind: 'fileSize',
					hint: `Its size was not known in advance, so it was counted while sending; the upload stopped at the limit. Compress or resize the file below ${formatBytes(this.maxBytes)} and try again.`,
				},
			);
			this.onRefused(error);
			callback(error);
			return;
		}
		callback(null, chunk);
	}

	_flush(callback: TransformCallback): void {
		if (this.source.size !== undefined && this.bytes !== this.source.size) {
			const error = new Error(
				`File "${this.source.fileName}" changed while it was being uploaded: expected ${this.source.size} bytes, read ${this.bytes}`,
			);
			this.onRefused(error);
			callback(error);
			return;
		}
		callback();
	}
}

function readFailure(source: UploadSource, error: unknown): Error {
	const reason = (error as Error)?.message ?? String(error);
	return new Error(`Could not read the file "${source.fileName}" to upload it: ${reason}`);
}

function isPrematureClose(error: unknown): boolean {
	return (error as { code?: string })?.code === 'ERR_STREAM_PREMATURE_CLOSE';
}
