import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

import type { Simulator } from '../../../../simulator';
import { createSession, NemoVideoError, type NemoVideoClient } from '../../../../nodes/shared/transport';
import { uploadSources, type UploadSource } from '../../../../nodes/shared/transport/multipart';
import { clientFor, quietSimulator, REGISTERED_TOKEN } from '../../../helpers/simulator';
import { png, sampleMp4 } from '../../NemoVideoUpload/media';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await quietSimulator();
});
afterAll(async () => await simulator.close());
beforeEach(() => simulator.reset());

const UPLOAD = /^\/api\/upload-video\//;
const CREATE_SESSION = /^\/api\/tasks\/me\/with-session\//;
const LIMITS = { timeoutMs: 30_000, idleTimeoutMs: 10_000 };

/** A file served from memory in 64 KiB chunks; records how often it was opened and whether it was closed. */
function memorySource(fileName: string, content: Buffer, options: { replayable?: boolean; sizeKnown?: boolean } = {}) {
	const streams: Readable[] = [];
	const source: UploadSource & { opens: () => number; allClosed: () => boolean } = {
		fileName,
		contentType: 'application/octet-stream',
		size: options.sizeKnown === false ? undefined : content.length,
		replayable: options.replayable ?? true,
		open: async () => {
			let offset = 0;
			const stream = new Readable({
				read() {
					const chunk = content.subarray(offset, offset + 64 * 1024);
					offset += chunk.length;
					this.push(chunk.length > 0 ? chunk : null);
				},
			});
			streams.push(stream);
			return stream;
		},
		opens: () => streams.length,
		allClosed: () => streams.every((stream) => stream.destroyed),
	};
	return source;
}

/** A PNG padded to `bytes` with varied content. */
function bigPng(bytes: number): Buffer {
	const content = Buffer.alloc(bytes);
	png(800, 600).copy(content);
	for (let i = 64; i < bytes; i += 4096) content.writeUInt32BE(i, i);
	return content;
}

/**
 * Upload requests into a session, counted from its creation. (After `reset()` the seeded simulator
 * hands out the same session IDs again, and a request an earlier test cut off can reach the log late.)
 */
function uploadsTo(sessionId: string) {
	const created = simulator.log.map((entry) => CREATE_SESSION.test(entry.path)).lastIndexOf(true);
	return simulator.log
		.slice(created + 1)
		.filter((entry) => entry.method === 'POST' && entry.path === `/api/upload-video/nemo_agent/me/${sessionId}`);
}

async function newSession(client: NemoVideoClient): Promise<string> {
	return (await createSession(client, { taskName: 'upload test', language: 'en' })).sessionId;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(Error);
	return error as Error;
}

