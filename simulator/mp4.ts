/**
 * The committed sample MP4s (real H.264), renders made with the host's ffmpeg from the uploaded images,
 * and streaming either, optionally padded with a trailing `free` box.
 */
import { spawn, type ChildProcess } from 'child_process';
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
	for (const a of ASSETS)
		if (Math.abs(a.seconds * 1000 - durationMs) < Math.abs(best.seconds * 1000 - durationMs)) best = a;
	return best.file;
}

/** A sample's name resolves in ASSET_DIR; an absolute path (a render made from the uploads) is used as is. */
export function assetPath(file: string): string {
	return path.isAbsolute(file) ? file : path.join(ASSET_DIR, path.basename(file));
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
export async function streamMp4(
	res: ServerResponse,
	file: string,
	opts: { padTo?: number; head?: boolean; name?: string } = {},
): Promise<void> {
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

/** Image types ffmpeg's image2 demuxer reads by extension (`-loop 1` needs image2). */
const IMAGE_EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

export interface SlideshowSpec {
	/** image files in the order they are shown, each with its MIME type */
	images: Array<{ file: string; mime: string }>;
	durationMs: number;
	width: number;
	height: number;
	fps: number;
	/** the MP4 to write */
	out: string;
	/** ffmpeg binary; default `NEMOVIDEO_SIM_FFMPEG` or `ffmpeg` on PATH */
	ffmpeg?: string;
}

/** Whether every image is of a type the slideshow can show (else the render serves a sample). */
export function slideshowSupports(mime: string): boolean {
	return mime in IMAGE_EXT;
}

/**
 * ffmpeg arguments for a slideshow: each image looped for its share of the frames, scaled to fit the
 * frame with its aspect kept and centred on black (what Measure Video's Contain fit compares), then
 * concatenated and encoded H.264 (ultrafast, yuv420p, faststart). `links[i]` is image i with its extension.
 */
export function slideshowArgs(spec: SlideshowSpec, links: string[]): string[] {
	const { width: w, height: h, fps } = spec;
	const frames = Math.max(1, Math.round((spec.durationMs / 1000) * fps));
	const n = links.length;
	const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];
	const chains: string[] = [];
	for (let i = 0; i < n; i++) {
		// frames split as evenly as possible; every image gets at least one frame
		const own = Math.max(1, Math.floor(((i + 1) * frames) / n) - Math.floor((i * frames) / n));
		args.push('-loop', '1', '-framerate', String(fps), '-t', (own / fps).toFixed(4), '-i', links[i]);
		chains.push(
			`[${i}:v]scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p,trim=end_frame=${own}[v${i}]`,
		);
	}
	const concat = `${chains.map((_, i) => `[v${i}]`).join('')}concat=n=${n}:v=1:a=0[out]`;
	args.push(
		'-filter_complex',
		`${chains.join(';')};${concat}`,
		'-map',
		'[out]',
		'-frames:v',
		String(frames),
		'-r',
		String(fps),
	);
	args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', spec.out);
	return args;
}

export interface SlideshowJob {
	child?: ChildProcess;
	/** resolves with the MP4 written, or undefined when it could not be made (no ffmpeg, undecodable image, killed) */
	done: Promise<string | undefined>;
	kill(): void;
}

/** Start ffmpeg on a slideshow; the images are linked next to the output with their extensions. */
export function startSlideshow(spec: SlideshowSpec): SlideshowJob {
	const links: string[] = [];
	const cleanLinks = () => {
		for (const l of links) fs.rm(l, { force: true }, () => undefined);
	};
	try {
		spec.images.forEach((img, i) => {
			const link = `${spec.out}.src${i}.${IMAGE_EXT[img.mime]}`;
			fs.symlinkSync(img.file, link);
			links.push(link);
		});
	} catch {
		cleanLinks();
		return { done: Promise.resolve(undefined), kill: () => undefined };
	}
	let child: ChildProcess;
	try {
		child = spawn(spec.ffmpeg ?? process.env.NEMOVIDEO_SIM_FFMPEG ?? 'ffmpeg', slideshowArgs(spec, links), {
			stdio: ['ignore', 'ignore', 'ignore'],
		});
	} catch {
		cleanLinks();
		return { done: Promise.resolve(undefined), kill: () => undefined };
	}
	let killed = false;
	const done = new Promise<string | undefined>((resolve) => {
		let settled = false;
		const settle = (ok: boolean) => {
			if (settled) return;
			settled = true;
			cleanLinks();
			if (!ok) fs.rm(spec.out, { force: true }, () => undefined);
			resolve(ok ? spec.out : undefined);
		};
		// ENOENT (no ffmpeg on this machine) and the like
		child.once('error', () => settle(false));
		child.once('close', (code) =>
			settle(!killed && code === 0 && fs.existsSync(spec.out) && fs.statSync(spec.out).size > 0),
		);
	});
	return {
		child,
		done,
		kill() {
			if (child.exitCode === null && child.signalCode === null) {
				killed = true;
				child.kill('SIGKILL');
			}
		},
	};
}
