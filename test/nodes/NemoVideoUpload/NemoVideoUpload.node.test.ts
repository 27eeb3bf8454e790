import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INode } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import type { Simulator } from '../../../simulator';
import { createSession } from '../../../nodes/shared/transport';
import { MAX_UPLOAD_BYTES } from '../../../nodes/shared/media/fileType';
import { NemoVideoApi } from '../../../credentials/NemoVideoApi.credentials';
import { NemoVideoUpload } from '../../../nodes/NemoVideoUpload/NemoVideoUpload.node';
import {
	BINARY_FROM_FILE_TYPE,
	chain,
	CODE_TYPE,
	MANUAL_TRIGGER_TYPE,
	node,
	nodeTypesOf,
	runWorkflow,
} from '../../harness';
import { clientFor, quietSimulator, REGISTERED_TOKEN } from '../../helpers/simulator';
import { TOOL_RUN_WAYS, toolVariant, type ToolRunWay } from '../../helpers/toolRun';
import { nemoNode, nemoVideoCredentials, PACKAGE, runChain } from '../../helpers/workflow';
import { jpeg, png, SAMPLE_MP4, sparsePng } from './media';

let simulator: Simulator;
let dir: string;
let sessionId: string;
const photo = png(1280, 720, 4000);
const HEIC_FIXTURE = join(__dirname, '../../fixtures/product-1.heic');
const shot = jpeg(640, 480);

beforeAll(async () => {
	simulator = await quietSimulator();
	dir = mkdtempSync(join(tmpdir(), 'nemovideo-upload-'));
	writeFileSync(join(dir, 'photo.png'), photo);
	writeFileSync(join(dir, 'shot.jpg'), shot);
	copyFileSync(SAMPLE_MP4, join(dir, 'clip.mp4'));
	copyFileSync(HEIC_FIXTURE, join(dir, 'product-1.heic'));
	// HEIC leading bytes, then nothing a decoder can use.
	writeFileSync(
		join(dir, 'broken.heic'),
		Buffer.concat([readFileSync(HEIC_FIXTURE).subarray(0, 64), Buffer.alloc(200, 7)]),
	);
	writeFileSync(join(dir, 'notes.png'), 'just some notes, not a picture at all');
});
afterAll(async () => {
	await simulator.close();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
	simulator.reset();
	simulator.configure({ maxUploadBytes: MAX_UPLOAD_BYTES });
	sessionId = (await createSession(clientFor(simulator, REGISTERED_TOKEN), { taskName: 'upload', language: 'en' }))
		.sessionId;
});

const UPLOAD = /^\/api\/upload-video\/nemo_agent\/me\//;
const CREATE_SESSION = /^\/api\/tasks\/me\/with-session\//;

/**
 * Upload requests since this test's session was created (after `reset()` a request an earlier test
 * cut off can still reach the log late).
 */
