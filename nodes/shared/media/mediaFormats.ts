/** The media formats NemoVideo accepts, and how names, extensions and MIME types map to them. */

export type MediaFormatName =
	'jpeg' | 'png' | 'gif' | 'webp' | 'heic' | 'mp4' | 'mov' | 'avi' | 'webm' | 'mkv' | 'mp3' | 'wav' | 'm4a' | 'aac';

export interface MediaFormat {
	name: MediaFormatName;
	label: string;
	kind: 'image' | 'video' | 'audio';
	/** Extension a file of this format is sent with when its own name has none. */
	extension: string;
	mimeType: string;
	extensions: readonly string[];
	mimeTypes: readonly string[];
	/** Formats whose files share a container, so a name or MIME type of one fits content of another. */
	family: string;
}

export const FORMATS: Record<MediaFormatName, MediaFormat> = {
	jpeg: format('jpeg', 'JPEG', 'image', ['jpg', 'jpeg', 'jpe'], ['image/jpeg', 'image/jpg', 'image/pjpeg']),
	png: format('png', 'PNG', 'image', ['png'], ['image/png', 'image/x-png']),
	gif: format('gif', 'GIF', 'image', ['gif'], ['image/gif']),
	webp: format('webp', 'WebP', 'image', ['webp'], ['image/webp']),
	heic: format(
		'heic',
		'HEIC',
		'image',
		['heic', 'heif'],
		['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence'],
	),
	mp4: format('mp4', 'MP4', 'video', ['mp4', 'm4v'], ['video/mp4', 'video/x-m4v', 'application/mp4'], 'isobmff'),
	mov: format('mov', 'QuickTime (MOV)', 'video', ['mov', 'qt'], ['video/quicktime'], 'isobmff'),
	avi: format('avi', 'AVI', 'video', ['avi'], ['video/x-msvideo', 'video/avi', 'video/msvideo', 'video/vnd.avi']),
	webm: format('webm', 'WebM', 'video', ['webm'], ['video/webm', 'audio/webm'], 'matroska'),
	mkv: format(
		'mkv',
		'Matroska (MKV)',
		'video',
		['mkv'],
		['video/x-matroska', 'video/matroska', 'audio/x-matroska'],
		'matroska',
	),
	mp3: format(
		'mp3',
		'MP3',
		'audio',
		['mp3'],
		['audio/mpeg', 'audio/mp3', 'audio/mpeg3', 'audio/x-mpeg-3'],
		'mpeg-audio',
	),
	wav: format('wav', 'WAV', 'audio', ['wav'], ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave']),
	m4a: format('m4a', 'M4A', 'audio', ['m4a'], ['audio/mp4', 'audio/x-m4a', 'audio/m4a'], 'isobmff'),
	aac: format('aac', 'AAC', 'audio', ['aac'], ['audio/aac', 'audio/x-aac', 'audio/aacp'], 'mpeg-audio'),
};

/** Names and MIME types that say nothing about the content; the content decides alone. */
export const NEUTRAL_EXTENSIONS = new Set(['', 'bin', 'dat', 'data', 'tmp', 'file', 'download', 'octet-stream']);
export const NEUTRAL_MIME_TYPES = new Set([
	'',
	'application/octet-stream',
	'binary/octet-stream',
	'application/binary',
	'application/x-binary',
	'application/unknown',
	'application/x-unknown',
]);

export function extensionOf(fileName: string): string {
	const match = /\.([A-Za-z0-9-]{1,12})$/.exec(fileName.trim());
	return match ? match[1].toLowerCase() : '';
}

export function normaliseMimeType(mimeType: string | undefined): string {
	return (mimeType ?? '').split(';')[0].trim().toLowerCase();
}

export function formatOfExtension(extension: string): MediaFormat | undefined {
	return Object.values(FORMATS).find((candidate) => candidate.extensions.includes(extension));
}

export function formatOfMimeType(mimeType: string): MediaFormat | undefined {
	return Object.values(FORMATS).find((candidate) => candidate.mimeTypes.includes(mimeType));
}

function format(
	name: MediaFormatName,
	label: string,
	kind: MediaFormat['kind'],
	extensions: string[],
	mimeTypes: string[],
	family: string = name,
): MediaFormat {
	return { name, label, kind, extension: extensions[0], mimeType: mimeTypes[0], extensions, mimeTypes, family };
}
