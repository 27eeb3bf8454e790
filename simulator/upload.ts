/**
 * POST /api/upload-video/nemo_agent/{me|uid}/{sid}: streamed multipart (`files` parts) or JSON `{urls, source_type:"url"}`.
 * Files are never buffered: bytes are hashed, counted and written to a temp file as they flow; only a bounded head
 * is kept for sniffing the type and reading dimensions.
 */
import busboy from 'busboy';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { requireAuth } from './auth';
import { armAnswerFault } from './faults';
import { bizError, countIn, header, ok, readJson, type Ctx } from './http';
import { SESSION_NOT_FOUND, findOwnSession } from './sessions';
import { HEAD_BYTES, SNIFF_BYTES, defaultMeta, parseMeta, sniffType, typeFromName, type Sniffed } from './sniff';
import type { MediaInfo, SessionRecord } from './types';

/** HEIC/HEIF is advertised by the product pages but the live service answers 4001 for it; so does the simulator. */
export const ACCEPTED_FORMATS = 'mp4, mov, avi, webm, mkv, jpg, jpeg, png, gif, webp, mp3, wav, m4a, aac';

export function unsupportedMessage(name: string): string {
	return `unsupported file type: ${name}. Accepted formats: ${ACCEPTED_FORMATS}`;
}

export function tooLargeMessage(name: string, max: number): string {
	return `file too large: ${name} exceeds the ${Math.round((max / 1024 / 1024) * 100) / 100} MB limit`;
}

function publicFile(m: MediaInfo) {
	return {
		id: m.id,
		filename: m.filename,
		file_type: m.file_type,
		format: m.format,
		cdn_url: m.cdn_url,
		duration: m.duration,
		width: m.width,
		height: m.height,
		fps: m.fps,
		hash: m.hash,
		size: m.size,
	};
}

function apply(ctx: Ctx, session: SessionRecord, media: MediaInfo[]): void {
	session.state.video_infos.push(...media);
	ok(ctx, { files: media.map(publicFile), session_state_applied: true });
}

export async function handleUpload(ctx: Ctx): Promise<void> {
	if (!requireAuth(ctx)) return;
	const session = findOwnSession(ctx, ctx.params[0], ctx.params[1]);
	if (!session) {
		bizError(ctx, SESSION_NOT_FOUND.code, SESSION_NOT_FOUND.message);
		return;
	}
	// 'resetAfterBody' / 'truncatedAnswer': the files are stored, then the answer is lost or cut.
	armAnswerFault(ctx);
	const ct = (header(ctx, 'content-type') ?? '').toLowerCase();
	if (ct.startsWith('application/json')) return urlUpload(ctx, session);
	if (!ct.startsWith('multipart/form-data')) {
		bizError(
			ctx,
			400,
			'expected multipart/form-data with "files" parts, or JSON {"urls":[...],"source_type":"url"}',
			400,
		);
		return;
	}
	return multipartUpload(ctx, session);
}

async function urlUpload(ctx: Ctx, session: SessionRecord): Promise<void> {
	const body = await readJson(ctx);
	if (!body) return;
	const urls = body.urls;
	if (body.source_type !== undefined && body.source_type !== 'url') {
		bizError(ctx, 400, 'source_type must be "url"', 400);
		return;
	}
	if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string' && u.length > 0)) {
		bizError(ctx, 400, 'urls must be a non-empty array of strings', 400);
		return;
	}
	const media: MediaInfo[] = [];
	for (const url of urls as string[]) {
		let name: string;
		try {
			name = decodeURIComponent(new URL(url).pathname.split('/').pop() || url);
		} catch {
			bizError(ctx, 400, `invalid url: ${url}`, 400);
			return;
		}
		const t = typeFromName(name);
		if (!t || t.format === 'heic') {
			bizError(ctx, 4001, unsupportedMessage(url));
			return;
		}
		const id = `med_${ctx.sim.hex(8)}`;
		ctx.sim.uploads.set(id, { redirect: url, mime: t.mime, size: 0 });
		media.push({
			id,
			filename: name,
			file_type: t.fileType,
			format: t.format,
			mime: t.mime,
			cdn_url: `${ctx.sim.baseUrl}/cdn/uploads/${id}/${encodeURIComponent(name)}`,
			...defaultMeta(t.fileType),
			hash: createHash('sha256').update(url).digest('hex'),
			size: 0,
			source_type: 'url',
			source_url: url,
		});
	}
	apply(ctx, session, media);
}

interface Pending {
	media?: MediaInfo;
	file: string;
	ws: fs.WriteStream;
	done: Promise<void>;
}