function uploads() {
	const created = simulator.log.map((entry) => CREATE_SESSION.test(entry.path)).lastIndexOf(true);
	return simulator.log.slice(created + 1).filter((entry) => entry.method === 'POST' && UPLOAD.test(entry.path));
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
const uploadedNames = () => simulator.getSession(sessionId)?.state.video_infos.map((media) => media.filename);
const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

const files = (...names: string[]) =>
	node('Files', BINARY_FROM_FILE_TYPE, { filePaths: names.map((name) => join(dir, name)).join(',') });

function upload(parameters: Record<string, unknown> = {}, extra: Partial<INode> = {}): INode {
	return nemoNode(
		'Upload',
		'nemoVideoUpload',
		{ operation: 'upload', sessionId, ...parameters } as INode['parameters'],
		extra,
	);
}

/** An upload answer as the service words it, listing files with these names. */
const answer = (...names: string[]) => ({
	code: 0,
	message: 'success',
	data: {
		files: names.map((filename) => ({ filename, file_type: 'image', cdn_url: `https://cdn.example.com/${filename}` })),
		session_state_applied: true,
	},
});

const errorDescription = (result: Awaited<ReturnType<typeof runChain>>) =>
	(result.error?.error as { description?: string }).description ?? '';

describe('NemoVideo Upload: binary files', () => {
	it('uploads a stored binary and returns the file as the service reports it, paired to its item', async () => {
		const result = await runChain([files('photo.png'), upload()], nemoVideoCredentials(simulator.url));

		const [item] = result.output('Upload');
		expect(result.status).toBe('success');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary).toBeUndefined();
		expect(item.json).toEqual({
			sessionId,
			fileCount: 1,
			files: [
				{
					fileName: 'photo.png',
					fileType: 'image',
					cdnUrl: expect.stringMatching(new RegExp(`^${simulator.url}/cdn/uploads/.+/photo\\.png$`)),
					duration: 3,
					width: 1280,
					height: 720,
					fps: 0,
					hash: sha256(photo),
					source: 'data',
				},
			],
		});
		expect(uploadedNames()).toEqual(['photo.png']);
	});

	it('Keep Input Binary Data passes the input files on to the output item', async () => {
		const result = await runChain(
			[files('photo.png'), upload({ options: { keepBinary: true } })],
			nemoVideoCredentials(simulator.url),
		);

		const [item] = result.output('Upload');
		expect(item.binary?.data).toMatchObject({ fileName: 'photo.png', mimeType: 'image/png' });
		expect(await result.binaryBuffer(item.binary!.data)).toEqual(photo);
	});

	it('uploads several binary fields of one item in one request: named fields, or all of them', async () => {
		const merge = node('Merge Files', CODE_TYPE, {
			jsCode:
				'return [{ json: {}, binary: { photo: items[0].binary.data, clip: items[1].binary.data, extra: items[2].binary.data } }];',
		});

		const named = await runChain(
			[files('photo.png', 'clip.mp4', 'shot.jpg'), merge, upload({ binaryPropertyName: 'clip, photo' })],
			nemoVideoCredentials(simulator.url),
		);
		expect(named.output('Upload')[0].json.files).toMatchObject([
			{ fileName: 'clip.mp4', fileType: 'video', duration: 5, width: 1920, height: 1080, fps: 25, source: 'clip' },
			{ fileName: 'photo.png', fileType: 'image', source: 'photo' },
		]);

		const all = await runChain(
			[files('photo.png', 'clip.mp4', 'shot.jpg'), merge, upload({ binaryFields: 'all' })],
			nemoVideoCredentials(simulator.url),
		);
		expect(all.output('Upload')[0].json).toMatchObject({ fileCount: 3 });
		expect(uploads()).toHaveLength(2);
		expect(uploadedNames()).toEqual(['clip.mp4', 'photo.png', 'photo.png', 'clip.mp4', 'shot.jpg']);
	});

	it('sends one request per item by default, each output paired to its own item', async () => {
		const result = await runChain(
			[files('photo.png', 'shot.jpg', 'clip.mp4'), upload()],
			nemoVideoCredentials(simulator.url),
		);

		const items = result.output('Upload');
		expect(
			items.map((item) => [item.pairedItem, (item.json.files as Array<{ fileName: string }>)[0].fileName]),
		).toEqual([
			[{ item: 0 }, 'photo.png'],
			[{ item: 1 }, 'shot.jpg'],
			[{ item: 2 }, 'clip.mp4'],
		]);
		expect(uploads()).toHaveLength(3);
	});

	it('Combine Items Into One Request sends all items’ files at once and still gives each item its own files', async () => {
		const result = await runChain(
			[files('photo.png', 'shot.jpg', 'clip.mp4'), upload({ options: { combineItems: true } })],
			nemoVideoCredentials(simulator.url),
		);

		const items = result.output('Upload');
		expect(uploads()).toHaveLength(1);
		expect(
			items.map((item) => [
				item.pairedItem,
				item.json.fileCount,
				(item.json.files as Array<{ fileName: string; fileType: string }>)[0].fileType,
			]),
		).toEqual([
			[{ item: 0 }, 1, 'image'],
			[{ item: 1 }, 1, 'image'],
			[{ item: 2 }, 1, 'video'],
		]);
		expect(uploadedNames()).toEqual(['photo.png', 'shot.jpg', 'clip.mp4']);
	});

	it('uploads an inline (base64) binary too', async () => {
		const inline = node('Inline', CODE_TYPE, {
			jsCode: `return [{ json: {}, binary: { data: { data: '${shot.toString('base64')}', mimeType: 'image/jpeg', fileName: 'inline.jpg' } } }];`,
		});

		const result = await runChain([inline, upload()], nemoVideoCredentials(simulator.url));

		expect(result.output('Upload')[0].json.files).toMatchObject([
			{ fileName: 'inline.jpg', width: 640, height: 480, hash: sha256(shot) },
		]);
	});

	it('refuses a text file named .png before sending anything, saying what was found and what is accepted', async () => {
		const result = await runChain([files('notes.png'), upload()], nemoVideoCredentials(simulator.url));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'File "notes.png" is not a format NemoVideo accepts: its content is text ("just some notes, not a p…") (binary field "data")',
		);
		expect(errorDescription(result)).toMatch(
			/^Found: name "notes.png", MIME type image\/png, content text .*, size 37 bytes\. NemoVideo accepts images jpg, jpeg, png, gif, webp; video mp4, mov, avi, webm, mkv; audio mp3, wav, m4a, aac/,
		);
		expect(errorDescription(result)).toMatch(/Nothing was uploaded for this item\.$/);
		expect(uploads()).toHaveLength(0);
	});

	it('refuses a file over 200 MB before sending anything', async () => {
		const big = sparsePng(join(dir, 'big.png'), MAX_UPLOAD_BYTES + 1);
		try {
			const result = await runChain(
				[node('Files', BINARY_FROM_FILE_TYPE, { filePaths: big }), upload()],
				nemoVideoCredentials(simulator.url),
			);

			expect(result.error?.message).toBe(
				'File "big.png" is too large for NemoVideo: 200.0 MB (209,715,201 bytes; limit 200 MB) (binary field "data")',
			);
			expect(errorDescription(result)).toMatch(/Compress or resize the file below 200 MB/);
			expect(uploads()).toHaveLength(0);
			await result.cleanup();
		} finally {
			rmSync(big, { force: true });
		}
	});

	it('with On Error → Continue, a refused file becomes an error item and the other items are uploaded', async () => {
		const result = await runChain(
			[
				files('photo.png', 'notes.png', 'shot.jpg'),
				upload({ options: { combineItems: true } }, { onError: 'continueRegularOutput' }),
			],
			nemoVideoCredentials(simulator.url),
		);

		const items = result.output('Upload');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[1].json).toMatchObject({
			error: expect.stringMatching(/^File "notes.png" is not a format NemoVideo accepts/),
		});
		expect(items[0].json.fileCount).toBe(1);
		expect(items[2].json.fileCount).toBe(1);
		expect(uploadedNames()).toEqual(['photo.png', 'shot.jpg']);
	});

	it('names a missing binary field and lists the ones the item has', async () => {
		const result = await runChain(
			[files('photo.png'), upload({ binaryPropertyName: 'image' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.error?.message).toBe('The item has no binary field "image"');
		expect(errorDescription(result)).toMatch(/This item's binary fields are: data\./);
		expect(uploads()).toHaveLength(0);
	});

	it('an empty Session ID with no NemoVideo Session node before it: one new session is created and the file goes there', async () => {
		const result = await runChain(
			[files('photo.png', 'shot.jpg'), upload({ sessionId: ' ' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.status).toBe('success');
		const created = result.output('Upload').map((item) => item.json.sessionId as string);
		expect(new Set(created).size).toBe(1);
		expect(created[0]).not.toBe(sessionId);
		expect(simulator.getSession(created[0])?.state.video_infos.map((media) => media.filename)).toEqual([
			'photo.png',
			'shot.jpg',
		]);
	});
});

describe('NemoVideo Upload: HEIC photos', () => {
	it('converts a HEIC photo to JPEG before upload by default: the service receives a JPEG and accepts it', async () => {
		const result = await runChain([files('product-1.heic'), upload()], nemoVideoCredentials(simulator.url));

		expect(result.status).toBe('success');
		const [item] = result.output('Upload');
		expect(item.json.files).toEqual([
			expect.objectContaining({
				fileName: 'product-1.jpg',
				fileType: 'image',
				width: 160,
				height: 120,
				source: 'data',
				convertedFrom: 'product-1.heic',
			}),
		]);
		const [stored] = simulator.getSession(sessionId)?.state.video_infos ?? [];
		expect(stored).toMatchObject({
			filename: 'product-1.jpg',
			format: 'jpeg',
			mime: 'image/jpeg',
			width: 160,
			height: 120,
		});
		const served = Buffer.from(await (await fetch(stored.cdn_url)).arrayBuffer());
		expect([...served.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
		expect(served.length).toBe(stored.size);
		expect(uploads()).toHaveLength(1);
	});

	it('converts HEIC photos among other files of a combined request, each item keeping its own file', async () => {
		const result = await runChain(
			[files('photo.png', 'product-1.heic'), upload({ options: { combineItems: true } })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.output('Upload').map((item) => (item.json.files as Array<{ fileName: string }>)[0].fileName)).toEqual(
			['photo.png', 'product-1.jpg'],
		);
		expect(uploadedNames()).toEqual(['photo.png', 'product-1.jpg']);
		expect(uploads()).toHaveLength(1);
	});

	it('with Convert HEIC to JPEG off, a HEIC photo is refused before anything is sent, with a hint to turn it on', async () => {
		const result = await runChain(
			[files('product-1.heic'), upload({ options: { convertHeic: false } })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'File "product-1.heic" is a HEIC photo, which NemoVideo does not accept (binary field "data")',
		);
		expect(errorDescription(result)).toMatch(
			/^Found: name "product-1.heic", MIME type image\/heic, content HEIC, size 1\.6 KB\. Turn on Options → Convert HEIC to JPEG to have the node convert it before upload/,
		);
		expect(uploads()).toHaveLength(0);
	});

	it('a HEIC file that cannot be decoded fails the item with that reason, and nothing is stored', async () => {
		const result = await runChain([files('broken.heic'), upload()], nemoVideoCredentials(simulator.url));

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^HEIC photo "broken.heic" could not be converted to JPEG \(.+\)$/);
		expect(errorDescription(result)).toMatch(
			/^Convert the photo to JPEG before this node .*nothing of it was stored\.$/,
		);
		expect(uploadedNames()).toEqual([]);
	});

	it('a HEIC URL is refused before sending: the service cannot take it and only files the node sends are converted', async () => {
		const result = await runChain(
			[upload({ source: 'url', urls: 'https://example.com/IMG_0001.HEIC' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.error?.message).toBe(
			'The URL "https://example.com/IMG_0001.HEIC" points to a HEIC photo, which NemoVideo does not accept',
		);
		expect(errorDescription(result)).toMatch(/Convert HEIC to JPEG on/);
		expect(uploads()).toHaveLength(0);
	});
});

describe('NemoVideo Upload: URLs', () => {
	it('sends the URLs of each item as a URL upload and reports the files', async () => {
		const list = node('Links', CODE_TYPE, {
			jsCode:
				"return [{ urls: ['https://cdn.example.com/a/beach.jpg', 'https://cdn.example.com/b/waves.mp4'] }, { urls: 'https://cdn.example.com/c/song.mp3' }];",
		});

		const result = await runChain(
			[list, upload({ source: 'url', urls: '={{ $json.urls }}' })],
			nemoVideoCredentials(simulator.url),
		);

		const items = result.output('Upload');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json).toMatchObject({
			sessionId,
			fileCount: 2,
			files: [
				{
					fileName: 'beach.jpg',
					fileType: 'image',
					source: 'https://cdn.example.com/a/beach.jpg',
					cdnUrl: expect.stringContaining('/cdn/uploads/'),
				},
				{ fileName: 'waves.mp4', fileType: 'video', source: 'https://cdn.example.com/b/waves.mp4' },
			],
		});
		expect(items[1].json).toMatchObject({ fileCount: 1, files: [{ fileName: 'song.mp3', fileType: 'audio' }] });
		expect(simulator.getSession(sessionId)?.state.video_infos.map((media) => media.source_type)).toEqual([
			'url',
			'url',
			'url',
		]);
	});

	it('accepts a list typed one per line or separated by commas', async () => {
		const result = await runChain(
			[
				upload({
					source: 'url',
					urls: 'https://example.com/1.png,\nhttps://example.com/2.png, https://example.com/3.png',
				}),
			],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.output('Upload')[0].json.fileCount).toBe(3);
		expect(uploads()).toHaveLength(1);
	});

	it('refuses a URL that is clearly not media before sending anything', async () => {
		const result = await runChain(
			[upload({ source: 'url', urls: 'https://example.com/brochure.pdf' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.error?.message).toBe(
			'The URL "https://example.com/brochure.pdf" points to a .pdf file, which NemoVideo does not accept',
		);
		expect(uploads()).toHaveLength(0);
	});

	it('refuses a URL with a malformed percent-escape, naming it and saying how to write a literal %', async () => {
		const result = await runChain(
			[upload({ source: 'url', urls: 'https://example.com/ok.jpg\nhttps://example.com/a%zz.png' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.error?.message).toBe('The URL "https://example.com/a%zz.png" has a malformed percent-escape ("%zz")');
		expect(errorDescription(result)).toBe(
			'Correct it in URLs: write a literal % as %25 (e.g. 50%25-off.jpg), or copy the address again from the browser’s address bar. Nothing was uploaded for this item.',
		);
		expect(uploads()).toHaveLength(0);
	});
});

describe('NemoVideo Upload: service errors, resets and cancel', () => {
	it('4001 from the service says which formats are accepted', async () => {
		simulator.injectFault({
			method: 'POST',
			path: UPLOAD.source,
			kind: 'status',
			status: 200,
			body: { code: 4001, message: 'unsupported file type: photo.png' },
		});

		const result = await runChain(
			[files('photo.png'), upload({}, { onError: 'continueRegularOutput' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.output('Upload')[0].json).toMatchObject({
			error: 'NemoVideo does not accept this file type (NemoVideo said: unsupported file type: photo.png)',
			description: expect.stringMatching(/^Accepted formats: images jpg, jpeg, png, gif, webp; video mp4/),
			errorKind: 'fileType',
		});
	});

	it('4002 from the service says the file is too large and what to do', async () => {
		simulator.configure({ maxUploadBytes: 1024 });

		const result = await runChain([files('clip.mp4'), upload()], nemoVideoCredentials(simulator.url));

		expect(result.error?.message).toBe(
			'File too large for NemoVideo (limit 200 MB) (NemoVideo said: file too large: clip.mp4 exceeds the 0 MB limit)',
		);
		expect(errorDescription(result)).toMatch(/^Compress or resize the file below 200 MB/);
		expect(uploadedNames()).toEqual([]);
	});

	it('an answer listing other files than the one item sent gives that item all of them, with a warning', async () => {
		simulator.injectFault({
			method: 'POST',
			path: UPLOAD.source,
			kind: 'status',
			status: 200,
			body: answer('photo-1.png', 'photo-2.png'),
		});

		const result = await runChain([files('photo.png'), upload()], nemoVideoCredentials(simulator.url));

		expect(result.status).toBe('success');
		const [item] = result.output('Upload');
		expect(item.json).toMatchObject({
			fileCount: 2,
			files: [
				{ fileName: 'photo-1.png', cdnUrl: 'https://cdn.example.com/photo-1.png', source: null },
				{ fileName: 'photo-2.png', source: null },
			],
			warning:
				'NemoVideo reported 2 file(s) for the 1 sent; all it reported are listed here (source is null where a name differs from the file sent). NemoVideo Session → Get State shows which files the session holds.',
		});
	});

	it('in a combined request, items the answer cannot be matched to get a warning and the unmatched files, not an empty success', async () => {
		simulator.injectFault({
			method: 'POST',
			path: UPLOAD.source,
			kind: 'status',
			status: 200,
			body: answer('photo.png', 'clip-transcoded.mp4'),
		});

		const result = await runChain(
			[files('photo.png', 'shot.jpg', 'clip.mp4'), upload({ options: { combineItems: true } })],
			nemoVideoCredentials(simulator.url),
		);

		const items = result.output('Upload');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json).toEqual({
			sessionId,
			fileCount: 1,
			files: [expect.objectContaining({ fileName: 'photo.png', source: 'data' })],
		});
		const unmatchedFiles = [expect.objectContaining({ fileName: 'clip-transcoded.mp4', source: null })];
		expect(items[1].json).toEqual({
			sessionId,
			fileCount: 0,
			files: [],
			warning:
				'NemoVideo reported 2 file(s) for the 3 sent in one request, and the answer could not be matched to this item\'s file(s) "shot.jpg". The files of the answer that matched none of the files sent are in unmatchedFiles (the same list on every item affected). NemoVideo Session → Get State shows which files the session holds.',
			unmatchedFiles,
		});
		expect(items[2].json).toMatchObject({
			fileCount: 0,
			warning: expect.stringContaining('"clip.mp4"'),
			unmatchedFiles,
		});
	});

	it('a connection reset mid-upload is retried from the start of the stored file, and the file arrives once', async () => {
		const content = png(2000, 1000, 3 * 1024 * 1024);
		writeFileSync(join(dir, 'large.png'), content);
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'reset', afterBytes: 512 * 1024 });

		const result = await runChain([files('large.png'), upload()], nemoVideoCredentials(simulator.url));

		expect(result.status).toBe('success');
		expect(uploads().map((entry) => entry.aborted ?? false)).toEqual([true, false]);
		expect(result.output('Upload')[0].json.files).toMatchObject([{ fileName: 'large.png', hash: sha256(content) }]);
		expect(result.output('Upload')[0].json.note).toMatch(
			/^Attempt 1: the upload's answer was lost \(Could not reach NemoVideo .*\); "large.png" was not in the session, so it was sent once more\.$/,
		);
		expect(uploadedNames()).toEqual(['large.png']);
	});

	it('a reset after the file was stored is confirmed by the session state: not sent again, the stored file is the output', async () => {
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'resetAfterBody' });

		const result = await runChain([files('photo.png'), upload()], nemoVideoCredentials(simulator.url));

		expect(result.status).toBe('success');
		expect(uploads()).toHaveLength(1);
		expect(uploadedNames()).toEqual(['photo.png']);
		const [item] = result.output('Upload');
		expect(item.json.files).toEqual([
			expect.objectContaining({
				fileName: 'photo.png',
				fileType: 'image',
				width: 1280,
				height: 720,
				hash: sha256(photo),
				source: 'data',
				cdnUrl: expect.stringContaining('/cdn/uploads/'),
			}),
		]);
		expect(item.json.note).toMatch(
			/^Attempt 1: the upload's answer was lost \(Could not reach NemoVideo \(POST \/api\/upload-video\/.*\); the session state shows the file arrived: "photo.png" \(3\.9 KB, hash [0-9a-f]{12}…, http.*\)\. Not sent again\.$/,
		);
	});

	it('an HTTP 200 with truncated JSON after storing is not re-sent: the session state shows the file arrived', async () => {
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'truncatedAnswer' });

		const result = await runChain(
			[files('photo.png', 'shot.jpg'), upload({ options: { combineItems: true } })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.status).toBe('success');
		expect(uploads()).toHaveLength(1);
		expect(uploadedNames()).toEqual(['photo.png', 'shot.jpg']);
		const items = result.output('Upload');
		expect(
			items.map((item) =>
				(item.json.files as Array<{ fileName: string; source: string }>).map((file) => [file.fileName, file.source]),
			),
		).toEqual([[['photo.png', 'data']], [['shot.jpg', 'data']]]);
		expect(items[0].json.note).toMatch(
			/not valid JSON.*the session state shows the files arrived: "photo.png" .*; "shot.jpg" .*\. Not sent again\.$/,
		);
	});

	it('a session that already held the same file still gets the new copy confirmed, not the old one taken for it', async () => {
		await runChain([files('photo.png'), upload()], nemoVideoCredentials(simulator.url));
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'reset', afterBytes: 1024 });

		const result = await runChain([files('photo.png'), upload()], nemoVideoCredentials(simulator.url));

		expect(result.status).toBe('success');
		expect(result.output('Upload')[0].json.note).toMatch(
			/"photo.png" was not in the session, so it was sent once more\.$/,
		);
		expect(uploadedNames()).toEqual(['photo.png', 'photo.png']);
	});

	it('a URL upload whose answer was lost after it was stored is confirmed by the session state, not sent again', async () => {
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'resetAfterBody' });

		const result = await runChain(
			[upload({ source: 'url', urls: 'https://cdn.example.com/a/beach.jpg' })],
			nemoVideoCredentials(simulator.url),
		);

		expect(result.status).toBe('success');
		expect(uploads()).toHaveLength(1);
		expect(result.output('Upload')[0].json).toMatchObject({
			fileCount: 1,
			files: [{ fileName: 'beach.jpg', source: 'https://cdn.example.com/a/beach.jpg' }],
			note: expect.stringMatching(/the session state shows the file arrived: "beach.jpg"/),
		});
		expect(simulator.getSession(sessionId)?.state.video_infos).toHaveLength(1);
	});

	it('a lost answer whose file is not in the session and that breaks again fails, saying nothing is stored twice', async () => {
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'reset', afterBytes: 1024, times: 2 });

		const result = await runChain([files('photo.png'), upload()], nemoVideoCredentials(simulator.url));

		expect(result.status).toBe('error');
		expect(uploads()).toHaveLength(2);
		expect(errorDescription(result)).toMatch(
			/"photo.png" is not in the session \(checked through its state\), so nothing is stored twice, but it was not sent again \(it was sent 2 times\)\. Run the upload again for "photo.png"\.$/,
		);
		expect(uploadedNames()).toEqual([]);
	});

	it('a token rejected mid-upload is checked again through the credential and the whole file is sent again', async () => {
		const clientId = '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b';
		const token = simulator.issueToken('anonymous', { clientId });
		sessionId = (await createSession(clientFor(simulator, token), { taskName: 'anonymous', language: 'en' })).sessionId;
		simulator.injectFault({
			method: 'POST',
			path: UPLOAD.source,
			kind: 'status',
			status: 401,
			body: { code: 1001, message: 'token invalid or expired' },
		});

		const result = await runChain(
			[files('clip.mp4'), upload()],
			nemoVideoCredentials(simulator.url, { apiToken: '', sessionToken: token, clientId }),
		);

		expect(result.status).toBe('success');
		expect(uploads().map((entry) => entry.status)).toEqual([401, 200]);
		expect(simulator.log.some((entry) => entry.path === '/api/credits/balance/simple' && entry.status === 200)).toBe(
			true,
		);
		expect(uploadedNames()).toEqual(['clip.mp4']);
	});

	it('stopping the workflow aborts the upload within a second', async () => {
		simulator.injectFault({ method: 'POST', path: UPLOAD.source, kind: 'delay', delayMs: 30_000 });
		const controller = new AbortController();

		const running = runChain([files('clip.mp4'), upload()], nemoVideoCredentials(simulator.url), {
			signal: controller.signal,
		});
		await until(() => uploads().length === 1, 10_000);
		const stoppedAt = Date.now();
		controller.abort();
		const result = await running;

		expect(Date.now() - stoppedAt).toBeLessThan(1000);
		expect(result.status).toBe('canceled');
		expect(result.settled).toBe(true);
		expect(result.error?.message).toBe('The upload was canceled: the workflow was stopped');
		expect(uploadedNames()).toEqual([]);
		await until(() => uploads()[0].finishedAt !== undefined);
		expect(uploads()[0].aborted).toBe(true);
		expect((uploads()[0].finishedAt as number) - stoppedAt).toBeLessThan(1000);
	});
});

describe('NemoVideo Upload as an AI Agent tool', () => {
	async function runAsTool(parameters: Record<string, unknown>, way: ToolRunWay = 'generated Tool type') {
		const type = toolVariant(new NemoVideoUpload(), way);
		const tool = node(
			'Upload Tool',
			`${PACKAGE}.${type.description.name}`,
			{ operation: 'upload', sessionId, ...parameters } as INode['parameters'],
			{
				credentials: { nemoVideoApi: { id: 'nemo-1', name: 'NemoVideo' } },
			},
		);
		return await runWorkflow(chain(node('Start', MANUAL_TRIGGER_TYPE), tool), {
			nodeTypes: nodeTypesOf(PACKAGE, type),
			credentialTypes: { nemoVideoApi: new NemoVideoApi() },
			credentials: nemoVideoCredentials(simulator.url),
		});
	}

	it('uploads URLs the agent gives and answers with the files’ CDN URLs', async () => {
		const result = await runAsTool({ source: 'url', urls: 'https://example.com/cat.jpg' });

		expect(result.output('Upload Tool')[0].json).toMatchObject({
			sessionId,
			fileCount: 1,
			files: [{ fileName: 'cat.jpg', cdnUrl: expect.any(String) }],
		});
	});

	it('answers in short however many files: ten listed with name, type and CDN URL, the rest counted, no hashes', async () => {
		const urls = Array.from({ length: 12 }, (_, i) => `https://example.com/photos/photo-${i + 1}.jpg`).join('\n');
		const result = await runAsTool({ source: 'url', urls });

		const [answer] = result.output('Upload Tool');
		expect(answer.json).toMatchObject({ sessionId, fileCount: 12, moreFiles: 2 });
		expect(answer.json.files).toHaveLength(10);
		expect((answer.json.files as Array<Record<string, unknown>>)[0]).toEqual({
			fileName: 'photo-1.jpg',
			fileType: 'image',
			size: '1920x1080',
			cdnUrl: expect.stringMatching(/photo-1\.jpg$/),
		});
		expect(JSON.stringify(answer.json)).not.toMatch(/hash|source/);
		expect(JSON.stringify(answer.json).length).toBeLessThanOrEqual(2_000);
	});

	it('in the generated tool type, Source defaults to URL and Session ID and URLs are left to the model ($fromAI)', () => {
		const type = toolVariant(new NemoVideoUpload(), 'generated Tool type');
		const parameters = NodeHelpers.getNodeParameters(
			type.description.properties,
			{ operation: 'upload' },
			true,
			false,
			null,
			type.description,
		);
		expect(parameters?.source).toBe('url');
		expect(parameters?.urls).toMatch(/^=\{\{ .*\$fromAI\('urls', '[^']{40,}', 'string'\) \}\}$/);
		expect(parameters?.sessionId).toMatch(/\$fromAI\('sessionId'/);
		const plain = NodeHelpers.getNodeParameters(
			new NemoVideoUpload().description.properties,
			{ operation: 'upload' },
			true,
			false,
			null,
			new NemoVideoUpload().description,
		);
		expect(plain?.source).toBe('binary');
		expect(plain?.sessionId).toBe('={{ $json.sessionId }}');
	});

	it.each(TOOL_RUN_WAYS)(
		'left on Binary File, it tells the user that a tool needs Source set to URL (%s)',
		async (way) => {
			const result = await runAsTool({ source: 'binary' }, way);

			// as a tool the hint joins the message: n8n's agent passes only the message to the model
			expect(result.error?.message).toBe(
				'The item has no binary data to upload. An AI agent tool cannot pass files: set Source to URL and let the agent give file addresses.',
			);
			expect(errorDescription(result)).toBe(
				'An AI agent tool cannot pass files: set Source to URL and let the agent give file addresses.',
			);
			expect(uploads()).toHaveLength(0);
		},
	);
});
