/** Media type detection by magic bytes, and dimensions/duration from the leading bytes of a file. */

export type FileType = 'image' | 'video' | 'audio';

export interface Sniffed {
	format: string;
	fileType: FileType;
	mime: string;
}

export interface MediaMeta {
	width: number;
	height: number;
	duration: number;
	fps: number;
}

/** Bytes needed before sniffType can decide (shorter files are sniffed at their end). */
export const SNIFF_BYTES = 64;
/** Bytes of the file head kept for dimension parsing (bounded; never the whole file). */
export const HEAD_BYTES = 256 * 1024;

const ascii = (b: Buffer, start: number, end: number) => (b.length >= end ? b.toString('latin1', start, end) : '');

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const MOV_BRANDS = new Set(['qt  ']);
const MP4_BRANDS = new Set([
	'isom',
	'iso2',
	'iso3',
	'iso4',
	'iso5',
	'iso6',
	'mp41',
	'mp42',
	'avc1',
	'dash',
	'M4V ',
	'M4VP',
	'mmp4',
	'MSNV',
	'NDAS',
	'f4v ',
	'3gp4',
	'3gp5',
	'3gp6',
	'3g2a',
]);
const M4A_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ']);

function ftypBrand(b: Buffer): Sniffed | undefined {
	const brands: string[] = [ascii(b, 8, 12)];
	const size = b.length >= 4 ? b.readUInt32BE(0) : 0;
	for (let o = 16; o + 4 <= Math.min(size, b.length); o += 4) brands.push(ascii(b, o, o + 4));
	for (const brand of brands) {
		if (HEIF_BRANDS.has(brand)) return { format: 'heic', fileType: 'image', mime: 'image/heic' };
		if (M4A_BRANDS.has(brand)) return { format: 'm4a', fileType: 'audio', mime: 'audio/mp4' };
		if (MOV_BRANDS.has(brand)) return { format: 'mov', fileType: 'video', mime: 'video/quicktime' };
		if (MP4_BRANDS.has(brand)) return { format: 'mp4', fileType: 'video', mime: 'video/mp4' };
	}
	return undefined;
}

/** Detect an accepted media type from the leading bytes; undefined when not accepted. */
export function sniffType(b: Buffer): Sniffed | undefined {
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff)
		return { format: 'jpeg', fileType: 'image', mime: 'image/jpeg' };
	if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
		return { format: 'png', fileType: 'image', mime: 'image/png' };
	const six = ascii(b, 0, 6);
	if (six === 'GIF87a' || six === 'GIF89a') return { format: 'gif', fileType: 'image', mime: 'image/gif' };
	if (ascii(b, 0, 4) === 'RIFF') {
		const kind = ascii(b, 8, 12);
		if (kind === 'WEBP') return { format: 'webp', fileType: 'image', mime: 'image/webp' };
		if (kind === 'AVI ') return { format: 'avi', fileType: 'video', mime: 'video/x-msvideo' };
		if (kind === 'WAVE') return { format: 'wav', fileType: 'audio', mime: 'audio/wav' };
		return undefined;
	}
	if (ascii(b, 4, 8) === 'ftyp') return ftypBrand(b);
	const box = ascii(b, 4, 8);
	if (box === 'moov' || box === 'mdat' || box === 'wide' || box === 'free' || box === 'skip')
		return { format: 'mov', fileType: 'video', mime: 'video/quicktime' };
	if (b.length >= 4 && b.readUInt32BE(0) === 0x1a45dfa3) {
		const isWebm = b.indexOf('webm', 0, 'latin1') >= 0 && b.indexOf('webm', 0, 'latin1') < 64;
		return isWebm
			? { format: 'webm', fileType: 'video', mime: 'video/webm' }
			: { format: 'mkv', fileType: 'video', mime: 'video/x-matroska' };
	}
	if (ascii(b, 0, 3) === 'ID3') return { format: 'mp3', fileType: 'audio', mime: 'audio/mpeg' };
	if (b.length >= 2 && b[0] === 0xff) {
		if ((b[1] & 0xf6) === 0xf0) return { format: 'aac', fileType: 'audio', mime: 'audio/aac' };
		if ((b[1] & 0xe0) === 0xe0 && ((b[1] >> 1) & 3) !== 0)
			return { format: 'mp3', fileType: 'audio', mime: 'audio/mpeg' };
	}
	return undefined;
}

