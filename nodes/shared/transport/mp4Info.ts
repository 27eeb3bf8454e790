/**
 * Reads a video's own header (duration, size, frame rate, codec) while the file streams past, so
 * a download is inspected in the same pass that stores it and is never held in memory.
 *
 * Split of work: this file only walks the top-level MP4 boxes (8- or 16-byte headers) and keeps
 * two small ones, `ftyp` and `moov`, wherever `moov` sits (start for "faststart" files, end for
 * others); every other byte (the `mdat` media data) only passes through and is counted. The kept
 * header is then parsed by mp4box (GPAC's MP4Box.js: maintained by the GPAC team, no dependencies,
 * knows every codec sample entry). mp4box reads whole boxes from buffers it keeps; given the full
 * stream it would hold the media data too, which is why it only ever sees `ftyp` + `moov`.
 */
import { Transform } from 'node:stream';

import { lazyModule } from './lazyModule';

const mp4box = lazyModule(() => require('mp4box') as typeof import('mp4box'));

export interface VideoInfo {
	durationSeconds?: number;
	width?: number;
	height?: number;
	/** Average frame rate: frames / track duration. */
	frameRate?: number;
	/** RFC 6381 codec string, e.g. `avc1.640033`. */
	codec?: string;
	/** Readable codec name, e.g. `H.264`. */
	codecName?: string;
	videoBitrateKbps?: number;
	audioCodec?: string;
	/** Where the header was: `start` (streamable, "faststart") or `end`. */
	headerAt: 'start' | 'end';
}

export interface Mp4InfoResult {
	info?: VideoInfo;
	/** Why there is no info (not an MP4, no header box, header over the size cap, parse error). */
	reason?: string;
}

/** A `moov` larger than this is not kept (an hour of 1080p has one of a few MB). */
export const DEFAULT_MAX_HEADER_BYTES = 32 * 1024 * 1024;

const KEPT = new Set(['ftyp', 'moov']);
/** Boxes an MP4 (ISO BMFF) file can start with. */
const FIRST_BOXES = new Set(['ftyp', 'styp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pdin', 'sidx', 'uuid']);

/** Walks top-level boxes of a byte stream fed in chunks; keeps `ftyp` and `moov`, counts the rest. */
export class Mp4HeaderCollector {
	private readonly maxHeaderBytes: number;
	private offset = 0;
	private header = Buffer.alloc(0);
	private boxType = '';
	/** Bytes of the current box not seen yet (header excluded); undefined while reading a header. */
	private left?: number;
	private keeping?: Buffer[];
	private readonly kept = new Map<string, Buffer>();
	private moovSeenAfterData = false;
	private stopped?: string;
	private boxes = 0;

	constructor(options: { maxHeaderBytes?: number } = {}) {
		this.maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
	}

	/** Bytes seen so far. */
	get bytes(): number {
		return this.offset;
	}

	push(chunk: Uint8Array): void {
		let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		this.offset += data.length;
		while (data.length > 0 && !this.stopped && !this.kept.has('moov')) {
			if (this.left === undefined) {
				data = this.readHeader(data);
				continue;
			}
			const take = Math.min(this.left, data.length);
			if (this.keeping) this.keeping.push(Buffer.from(data.subarray(0, take)));
			this.left -= take;
			data = data.subarray(take);
			if (this.left === 0) this.endBox();
		}
	}

	result(): Mp4InfoResult {
		const moov = this.kept.get('moov');
		if (!moov) {
			return { reason: this.stopped ?? (this.boxes === 0 ? 'the file is empty' : 'no MP4 header (moov box) found') };
		}
		try {
			return { info: parseHeader(this.kept.get('ftyp'), moov, this.moovSeenAfterData ? 'end' : 'start') };
		} catch (error) {
			return { reason: `the MP4 header could not be read: ${(error as Error)?.message ?? String(error)}` };
		}
	}

