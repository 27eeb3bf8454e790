import type { IDataObject } from 'n8n-workflow';

import type { UploadedFile } from '../../shared/transport';

/** One file an item sent: the name it was sent with, its binary field or URL, and a converted HEIC's own name. */
export interface SentPart {
	name: string;
	origin: string;
	convertedFrom?: string;
}

export interface ItemFiles {
	files: IDataObject[];
	/** Set when the service's answer could not be matched file by file to what this item sent. */
	warning?: string;
	/** Files of the answer that matched no item's file (combined requests only). */
	unmatchedFiles?: IDataObject[];
}

/**
 * Gives each item the files it sent. The service answers in the order of the parts, so files are
 * assigned by position. If its count differs, a single item gets every file of the answer; items
 * of a combined request get the files matching their names, and an item with a file the answer
 * does not match gets a warning and the answer's unmatched files instead of silently fewer files.
 */
export function assignFiles(parts: SentPart[][], uploaded: UploadedFile[]): ItemFiles[] {
	const total = parts.reduce((sum, item) => sum + item.length, 0);
	if (uploaded.length === total) {
		let offset = 0;
		return parts.map((item) => ({
			files: item.map((part) => describeFile(uploaded[offset++], part.origin, part.convertedFrom)),
		}));
	}
	const left = [...uploaded];
	const matched = parts.map((item) =>
		item.map((part) => {
			const index = left.findIndex((file) => file.filename === part.name);
			return index < 0 ? undefined : describeFile(left.splice(index, 1)[0], part.origin, part.convertedFrom);
		}),
	);
	const counts = `NemoVideo reported ${uploaded.length} file(s) for the ${total} sent`;
	const check = 'NemoVideo Session → Get State shows which files the session holds.';
	if (parts.length === 1) {
		return [
			{
				files: [...matched[0].filter(isDefined), ...left.map((file) => describeFile(file, null))],
				warning: `${counts}; all it reported are listed here (source is null where a name differs from the file sent). ${check}`,
			},
		];
	}
	const unmatchedFiles = left.map((file) => describeFile(file, null));
	const affected = matched.map((item) => item.includes(undefined));
	// Every file sent was matched but the answer had more: the first item carries the extra ones.
	if (unmatchedFiles.length > 0 && !affected.includes(true)) affected[0] = true;
	return parts.map((item, position) => {
		const files = matched[position].filter(isDefined);
		if (!affected[position]) return { files };
		const missing = item.filter((_, index) => matched[position][index] === undefined).map((part) => `"${part.name}"`);
		const notMatched =
			missing.length > 0 ? `, and the answer could not be matched to this item's file(s) ${missing.join(', ')}` : '';
		const leftOver =
			unmatchedFiles.length > 0
				? ' The files of the answer that matched none of the files sent are in unmatchedFiles (the same list on every item affected).'
				: '';
		return {
			files,
			warning: `${counts} in one request${notMatched}.${leftOver} ${check}`,
			...(unmatchedFiles.length > 0 ? { unmatchedFiles } : {}),
		};
	});
}

function isDefined<T>(value: T | undefined): value is T {
	return value !== undefined;
}

function describeFile(file: UploadedFile, origin: string | null, convertedFrom?: string): IDataObject {
	const converted = convertedFrom === undefined ? {} : { convertedFrom };
	return {
		fileName: file.filename,
		fileType: file.fileType ?? null,
		cdnUrl: file.cdnUrl ?? null,
		duration: file.duration ?? null,
		width: file.width ?? null,
		height: file.height ?? null,
		fps: file.fps ?? null,
		hash: file.hash ?? null,
		source: origin,
		...converted,
	};
}

export function lastSegment(url: string): string {
	const segment = new URL(url).pathname.split('/').pop() ?? '';
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}