/** Accepted extensions, for URL uploads (no fetching: judged by extension only). */
const BY_EXT: Record<string, Sniffed> = {
	jpg: { format: 'jpeg', fileType: 'image', mime: 'image/jpeg' },
	jpeg: { format: 'jpeg', fileType: 'image', mime: 'image/jpeg' },
	png: { format: 'png', fileType: 'image', mime: 'image/png' },
	gif: { format: 'gif', fileType: 'image', mime: 'image/gif' },
	webp: { format: 'webp', fileType: 'image', mime: 'image/webp' },
	heic: { format: 'heic', fileType: 'image', mime: 'image/heic' },
	heif: { format: 'heic', fileType: 'image', mime: 'image/heif' },
	mp4: { format: 'mp4', fileType: 'video', mime: 'video/mp4' },
	mov: { format: 'mov', fileType: 'video', mime: 'video/quicktime' },
	avi: { format: 'avi', fileType: 'video', mime: 'video/x-msvideo' },
	webm: { format: 'webm', fileType: 'video', mime: 'video/webm' },
	mkv: { format: 'mkv', fileType: 'video', mime: 'video/x-matroska' },
	mp3: { format: 'mp3', fileType: 'audio', mime: 'audio/mpeg' },
	wav: { format: 'wav', fileType: 'audio', mime: 'audio/wav' },
	m4a: { format: 'm4a', fileType: 'audio', mime: 'audio/mp4' },
	aac: { format: 'aac', fileType: 'audio', mime: 'audio/aac' },
};

export function typeFromName(name: string): Sniffed | undefined {
	const m = /\.([A-Za-z0-9]+)$/.exec(name);
	return m ? BY_EXT[m[1].toLowerCase()] : undefined;
}

export function defaultMeta(t: FileType): MediaMeta {
	if (t === 'image') return { width: 1920, height: 1080, duration: 3, fps: 0 };
	if (t === 'video') return { width: 1920, height: 1080, duration: 10, fps: 25 };
	return { width: 0, height: 0, duration: 30, fps: 0 };
}

/** Best-effort metadata from the file head; unknown fields keep the defaults. */
export function parseMeta(s: Sniffed, head: Buffer): MediaMeta {
	const meta = defaultMeta(s.fileType);
	let found: Partial<MediaMeta> | undefined;
	try {
		switch (s.format) {
			case 'png':
				if (head.length >= 24 && ascii(head, 12, 16) === 'IHDR')
					found = { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
				break;
			case 'gif':
				if (head.length >= 10) found = { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
				break;
			case 'webp':
				found = webpSize(head);
				break;
			case 'jpeg':
				found = jpegSize(head);
				break;
			case 'heic':
				found = heifSize(head);
				break;
			case 'mp4':
			case 'mov':
			case 'm4a':
				found = mp4Info(head);
				break;
			case 'avi':
				found = aviInfo(head);
				break;
			case 'wav':
				found = wavInfo(head);
				break;
		}
	} catch {
		found = undefined;
	}
	if (found) {
		for (const [k, v] of Object.entries(found)) {
			if (typeof v === 'number' && Number.isFinite(v) && v > 0) (meta as unknown as Record<string, number>)[k] = v;
		}
	}
	if (s.fileType === 'audio') {
		meta.width = 0;
		meta.height = 0;
		meta.fps = 0;
	}
	return meta;
}

function webpSize(b: Buffer): Partial<MediaMeta> | undefined {
	const chunk = ascii(b, 12, 16);
	if (chunk === 'VP8 ' && b.length >= 30)
		return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
	if (chunk === 'VP8L' && b.length >= 25) {
		const b0 = b[21],
			b1 = b[22],
			b2 = b[23],
			b3 = b[24];
		return { width: 1 + (((b1 & 0x3f) << 8) | b0), height: 1 + (((b3 & 0xf) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)) };
	}
	if (chunk === 'VP8X' && b.length >= 30) return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
	return undefined;
}

function jpegSize(b: Buffer): Partial<MediaMeta> | undefined {
	let o = 2;
	while (o + 9 < b.length) {
		if (b[o] !== 0xff) {
			o++;
			continue;
		}
		const marker = b[o + 1];
		if (marker === 0xff) {
			o++;
			continue;
		}
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			o += 2;
			continue;
		}
		const len = b.readUInt16BE(o + 2);
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
			return { height: b.readUInt16BE(o + 5), width: b.readUInt16BE(o + 7) };
		}
		if (marker === 0xda) return undefined;
		o += 2 + len;
	}
	return undefined;
}