	private readHeader(data: Buffer): Buffer {
		const need = this.header.length >= 8 && this.header.readUInt32BE(0) === 1 ? 16 : 8;
		const take = Math.min(need - this.header.length, data.length);
		this.header = Buffer.concat([this.header, data.subarray(0, take)]);
		const rest = data.subarray(take);
		if (this.header.length < need) return rest;
		const size32 = this.header.readUInt32BE(0);
		if (size32 === 1 && need === 8) return rest; // 64-bit size follows
		const type = this.header.toString('latin1', 4, 8);
		if (!/^[\x20-\x7e]{4}$/.test(type) || (this.boxes === 0 && !FIRST_BOXES.has(type))) {
			this.stop(
				this.boxes === 0 ? 'not an MP4 file' : `unreadable box header at byte ${this.offset - rest.length - need}`,
			);
			return rest;
		}
		const size =
			size32 === 1 ? Number(this.header.readBigUInt64BE(8)) : size32 === 0 ? Number.POSITIVE_INFINITY : size32;
		if (size < need) {
			this.stop(`invalid box size at byte ${this.offset - rest.length - need}`);
			return rest;
		}
		this.boxes++;
		this.boxType = type;
		this.left = size - need;
		if (type === 'mdat') this.moovSeenAfterData = true;
		this.keeping = KEPT.has(type) && size <= this.maxHeaderBytes ? [Buffer.from(this.header)] : undefined;
		if (type === 'moov' && !this.keeping) this.stop(`the MP4 header is larger than ${this.maxHeaderBytes} bytes`);
		this.header = Buffer.alloc(0);
		if (this.left === 0) this.endBox();
		return rest;
	}

	private endBox(): void {
		if (this.keeping) this.kept.set(this.boxType, Buffer.concat(this.keeping));
		this.keeping = undefined;
		this.left = undefined;
	}

	private stop(reason: string): void {
		this.stopped = reason;
		this.keeping = undefined;
	}
}

/**
 * A pass-through stream that reads the MP4 header of whatever flows through it. Chunks go on
 * unchanged; `result()` is meaningful once the stream has ended.
 */
export function mp4InfoTap(options: { maxHeaderBytes?: number } = {}): {
	stream: Transform;
	bytes(): number;
	result(): Mp4InfoResult;
} {
	const collector = new Mp4HeaderCollector(options);
	const stream = new Transform({
		transform(chunk: Buffer, _encoding, done) {
			collector.push(chunk);
			done(null, chunk);
		},
	});
	return { stream, bytes: () => collector.bytes, result: () => collector.result() };
}

/** Parses `ftyp` + `moov` (as one small buffer) with mp4box. */
function parseHeader(ftyp: Buffer | undefined, moov: Buffer, headerAt: VideoInfo['headerAt']): VideoInfo {
	const bytes = ftyp ? Buffer.concat([ftyp, moov]) : moov;
	const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
	const { createFile, MP4BoxBuffer } = mp4box();
	const file = createFile();
	let failure: string | undefined;
	file.onError = (module: string, message: string) => {
		failure = `${module}: ${message}`;
	};
	file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(arrayBuffer, 0));
	file.flush();
	if (failure) throw new Error(failure);
	const movie = file.getInfo();
	const video = movie.videoTracks[0];
	const audio = movie.audioTracks[0];
	const trackSeconds = video && video.timescale > 0 ? video.duration / video.timescale : undefined;
	const movieSeconds = movie.timescale > 0 ? movie.duration / movie.timescale : undefined;
	return {
		durationSeconds: round(movieSeconds || trackSeconds, 3),
		width: video?.video?.width || video?.track_width || undefined,
		height: video?.video?.height || video?.track_height || undefined,
		frameRate: video && trackSeconds ? round(video.nb_samples / trackSeconds, 3) : undefined,
		codec: video?.codec,
		codecName: video ? codecName(video.codec) : undefined,
		videoBitrateKbps: video?.bitrate ? round(video.bitrate / 1000, 1) : undefined,
		audioCodec: audio?.codec,
		headerAt,
	};
}

const CODEC_NAMES: Array<[RegExp, string]> = [
	[/^(avc1|avc3)/, 'H.264'],
	[/^(hvc1|hev1)/, 'H.265'],
	[/^av01/, 'AV1'],
	[/^vp09/, 'VP9'],
	[/^vp08/, 'VP8'],
	[/^mp4v/, 'MPEG-4 Visual'],
];

function codecName(codec: string | undefined): string | undefined {
	if (!codec) return undefined;
	return CODEC_NAMES.find(([pattern]) => pattern.test(codec))?.[1] ?? codec.split('.')[0];
}

function round(value: number | undefined, digits: number): number | undefined {
	if (value === undefined || !Number.isFinite(value)) return undefined;
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}
