import { Readable } from 'node:stream';

import {
	checkFile,
	describeContent,
	detectFormat,
	MAX_UPLOAD_BYTES,
	readHead,
} from '../../../../nodes/shared/media/fileType';
import { jpeg, png, sampleMp4 } from '../../NemoVideoUpload/media';

const bytes = (...parts: Array<string | number[]>) =>
	Buffer.concat([
		...parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
		Buffer.alloc(48),
	]);

describe('recognising accepted formats by their leading bytes', () => {
	it.each([
		['jpeg', jpeg(10, 10)],
		['png', png(10, 10)],
		['gif', bytes('GIF89a')],
		['webp', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ')],
		['heic', bytes([0, 0, 0, 0x18], 'ftypheic')],
		['mp4', sampleMp4().subarray(0, 64)],
		['mov', bytes([0, 0, 0, 0x14], 'ftypqt  ')],
		['avi', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST')],
		['webm', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm')],
		['mkv', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], 'matroska')],
		['mp3', bytes('ID3', [4, 0])],
		['wav', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')],
		['m4a', bytes([0, 0, 0, 0x1c], 'ftypM4A ')],
		['aac', bytes([0xff, 0xf1, 0x50, 0x80])],
	])('%s', (name, head) => {
		expect(detectFormat(head)?.name).toBe(name);
	});

	it('an AVIF image is not taken for a HEIC one, and says what it is', () => {
		const avif = bytes([0, 0, 0, 0x1c], 'ftypavif', [0, 0, 0, 0], 'avifmif1miaf');
		expect(detectFormat(avif)).toBeUndefined();
		expect(describeContent(avif)).toBe('an AVIF image');
	});

	it.each([
		['text', Buffer.from('just some notes, not media'), /^text \("just some notes, not med…"\)$/],
		['an HTML page', Buffer.from('<!DOCTYPE html><html><body>Sign in'), /HTML page/],
		['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ'), /PDF document/],
		['nothing', Buffer.alloc(0), /empty file/],
		[
			'random bytes',
			Buffer.from([0, 1, 2, 3, 0xfe, 0x80, 0x81, 0x82, 9]),
			/unrecognised data \(first bytes 00 01 02 03 fe 80 81 82\)/,
		],
	])('describes %s in words', (_name, head, expected) => {
		expect(describeContent(head)).toMatch(expected);
	});
});

describe('checking a file before it is sent', () => {
	it('accepts a PNG whose name and MIME type agree', () => {
		expect(checkFile({ fileName: 'cat.png', mimeType: 'image/png', size: 1000, head: png(1, 1) })).toMatchObject({
			ok: true,
			uploadName: 'cat.png',
			contentType: 'image/png',
		});
	});

	it('refuses a text file named .png, naming the file, what was found and what is accepted', () => {
		const check = checkFile({
			fileName: 'notes.png',
			mimeType: 'image/png',
			size: 26,
			head: Buffer.from('just some notes, not media'),
		});
		expect(check).toMatchObject({ ok: false, kind: 'fileType' });
		if (check.ok) return;
		expect(check.message).toBe(
			'File "notes.png" is not a format NemoVideo accepts: its content is text ("just some notes, not med…")',
		);
		expect(check.found).toBe(
			'Found: name "notes.png", MIME type image/png, content text ("just some notes, not med…"), size 26 bytes.',
		);
		expect(check.fix).toMatch(/jpg, jpeg, png, gif, webp; video mp4, mov, avi, webm, mkv; audio mp3, wav, m4a, aac/);
	});

	it('a HEIC photo is refused unless it is to be converted: NemoVideo answers 4001 for HEIC', () => {
		const heic = bytes([0, 0, 0, 0x18], 'ftypheic');
		const refused = checkFile({ fileName: 'IMG_0001.HEIC', mimeType: 'image/heic', size: 2_000_000, head: heic });
		expect(refused).toMatchObject({
			ok: false,
			kind: 'fileType',
			message: 'File "IMG_0001.HEIC" is a HEIC photo, which NemoVideo does not accept',
		});
		if (refused.ok) return;
		expect(refused.fix).toMatch(/^Turn on Options → Convert HEIC to JPEG/);
		expect(refused.fix).toMatch(/NemoVideo accepts images jpg, jpeg, png, gif, webp; video/);

		expect(
			checkFile(
				{ fileName: 'IMG_0001.HEIC', mimeType: 'image/heic', size: 2_000_000, head: heic },
				{ convertHeic: true },
			),
		).toEqual({
			ok: true,
			format: expect.objectContaining({ name: 'jpeg' }),
			uploadName: 'IMG_0001.jpg',
			contentType: 'image/jpeg',
			convert: 'heicToJpeg',
		});
		expect(
			checkFile(
				{ fileName: 'big.heic', size: 65 * 1024 * 1024, head: heic },
				{ convertHeic: true, maxHeicBytes: 64 * 1024 * 1024 },
			),
		).toMatchObject({
			ok: false,
			kind: 'fileSize',
			message: 'HEIC photo "big.heic" is too large to convert: 65 MB (limit 64 MB)',
		});
	});

	it('refuses PNG content named .jpg and suggests the right extension', () => {
		const check = checkFile({ fileName: 'photo.jpg', mimeType: 'application/octet-stream', head: png(1, 1) });
		expect(check.ok).toBe(false);
		if (check.ok) return;
		expect(check.message).toBe('File "photo.jpg" is named as JPEG but its content is PNG');
		expect(check.fix).toMatch(/Rename the file to \.png/);
	});

	it('refuses a MIME type that contradicts the content', () => {
		const check = checkFile({ fileName: 'photo.png', mimeType: 'text/plain', head: png(1, 1) });
		expect(check).toMatchObject({
			ok: false,
			kind: 'fileType',
			message: 'File "photo.png" has the MIME type text/plain but its content is PNG',
		});
	});

	it('refuses an extension NemoVideo does not take, even with media content', () => {
		const check = checkFile({ fileName: 'photo.tiff', head: png(1, 1) });
		expect(check).toMatchObject({
			ok: false,
			message: 'File "photo.tiff" has the extension .tiff, which NemoVideo does not accept',
		});
	});

	it('lets names and MIME types of the same container fit (MP4 content as .mov, video/quicktime)', () => {
		expect(
			checkFile({ fileName: 'clip.mov', mimeType: 'video/quicktime', head: sampleMp4().subarray(0, 64) }),
		).toMatchObject({ ok: true, uploadName: 'clip.mov' });
	});

	it('a file without extension or with a neutral MIME type is judged by content and sent with its extension', () => {
		expect(checkFile({ fileName: 'upload', mimeType: 'application/octet-stream', head: jpeg(2, 2) })).toMatchObject({
			ok: true,
			uploadName: 'upload.jpg',
			contentType: 'image/jpeg',
		});
		expect(checkFile({ fileName: '', head: png(1, 1) })).toMatchObject({ ok: true, uploadName: 'file.png' });
	});

	it('refuses a file over 200 MB and accepts one of exactly 200 MB', () => {
		const over = checkFile({ fileName: 'big.png', mimeType: 'image/png', size: MAX_UPLOAD_BYTES + 1, head: png(1, 1) });
		expect(over).toMatchObject({
			ok: false,
			kind: 'fileSize',
			message: 'File "big.png" is too large for NemoVideo: 200.0 MB (209,715,201 bytes; limit 200 MB)',
		});
		if (!over.ok) expect(over.fix).toMatch(/Compress or resize the file below 200 MB/);
		expect(checkFile({ fileName: 'big.png', size: MAX_UPLOAD_BYTES, head: png(1, 1) }).ok).toBe(true);
	});
});

describe('reading the head of a stream', () => {
	it('reads only the first bytes and closes the stream', async () => {
		let served = 0;
		const stream = new Readable({
			read() {
				served++;
				this.push(served > 1000 ? null : Buffer.alloc(16, served));
			},
		});
		const head = await readHead(stream, 40);
		expect(head).toHaveLength(40);
		expect([...head.subarray(0, 17)]).toEqual([...Array(16).fill(1), 2]);
		expect(stream.destroyed).toBe(true);
		expect(served).toBeLessThan(100);
	});
});