function multipartUpload(ctx: Ctx, session: SessionRecord): Promise<void> {
	const { sim, req } = ctx;
	const max = sim.opts.maxUploadBytes;
	return new Promise<void>((resolve) => {
		let bb: busboy.Busboy;
		try {
			bb = busboy({ headers: req.headers, limits: { files: 100, fields: 100 } });
		} catch {
			bizError(ctx, 400, 'malformed multipart request', 400);
			resolve();
			return;
		}
		const pending: Pending[] = [];
		let failed = false;
		let finished = false;
		let fileCount = 0;
		let pendingError: { code: number; message: string } | undefined;

		const cleanup = () => {
			for (const p of pending) {
				p.ws.destroy();
				fs.rm(p.file, { force: true }, () => undefined);
				if (p.media) sim.uploads.delete(p.media.id);
			}
		};
		const finish = () => {
			if (finished) return;
			finished = true;
			resolve();
		};
		const fail = (code: number, message: string) => {
			if (failed) return;
			failed = true;
			cleanup();
			if (code === 4002) {
				// Stop parsing, answer, then close the connection (discarding what the client still sends, briefly).
				req.unpipe(bb);
				bizError(ctx, code, message, 200, { connection: 'close' });
				req.resume();
				const t = setTimeout(() => req.socket.destroy(), 2000);
				t.unref();
				req.once('end', () => {
					clearTimeout(t);
					setImmediate(() => req.socket.destroy());
				});
				finish();
			}
			// 4001 and others: keep draining the body (cheap, nothing kept) and answer when the parser finishes.
			else pendingError = { code, message };
		};

		req.on('data', (c: Buffer) => countIn(ctx, c.length));
		ctx.signal.addEventListener('abort', () => {
			if (!ctx.res.writableEnded) cleanup();
			finish();
		});

		bb.on('file', (field, stream, info) => {
			if (failed || (field !== 'files' && field !== 'file')) {
				stream.resume();
				return;
			}
			fileCount++;
			const filename = info.filename || `file${fileCount}`;
			const id = `med_${sim.hex(8)}`;
			const file = path.join(sim.uploadDir, id);
			const ws = fs.createWriteStream(file);
			const done = new Promise<void>((res) => {
				ws.on('close', () => res());
				ws.on('error', () => res());
			});
			const p: Pending = { file, ws, done };
			pending.push(p);
			const hash = createHash('sha256');
			const headParts: Buffer[] = [];
			let headLen = 0;
			let size = 0;
			let sniffed: Sniffed | undefined;
			let decided = false;
			const decide = () => {
				decided = true;
				sniffed = sniffType(Buffer.concat(headParts, headLen));
				if (!sniffed || sniffed.format === 'heic') fail(4001, unsupportedMessage(filename));
			};
			stream.on('data', (chunk: Buffer) => {
				if (failed) return;
				size += chunk.length;
				if (size > max) {
					fail(4002, tooLargeMessage(filename, max));
					return;
				}
				hash.update(chunk);
				if (headLen < HEAD_BYTES) {
					const part = chunk.subarray(0, HEAD_BYTES - headLen);
					headParts.push(Buffer.from(part));
					headLen += part.length;
				}
				if (!decided && headLen >= SNIFF_BYTES) decide();
				if (failed) return;
				if (!ws.write(chunk)) {
					stream.pause();
					ws.once('drain', () => stream.resume());
				}
			});
			stream.on('end', () => {
				if (failed) return;
				if (!decided) decide();
				if (failed || !sniffed) return;
				const meta = parseMeta(sniffed, Buffer.concat(headParts, headLen));
				p.media = {
					id,
					filename,
					file_type: sniffed.fileType,
					format: sniffed.format,
					mime: sniffed.mime,
					cdn_url: `${sim.baseUrl}/cdn/uploads/${id}/${encodeURIComponent(filename)}`,
					...meta,
					hash: hash.digest('hex'),
					size,
					source_type: 'upload',
				};
				sim.uploads.set(id, { file, mime: sniffed.mime, size });
				ws.end();
			});
		});
		bb.on('error', () => {
			if (failed) return;
			failed = true;
			cleanup();
			req.unpipe(bb);
			req.resume();
			bizError(ctx, 400, 'malformed multipart request', 400);
			finish();
		});
		bb.on('close', async () => {
			if (finished) return;
			if (pendingError) {
				bizError(ctx, pendingError.code, pendingError.message);
				finish();
				return;
			}
			if (failed) return finish();
			await Promise.all(pending.map((p) => p.done));
			if (finished) return;
			const media = pending.map((p) => p.media).filter((m): m is MediaInfo => !!m);
			if (media.length === 0) bizError(ctx, 400, 'no "files" parts in the multipart body', 400);
			else apply(ctx, session, media);
			finish();
		});
		req.pipe(bb);
	});
}
