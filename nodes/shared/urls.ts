import { extensionOf } from './media/mediaFormats';
import { ACCEPTED_FORMATS } from './transport/errors';

/** URL endings that are certainly not accepted media; other URLs are judged by the service. */
const REFUSED_URL_EXTENSIONS = new Set([
	'txt',
	'pdf',
	'doc',
	'docx',
	'xls',
	'xlsx',
	'ppt',
	'pptx',
	'csv',
	'json',
	'xml',
	'zip',
	'rar',
	'7z',
	'gz',
	'tar',
	'svg',
	'bmp',
	'tif',
	'tiff',
	'psd',
	'avif',
	'ico',
	'exe',
	'dmg',
	'md',
	'rtf',
	'odt',
	'epub',
]);

export type UrlCheck =
	| { ok: true; url: string }
	| { ok: false; reason: 'notHttp' | 'percentEscape' | 'mediaType'; message: string; fix: string; bad?: string };

/**
 * A URL upload is judged by the service; locally only its form and a clearly wrong ending are
 * refused. `reason` says which: `notHttp` (not a URL, or not http/https), `percentEscape` (`bad`
 * holds it), `mediaType` (a HEIC photo or a file type NemoVideo refuses; not checked with
 * `anyFile`, for URLs that are not uploads).
 */
export function checkUrl(raw: string, options: { anyFile?: boolean } = {}): UrlCheck {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return {
			ok: false,
			reason: 'notHttp',
			message: `"${raw}" is not a valid URL`,
			fix: 'Give full addresses starting with https:// (or http://), one per line or separated by commas.',
		};
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return {
			ok: false,
			reason: 'notHttp',
			message: `The URL "${raw}" uses ${url.protocol.replace(/:$/, '')}, not http or https`,
			fix: 'NemoVideo downloads files over http(s) only. Give a public http(s) address of the file.',
		};
	}
	const bad = badPercentEscape(url.pathname);
	if (bad !== undefined) {
		return {
			ok: false,
			reason: 'percentEscape',
			bad,
			message: `The URL "${raw}" has a malformed percent-escape ("${bad}")`,
			fix: 'Correct it in URLs: write a literal % as %25 (e.g. 50%25-off.jpg), or copy the address again from the browser’s address bar.',
		};
	}
	if (options.anyFile) return { ok: true, url: url.toString() };
	const extension = extensionOf(decodeURIComponent(url.pathname.split('/').pop() ?? ''));
	if (extension === 'heic' || extension === 'heif') {
		return {
			ok: false,
			reason: 'mediaType',
			message: `The URL "${raw}" points to a HEIC photo, which NemoVideo does not accept`,
			fix: 'The node converts HEIC to JPEG only for files it sends itself: fetch the photo first (HTTP Request with Response Format "File", or Google Drive "Download"), then upload it with Source "Binary File" and Options → Convert HEIC to JPEG on.',
		};
	}
	if (REFUSED_URL_EXTENSIONS.has(extension)) {
		return {
			ok: false,
			reason: 'mediaType',
			message: `The URL "${raw}" points to a .${extension} file, which NemoVideo does not accept`,
			fix: `NemoVideo accepts ${ACCEPTED_FORMATS}. Link to a file in one of these formats.`,
		};
	}
	return { ok: true, url: url.toString() };
}

/**
 * The first part of a URL path that cannot be percent-decoded, or undefined when it all can: a `%`
 * not followed by two hex digits ("%zz"), or escapes that do not form UTF-8 ("%ff"). `new URL`
 * accepts such paths; decodeURIComponent throws "URI malformed" and the service refuses them.
 */
export function badPercentEscape(path: string): string | undefined {
	const stray = /%(?![0-9A-Fa-f]{2})[0-9A-Za-z]{0,2}/.exec(path);
	if (stray) return stray[0];
	for (const [run] of path.matchAll(/(?:%[0-9A-Fa-f]{2})+/g)) {
		try {
			decodeURIComponent(run);
		} catch {
			return run;
		}
	}
	return undefined;
}
