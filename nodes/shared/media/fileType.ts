import type { Readable } from 'node:stream';

import { formatBytes } from '../formatBytes';
import { ACCEPTED_FORMATS } from '../transport/errors';
import {
	extensionOf,
	FORMATS,
	formatOfExtension,
	formatOfMimeType,
	NEUTRAL_EXTENSIONS,
	NEUTRAL_MIME_TYPES,
	normaliseMimeType,
	type MediaFormat,
} from './mediaFormats';

/**
 * Local checks of a file before any byte of it is sent: the format NemoVideo accepts, read from the
 * file's leading bytes, must agree with its name and MIME type, and it must fit the size limit.
 * Pure functions over the file's first bytes; no n8n imports.
 */

/** NemoVideo's per-file limit (200 MB, counted as MiB like the service's own check). */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** Leading bytes read to recognise a format (enough for every signature below). */
export const HEAD_BYTES = 64;

/** The accepted format the leading bytes show, or undefined when they show none. */
export function detectFormat(head: Uint8Array): MediaFormat | undefined {
	const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
	const ascii = (start: number, end: number) => (b.length >= end ? b.toString('latin1', start, end) : '');
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return FORMATS.jpeg;
	if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return FORMATS.png;
	if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return FORMATS.gif;
	if (ascii(0, 4) === 'RIFF') {
		const kind = ascii(8, 12);
		if (kind === 'WEBP') return FORMATS.webp;
		if (kind === 'AVI ') return FORMATS.avi;
		if (kind === 'WAVE') return FORMATS.wav;
		return undefined;
	}
	if (ascii(4, 8) === 'ftyp') return isoBrandFormat(b);
	if (['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].includes(ascii(4, 8))) return FORMATS.mov;
	if (b.length >= 4 && b.readUInt32BE(0) === 0x1a45dfa3) {
		return b.indexOf('webm', 0, 'latin1') >= 0 ? FORMATS.webm : FORMATS.mkv;
	}
	if (ascii(0, 3) === 'ID3') return FORMATS.mp3;
	if (b.length >= 2 && b[0] === 0xff) {
		if ((b[1] & 0xf6) === 0xf0) return FORMATS.aac;
		if ((b[1] & 0xe0) === 0xe0 && ((b[1] >> 1) & 3) !== 0) return FORMATS.mp3;
	}
	return undefined;
}

/** What the leading bytes look like, in words, for a refused file. */
export function describeContent(head: Uint8Array): string {
	const detected = detectFormat(head);
	if (detected) return detected.label;
	const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
	if (b.length === 0) return 'an empty file';
	const start = b.toString('latin1', 0, Math.min(b.length, 16));
	if (start.startsWith('%PDF')) return 'a PDF document';
	if (start.startsWith('PK\x03\x04')) return 'a ZIP archive (or an Office document)';
	if (start.startsWith('BM')) return 'a BMP image';
	if (start.startsWith('II*\0') || start.startsWith('MM\0*')) return 'a TIFF image';
	if (start.slice(4, 8) === 'ftyp' && /avi[fs]/.test(b.toString('latin1', 8, 32))) return 'an AVIF image';
	const text = textExcerpt(b);
	if (text !== undefined) {
		const lower = text.trimStart().toLowerCase();
		if (lower.startsWith('<!doctype html') || lower.startsWith('<html'))
			return 'an HTML page (often a login or error page instead of the file)';
		if (lower.startsWith('<svg') || (lower.startsWith('<?xml') && /<svg/.test(b.toString('utf8').toLowerCase())))
			return 'an SVG image';
		if (lower.startsWith('<')) return 'XML or HTML text';
		if (lower.startsWith('{') || lower.startsWith('[')) return 'JSON text';
		return `text ("${text.length > 24 ? `${text.slice(0, 24)}…` : text}")`;
	}
	const hex = [...b.subarray(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
	return `unrecognised data (first bytes ${hex})`;
}

export interface FileFacts {
	/** The file name as n8n knows it (may be empty). */
	fileName: string;
	mimeType?: string;
	/** Size in bytes, when known before reading. */
	size?: number;
	/** The first bytes (HEAD_BYTES, or fewer for a shorter file). */
	head: Uint8Array;
}

export type FileCheck =
	| { ok: true; format: MediaFormat; uploadName: string; contentType: string; convert?: 'heicToJpeg' }
	| { ok: false; kind: 'fileType' | 'fileSize'; message: string; found: string; fix: string };

export interface CheckOptions {
	maxBytes?: number;
	/**
	 * HEIC/HEIF photos: NemoVideo's product pages advertise them but the service answers 4001. When
	 * true they pass, to be converted to JPEG and sent as `<name>.jpg`; otherwise they are refused.
	 */
	convertHeic?: boolean;
	/** Largest HEIC file converted (the conversion reads the whole file). */
	maxHeicBytes?: number;
}

/**
 * Checks one file against NemoVideo's formats and size limit. Content decides the format; a name
 * extension or MIME type, when they say something, must fit it. A file without an extension is
 * sent with the detected one so the service sees a consistent name.
 */
export function checkFile(file: FileFacts, options: CheckOptions = {}): FileCheck {
	const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
	const shown = file.fileName || '(unnamed)';
	const extension = extensionOf(file.fileName);
	const mimeType = normaliseMimeType(file.mimeType);
	const content = detectFormat(file.head);
	const found = [
		`name "${shown}"`,
		`MIME type ${mimeType || 'not set'}`,
		`content ${content ? content.label : describeContent(file.head)}`,
	];
	if (file.size !== undefined) found.push(`size ${formatBytes(file.size)}`);
	const foundText = `Found: ${found.join(', ')}.`;
	const typeFix = `NemoVideo accepts ${ACCEPTED_FORMATS}; the file's name, MIME type and content must all match one of them.`;

	if (!content) {
		return {
			ok: false,
			kind: 'fileType',
			message: `File "${shown}" is not a format NemoVideo accepts: its content is ${describeContent(file.head)}`,
			found: foundText,
			fix: `${typeFix} Convert the file to one of these formats.`,
		};
	}
	if (!NEUTRAL_EXTENSIONS.has(extension)) {
		const named = formatOfExtension(extension);
		if (!named || named.family !== content.family) {
			return {
				ok: false,
				kind: 'fileType',
				message: named
					? `File "${shown}" is named as ${named.label} but its content is ${content.label}`
					: `File "${shown}" has the extension .${extension}, which NemoVideo does not accept`,
				found: foundText,
				fix: `${typeFix} Rename the file to .${content.extension} if its content is right (e.g. set the file name in the step that produced it), or convert it.`,
			};
		}
	}
	if (!NEUTRAL_MIME_TYPES.has(mimeType)) {
		const typed = formatOfMimeType(mimeType);
		if (!typed || typed.family !== content.family) {
			return {
				ok: false,
				kind: 'fileType',
				message: `File "${shown}" has the MIME type ${mimeType} but its content is ${content.label}`,
				found: foundText,
				fix: `${typeFix} Correct the MIME type in the step that produced the file (${content.mimeType} for this content), or convert the file.`,
			};
		}
	}
	if (file.size !== undefined && file.size > maxBytes) {
		return {
			ok: false,
			kind: 'fileSize',
			message: `File "${shown}" is too large for NemoVideo: ${formatBytes(file.size)} (${file.size.toLocaleString('en-US')} bytes; limit ${formatBytes(maxBytes)})`,
			found: foundText,
			fix: `Compress or resize the file below ${formatBytes(maxBytes)} (for example re-encode video at a lower bitrate or resolution) and try again.`,
		};
	}
	if (content.name === 'heic') return checkHeic(file, shown, foundText, options);
	const uploadName = extension === '' ? `${file.fileName || 'file'}.${content.extension}` : file.fileName;
	return {
		ok: true,
		format: content,
		uploadName,
		contentType: NEUTRAL_MIME_TYPES.has(mimeType) ? content.mimeType : mimeType,
	};
}

function checkHeic(file: FileFacts, shown: string, found: string, options: CheckOptions): FileCheck {
	if (!options.convertHeic) {
		return {
			ok: false,
			kind: 'fileType',
			message: `File "${shown}" is a HEIC photo, which NemoVideo does not accept`,
			found,
			fix: `Turn on Options → Convert HEIC to JPEG to have the node convert it before upload, or convert it to JPEG before this node. NemoVideo accepts ${ACCEPTED_FORMATS}.`,
		};
	}
	const maxHeicBytes = options.maxHeicBytes ?? MAX_UPLOAD_BYTES;
	if (file.size !== undefined && file.size > maxHeicBytes) {
		return {
			ok: false,
			kind: 'fileSize',
			message: `HEIC photo "${shown}" is too large to convert: ${formatBytes(file.size)} (limit ${formatBytes(maxHeicBytes)})`,
			found,
			fix: 'Convert it to JPEG before this node (e.g. export it from the Photos app as "Most Compatible"), then upload the JPEG.',
		};
	}
	const base = file.fileName.replace(/\.(heic|heif)$/i, '');
	return {
		ok: true,
		format: FORMATS.jpeg,
		uploadName: `${base || 'photo'}.jpg`,
		contentType: 'image/jpeg',
		convert: 'heicToJpeg',
	};
}

/** Reads up to `bytes` leading bytes of a stream, then closes it. */
export async function readHead(stream: Readable, bytes = HEAD_BYTES): Promise<Buffer> {
	const parts: Buffer[] = [];
	let length = 0;
	try {
		for await (const chunk of stream) {
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
			parts.push(buffer.subarray(0, bytes - length));
			length += Math.min(buffer.length, bytes - length);
			if (length >= bytes) break;
		}
	} finally {
		stream.destroy();
	}
	return Buffer.concat(parts, length);
}

/** ISO base media files: HEIF stills, M4A audio, QuickTime and MP4 video (any other brand counts as MP4). */
function isoBrandFormat(b: Buffer): MediaFormat | undefined {
	const boxSize = b.readUInt32BE(0);
	const brands = [b.toString('latin1', 8, 12)];
	for (let offset = 16; offset + 4 <= Math.min(boxSize, b.length); offset += 4)
		brands.push(b.toString('latin1', offset, offset + 4));
	if (brands[0] === 'avif' || brands[0] === 'avis') return undefined;
	if (brands.some((brand) => ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)))
		return FORMATS.heic;
	if (brands.some((brand) => ['M4A ', 'M4B ', 'M4P '].includes(brand))) return FORMATS.m4a;
	if (brands[0] === 'qt  ') return FORMATS.mov;
	return FORMATS.mp4;
}

function textExcerpt(b: Buffer): string | undefined {
	const text = b.toString('utf8').replace(/\uFFFD$/, '');
	if (text.includes('\uFFFD')) return undefined;
	// eslint-disable-next-line no-control-regex
	if (/[\x00-\x08\x0e-\x1f\x7f]/.test(text)) return undefined;
	return text.replace(/\s+/g, ' ').trim();
}