describe('streamed multipart upload', () => {
	it('sends several files in one request with Content-Length; the service lists them in order', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await newSession(client);
		const picture = bigPng(3 * 1024 * 1024);
		const clip = sampleMp4();

		const { files, note } = await uploadSources(
			client,
			sessionId,
			[memorySource('a.png', picture), memorySource('clip.mp4', clip)],
			LIMITS,
		);
		expect(note).toBeUndefined();

		expect(files.map((file) => [file.filename, file.fileType, file.width, file.height])).toEqual([
			['a.png', 'image', 800, 600],
			['clip.mp4', 'video', 1920, 1080],
		]);
		expect(files[0].hash).toBe(createHash('sha256').update(picture).digest('hex'));
		const [request] = uploadsTo(sessionId);
		expect(request.bytesIn).toBeGreaterThan(picture.length + clip.length);
		expect(simulator.getSession(sessionId)?.state.video_infos).toHaveLength(2);
	});

	it('a file of unknown size is counted while sending and stopped past the limit', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await newSession(client);
		const source = memorySource('stream.png', bigPng(2 * 1024 * 1024), { sizeKnown: false });

		const error = await failure(uploadSources(client, sessionId, [source], { ...LIMITS, maxBytes: 1024 * 1024 }));

		expect(error).toBeInstanceOf(NemoVideoError);
		expect((error as NemoVideoError).kind).toBe('fileSize');
		expect(error.message).toBe('File "stream.png" is too large for NemoVideo: more than 1 MB (limit 1 MB)');
		expect(simulator.getSession(sessionId)?.state.video_infos).toHaveLength(0);
		expect(source.opens()).toBe(1); // the body's own failure is not retried
		expect(source.allClosed()).toBe(true);
	});

	it('a file that is longer than its checked size fails as changed, not as a network error', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await newSession(client);
		const source = { ...memorySource('grown.png', bigPng(256 * 1024)), size: 100 * 1024 };

		const error = await failure(uploadSources(client, sessionId, [source], LIMITS));

		expect(error.message).toBe(
			'File "grown.png" changed while it was being uploaded: expected 102400 bytes, read 131072 or more',
		);
		expect(simulator.getSession(sessionId)?.state.video_infos).toHaveLength(0);
	});

	it('a connection reset mid-upload is retried from the start of the file when it can be reopened', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await newSession(client);
		const source = memorySource('a.png', bigPng(4 * 1024 * 1024));
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'reset', afterBytes: 1024 * 1024 });

		const { files, note } = await uploadSources(client, sessionId, [source], LIMITS);

		expect(files.map((file) => file.filename)).toEqual(['a.png']);
		expect(note).toMatch(/"a.png" was not in the session, so it was sent once more\.$/);
		expect(source.opens()).toBe(2);
		expect(uploadsTo(sessionId).map((entry) => entry.aborted ?? false)).toEqual([true, false]);
		expect(simulator.getSession(sessionId)?.state.video_infos).toHaveLength(1);
	});

	it('a reset with a file that cannot be reopened fails and says what the session state showed', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await newSession(client);
		const source = memorySource('once.png', bigPng(4 * 1024 * 1024), { replayable: false });
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'reset', afterBytes: 1024 * 1024 });

		const error = await failure(uploadSources(client, sessionId, [source], LIMITS));

		expect((error as NemoVideoError).kind).toBe('network');
		expect((error as NemoVideoError).hint).toMatch(
			/"once.png" is not in the session \(checked through its state\), so nothing is stored twice, but it was not sent again \(the file cannot be read again to resend it\)/,
		);
		expect(source.opens()).toBe(1);
		expect(uploadsTo(sessionId)).toHaveLength(1);
	});

	it('a file stored before the answer was lost is recognised in the session by name, size and SHA-256, and sent once', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await newSession(client);
		const content = bigPng(512 * 1024);
		const source = memorySource('a.png', content);
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'resetAfterBody' });

		const { files, note } = await uploadSources(client, sessionId, [source], LIMITS);

		expect(files).toMatchObject([{ filename: 'a.png', hash: createHash('sha256').update(content).digest('hex') }]);
		expect(note).toMatch(
			/the session state shows the file arrived: "a.png" \(512\.0 KB, hash [0-9a-f]{12}…, http.*\)\. Not sent again\.$/,
		);
		expect(source.opens()).toBe(1);
		expect(uploadsTo(sessionId)).toHaveLength(1);
		expect(simulator.getSession(sessionId)?.state.video_infos).toHaveLength(1);
	});

	it('a session state that cannot be read before the upload does not stop it; a lost answer then is reported, not resent', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await newSession(client);
		const STATE = `^/api/state/nemo_agent/me/${sessionId}/latest$`;
		simulator.injectFault({ method: 'GET', path: STATE, kind: 'status', status: 503, times: 3 });

		const { files } = await uploadSources(client, sessionId, [memorySource('a.png', png(8, 8))], LIMITS);
		expect(files.map((file) => file.filename)).toEqual(['a.png']);

		simulator.injectFault({ method: 'GET', path: STATE, kind: 'status', status: 503, times: 3 });
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'resetAfterBody' });
		const error = await failure(uploadSources(client, sessionId, [memorySource('b.png', png(8, 8))], LIMITS));
		expect((error as NemoVideoError).hint).toMatch(
			/^the upload's answer was lost \(.+\)\. The session state could not be read before the upload \(NemoVideo had a server error \(HTTP 503\).*\), so it cannot be told whether the upload arrived, and it was not sent again\./,
		);
		expect(uploadsTo(sessionId)).toHaveLength(2);
		expect(simulator.getSession(sessionId)?.state.video_infos.map((media) => media.filename)).toEqual([
			'a.png',
			'b.png',
		]);
	});

	it('a timeout after the body was sent is never followed by a resend: NemoVideo may still be storing the file', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await newSession(client);
		const source = memorySource('slow.png', png(64, 64));
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'delay', delayMs: 5000 });

		const error = await failure(uploadSources(client, sessionId, [source], { timeoutMs: 30_000, idleTimeoutMs: 300 }));

		expect((error as NemoVideoError).kind).toBe('timeout');
		expect((error as NemoVideoError).hint).toMatch(
			/"slow.png" is not in the session yet \(checked through its state\), and NemoVideo may still be working on it, so it was not sent again/,
		);
		expect(uploadsTo(sessionId)).toHaveLength(1);
	});

	it('a file that cannot be read fails the upload with that reason, not as a network error', async () => {
		const client = clientFor(simulator, REGISTERED_TOKEN);
		const sessionId = await newSession(client);
		const broken: UploadSource = {
			fileName: 'gone.png',
			contentType: 'image/png',
			size: 1000,
			replayable: true,
			open: async () => {
				throw new Error('ENOENT: no such file');
			},
		};

		const readable = memorySource('a.png', png(2, 2));

		const error = await failure(uploadSources(client, sessionId, [readable, broken], LIMITS));

		expect(error.message).toBe('Could not read the file "gone.png" to upload it: ENOENT: no such file');
		expect(simulator.getSession(sessionId)?.state.video_infos).toHaveLength(0);
		expect(readable.opens()).toBe(1);
		expect(readable.allClosed()).toBe(true);
	});

	it('a token rejected by the upload itself is refreshed once and the whole body sent again', async () => {
		const fresh = simulator.issueToken('anonymous', { clientId: 'another-client' });
		const sessionId = await newSession(clientFor(simulator, fresh));
		const client = clientFor(simulator, fresh, { refreshed: fresh });
		const source = memorySource('a.png', bigPng(2 * 1024 * 1024));
		simulator.injectFault({
			method: 'POST',
			path: UPLOAD.source,
			kind: 'status',
			status: 401,
			body: { code: 1001, message: 'token invalid or expired' },
		});

		const { files } = await uploadSources(client, sessionId, [source], LIMITS);

		expect(files).toHaveLength(1);
		expect(client.tokenSource.refreshCalls).toEqual([fresh]);
		expect(source.opens()).toBe(2);
		expect(uploadsTo(sessionId).map((entry) => entry.status)).toEqual([401, 200]);
	});

	it('cancelling aborts the upload at once and closes the file', async () => {
		const controller = new AbortController();
		const client = clientFor(simulator, REGISTERED_TOKEN, { signal: controller.signal });
		const sessionId = await newSession(client);
		const source = memorySource('slow.png', bigPng(8 * 1024 * 1024));
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'delay', delayMs: 20_000 });

		const upload = failure(uploadSources(client, sessionId, [source], LIMITS));
		while (uploadsTo(sessionId).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
		const abortedAt = Date.now();
		controller.abort();
		const error = await upload;

		expect(Date.now() - abortedAt).toBeLessThan(1000);
		expect((error as NemoVideoError).kind).toBe('cancelled');
		expect(source.allClosed()).toBe(true);
		expect(simulator.getSession(sessionId)?.state.video_infos).toHaveLength(0);
	});
});
