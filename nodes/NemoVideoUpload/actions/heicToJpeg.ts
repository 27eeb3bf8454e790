import type { Readable } from 'node:stream';

import { NemoVideoError } from '../../shared/transport/errors';
import { formatBytes } from '../../shared/transport/fileType';

/**
 * HEIC → JPEG before upload: NemoVideo answers 4001 for HEIC, and iPhone photos arrive as HEIC.
 * Uses heic-convert (libheif compiled to WASM, jpeg-js; pure JS, no install script, no download),
 * loaded on the first HEIC file so that node start-up does not pay for it (~200 ms, ~9 MB).
 *
 * Memory is bounded: one conversion at a time in the whole process (a queue), inputs up to
 * MAX_HEIC_BYTES, pictures up to MAX_HEIC_PIXELS (decoded as RGBA, 4 bytes a pixel: 50 MP ≈ 200 MB,
 * the largest iPhone photos are 48 MP). Only the JPEG is kept, until its part has been sent.
 */
export const MAX_HEIC_BYTES = 64 * 1024 * 1024;
export const MAX_HEIC_PIXELS = 50_000_000;
const JPEG_QUALITY = 0.9;

type Converter = (options: { buffer: Uint8Array; format: 'JPEG' | 'PNG'; quality?: number }) => Promise<Uint8Array>;

let converter: Promise<Converter> | undefined;
let queue: Promise<unknown> = Promise.resolve();

/** Loads heic-convert on first use (compiled to a deferred require: nothing is loaded at start-up). */
async function loadConverter(): Promise<Converter> {
	converter ??= import('heic-convert').then((module) => ((module as { default?: Converter }).default ?? module) as Converter);
	return await converter;
}

/** The name a converted file is sent with: its extension becomes .jpg. */
export function jpegName(fileName: string): string {
	const base = fileName.replace(/\.(heic|heif)$/i, '');
	return `${base || 'photo'}.jpg`;
}

/** Reads a HEIC file (at most MAX_HEIC_BYTES) and converts it to JPEG, one conversion at a time. */
export async function heicToJpeg(fileName: string, open: () => Promise<Readable>): Promise<Buffer> {
	const run = queue.then(async () => await convertOne(fileName, open));
	queue = run.catch(() => undefined);
	return await run;
}

async function convertOne(fileName: string, open: () => Promise<Readable>): Promise<Buffer> {
	const heic = await readAll(fileName, await open());
	const pixels = largestImagePixels(heic);
	if (pixels > MAX_HEIC_PIXELS) {
		throw refused(`HEIC photo "${fileName}" is ${Math.round(pixels / 1e6)} megapixels, more than the ${MAX_HEIC_PIXELS / 1e6} the node converts (to keep memory bounded)`, 'fileSize');
	}
	const convert = await loadConverter();
	try {
		return Buffer.from(await convert({ buffer: heic, format: 'JPEG', quality: JPEG_QUALITY }));
	} catch (error) {
		throw refused(`HEIC photo "${fileName}" could not be converted to JPEG (${(error as Error)?.message ?? String(error)})`, 'fileType');
	}
}

function refused(message: string, kind: 'fileType' | 'fileSize'): NemoVideoError {
	return new NemoVideoError(message, {
		kind,
		hint: 'Convert the photo to JPEG before this node (e.g. export it from Photos as "Most Compatible"), or leave it out. The upload stopped before the request was complete, so nothing of it was stored.',
	});
}

async function readAll(fileName: string, stream: Readable): Promise<Buffer> {
	const parts: Buffer[] = [];
	let length = 0;
	try {
		for await (const chunk of stream) {
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
			length += buffer.length;
			if (length > MAX_HEIC_BYTES) {
				throw refused(`HEIC photo "${fileName}" is larger than ${formatBytes(MAX_HEIC_BYTES)}, the most the node converts`, 'fileSize');
			}
			parts.push(buffer);
		}
	} finally {
		stream.destroy();
	}
	return Buffer.concat(parts, length);
}

/** Width × height of the largest image in the file, from its `ispe` boxes (0 when none is found). */
function largestImagePixels(heic: Buffer): number {
	let largest = 0;
	for (let at = heic.indexOf('ispe', 4, 'latin1'); at >= 4 && at + 16 <= heic.length; at = heic.indexOf('ispe', at + 4, 'latin1')) {
		// box: size(4) 'ispe' version+flags(4) width(4) height(4)
		largest = Math.max(largest, heic.readUInt32BE(at + 8) * heic.readUInt32BE(at + 12));
	}
	return largest;
}
