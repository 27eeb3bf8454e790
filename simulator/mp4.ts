/** The committed sample MP4s (real H.264) and streaming them, optionally padded with a trailing `free` box. */
import * as fs from 'fs';
import * as path from 'path';
import type { ServerResponse } from 'http';

/** simulator/assets next to this file (works from source under ts-jest and from dist/simulator). */
export const ASSET_DIR = path.join(__dirname, 'assets');

export const ASSETS = [
	{ file: 'sample-5s.mp4', seconds: 5 },
	{ file: 'sample-10s.mp4', seconds: 10 },
	{ file: 'sample-15s.mp4', seconds: 15 },
];

/** The asset whose duration is closest to the given one (ties go to the shorter). */
export function assetFor(durationMs: number): string {
	let best = ASSETS[0];
	for (const a of ASSETS) if (Math.abs(a.seconds * 1000 - durationMs) < Math.abs(best.seconds * 1000 - durationMs)) best = a;
	return best.file;
}

export function assetPath(file: string): string {
	return path.join(ASSET_DIR, path.basename(file));
}

export function assetSize(file: string): number {
	return fs.statSync(assetPath(file)).size;
}

/** Total served size: the asset, or `padTo` when that is larger than the asset plus an 8-byte box header. */
export function servedSize(file: string, padTo?: number): number {
	const size = assetSize(file);
	return padTo !== undefined && padTo >= size + 8 ? padTo : size;
}

/** The header of a `free` box spanning `boxSize` bytes (64-bit largesize when needed). */
export function freeBoxHeader(boxSize: number): Buffer {
	if (boxSize <= 0xffffffff) {
		const h = Buffer.alloc(8);
		h.writeUInt32BE(boxSize, 0);
		h.write('free', 4, 'latin1');
		return h;
	}
	const h = Buffer.alloc(16);
	h.writeUInt32BE(1, 0);
	h.write('free', 4, 'latin1');
	h.writeBigUInt64BE(BigInt(boxSize), 8);
	return h;
}

const ZEROS = Buffer.alloc(64 * 1024);

function writeAsync(res: ServerResponse, buf: Buffer): Promise<boolean> {
	if (res.destroyed) return Promise.resolve(false);
	if (res.write(buf)) return Promise.resolve(true);
	return new Promise((resolve) => {
		const onDrain = () => {
			res.off('close', onClose);
			resolve(true);
		};
		const onClose = () => {
			res.off('drain', onDrain);
			resolve(false);
		};
		res.once('drain', onDrain);
		res.once('close', onClose);
	});
}

/**
 * Stream an asset as `video/mp4` (headers written here), padded to `padTo` bytes with a `free` box generated on the fly.
 * Memory stays constant whatever the size. HEAD requests get headers only.
 */
export async function streamMp4(res: ServerResponse, file: string, opts: { padTo?: number; head?: boolean; name?: string } = {}): Promise<void> {
	const size = assetSize(file);
	const total = servedSize(file, opts.padTo);
	res.writeHead(200, {
		'content-type': 'video/mp4',
		'content-length': String(total),
		'accept-ranges': 'none',
		...(opts.name ? { 'content-disposition': `attachment; filename="${opts.name}"` } : {}),
	});
	if (opts.head) {
		res.end();
		return;
	}
	for await (const chunk of fs.createReadStream(assetPath(file), { highWaterMark: 64 * 1024 })) {
		if (!(await writeAsync(res, chunk as Buffer))) return;
	}
	const pad = total - size;
	if (pad > 0) {
		const h = freeBoxHeader(pad);
		if (!(await writeAsync(res, h))) return;
		let left = pad - h.length;
		while (left > 0) {
			const n = Math.min(left, ZEROS.length);
			if (!(await writeAsync(res, n === ZEROS.length ? ZEROS : ZEROS.subarray(0, n)))) return;
			left -= n;
		}
	}
	res.end();
}
