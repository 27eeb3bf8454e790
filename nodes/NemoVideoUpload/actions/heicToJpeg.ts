import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

import { NemoVideoError } from '../../shared/transport/errors';
import { formatBytes } from '../../shared/formatBytes';

/**
 * HEIC → JPEG before upload: NemoVideo answers 4001 for HEIC, and iPhone photos arrive as HEIC.
 * Uses heic-convert (libheif compiled to WASM, jpeg-js; pure JS, no install script, no download).
 *
 * Each conversion runs in a worker thread that loads heic-convert and exits when done, so that
 * - node start-up never loads it (the first conversion pays ~200 ms),
 * - decoding and JPEG encoding (pure JS: ~1 s for 12 MP, ~12 s for 48 MP) never block n8n's event loop,
 * - the memory it takes (WASM heap, RGBA pixels: ~270 MB peak RSS for 12 MP, ~740 MB for 48 MP) is
 *   given back when the worker exits; libheif's own console output stays in the worker.
 * One conversion at a time in the whole process (a queue); inputs up to MAX_HEIC_BYTES and
 * MAX_HEIC_PIXELS (the largest iPhone photos are 48 MP). Only the JPEG is kept, until it is sent.
 */
export const MAX_HEIC_BYTES = 64 * 1024 * 1024;
export const MAX_HEIC_PIXELS = 50_000_000;
const JPEG_QUALITY = 0.9;

/** The worker's code (plain JS, run with `eval`): converts workerData.heic and posts the JPEG back. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const convert = require(workerData.modulePath);
convert({ buffer: workerData.heic, format: 'JPEG', quality: workerData.quality }).then(
	(jpeg) => parentPort.postMessage({ jpeg }, [jpeg.buffer]),
	(error) => parentPort.postMessage({ error: String((error && error.message) || error) }),
);
`;

let queue: Promise<unknown> = Promise.resolve();

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
		throw refused(
			`HEIC photo "${fileName}" is ${Math.round(pixels / 1e6)} megapixels, more than the ${MAX_HEIC_PIXELS / 1e6} the node converts (to keep memory bounded)`,
			'fileSize',
		);
	}
	try {
		return await inWorker(heic);
	} catch (error) {
		throw refused(
			`HEIC photo "${fileName}" could not be converted to JPEG (${(error as Error)?.message ?? String(error)})`,
			'fileType',
		);
	}
}

function inWorker(heic: Buffer): Promise<Buffer> {
	return new Promise<Buffer>((resolve, reject) => {
		const worker = new Worker(WORKER_SOURCE, {
			eval: true,
			workerData: { heic, quality: JPEG_QUALITY, modulePath: require.resolve('heic-convert') },
			stdout: true,
			stderr: true,
		});
		// libheif logs parse errors with console.log; they are not n8n's to show (the error says why).
		worker.stdout.resume();
		worker.stderr.resume();
		let settled = false;
		const settle = (outcome: () => void) => {
			if (settled) return;
			settled = true;
			outcome();
			void worker.terminate();
		};
		worker.once('message', (message: { jpeg?: Uint8Array; error?: string }) =>
			settle(() =>
				message.jpeg
					? resolve(Buffer.from(message.jpeg.buffer, message.jpeg.byteOffset, message.jpeg.byteLength))
					: reject(new Error(message.error ?? 'no image')),
			),
		);
		worker.once('error', (error) => settle(() => reject(error)));
		worker.once('exit', (code) => settle(() => reject(new Error(`the converter stopped (exit code ${code})`))));
	});
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
				throw refused(
					`HEIC photo "${fileName}" is larger than ${formatBytes(MAX_HEIC_BYTES)}, the most the node converts`,
					'fileSize',
				);
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
	for (
		let at = heic.indexOf('ispe', 4, 'latin1');
		at >= 4 && at + 16 <= heic.length;
		at = heic.indexOf('ispe', at + 4, 'latin1')
	) {
		// box: size(4) 'ispe' version+flags(4) width(4) height(4)
		largest = Math.max(largest, heic.readUInt32BE(at + 8) * heic.readUInt32BE(at + 12));
	}
	return largest;
}