function heifSize(b: Buffer): Partial<MediaMeta> | undefined {
	const i = b.indexOf('ispe', 0, 'latin1');
	if (i < 0 || i + 16 > b.length) return undefined;
	return { width: b.readUInt32BE(i + 8), height: b.readUInt32BE(i + 12) };
}

function aviInfo(b: Buffer): Partial<MediaMeta> | undefined {
	const i = b.indexOf('avih', 0, 'latin1');
	if (i < 0 || i + 48 > b.length) return undefined;
	const d = i + 8;
	const usPerFrame = b.readUInt32LE(d);
	const frames = b.readUInt32LE(d + 16);
	const fps = usPerFrame ? Math.round((1e6 / usPerFrame) * 100) / 100 : 0;
	return {
		width: b.readUInt32LE(d + 32),
		height: b.readUInt32LE(d + 36),
		fps,
		duration: fps ? Math.round((frames / fps) * 1000) / 1000 : 0,
	};
}

function wavInfo(b: Buffer): Partial<MediaMeta> | undefined {
	const fmt = b.indexOf('fmt ', 12, 'latin1');
	const data = b.indexOf('data', 12, 'latin1');
	if (fmt < 0 || data < 0 || fmt + 20 > b.length || data + 8 > b.length) return undefined;
	const byteRate = b.readUInt32LE(fmt + 16);
	const size = b.readUInt32LE(data + 4);
	return byteRate ? { duration: Math.round((size / byteRate) * 1000) / 1000 } : undefined;
}

/** Walks ISO-BMFF boxes present in the head (moov must be near the front, e.g. faststart files). */
function mp4Info(b: Buffer): Partial<MediaMeta> | undefined {
	const out: Partial<MediaMeta> = {};
	let trackTimescale = 0;
	let trackIsVideo = false;
	const containers = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);
	const walk = (start: number, end: number) => {
		let o = start;
		while (o + 8 <= end) {
			let size = b.readUInt32BE(o);
			const type = b.toString('latin1', o + 4, o + 8);
			let hdr = 8;
			if (size === 1) {
				if (o + 16 > end) return;
				size = Number(b.readBigUInt64BE(o + 8));
				hdr = 16;
			} else if (size === 0) size = end - o;
			if (size < hdr) return;
			const boxEnd = Math.min(o + size, end);
			const full = o + size <= b.length;
			if (containers.has(type)) {
				if (type === 'trak') {
					trackTimescale = 0;
					trackIsVideo = false;
				}
				walk(o + hdr, boxEnd);
			} else if (type === 'mvhd' && o + 40 <= b.length) {
				const v = b[o + 8];
				const ts = v === 1 ? b.readUInt32BE(o + 28) : b.readUInt32BE(o + 20);
				const dur = v === 1 ? Number(b.readBigUInt64BE(o + 32)) : b.readUInt32BE(o + 24);
				if (ts) out.duration = Math.round((dur / ts) * 1000) / 1000;
			} else if (type === 'tkhd' && full) {
				const w = b.readUInt32BE(o + size - 8) / 65536;
				const h = b.readUInt32BE(o + size - 4) / 65536;
				if (w > 0 && h > 0 && !out.width) {
					out.width = Math.round(w);
					out.height = Math.round(h);
					trackIsVideo = true;
				}
			} else if (type === 'mdhd' && o + 32 <= b.length) {
				const v = b[o + 8];
				trackTimescale = v === 1 ? b.readUInt32BE(o + 28) : b.readUInt32BE(o + 20);
			} else if (type === 'stts' && o + 24 <= b.length && trackIsVideo && !out.fps) {
				const count = b.readUInt32BE(o + 12);
				const delta = count > 0 ? b.readUInt32BE(o + 20) : 0;
				if (delta && trackTimescale) out.fps = Math.round((trackTimescale / delta) * 100) / 100;
			}
			o += size;
		}
	};
	walk(0, b.length);
	return out;
}
