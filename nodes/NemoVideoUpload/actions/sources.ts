import { Readable } from 'node:stream';

import { BINARY_ENCODING, NodeOperationError, type IBinaryData, type IExecuteFunctions } from 'n8n-workflow';

import { isToolRun } from '../../shared/toolRun';
import { checkFile, HEAD_BYTES, readHead } from '../../shared/media/fileType';
import { checkUrl } from '../../shared/urls';
import type { UploadSource } from '../../shared/transport/multipart';
import { heicToJpeg, MAX_HEIC_BYTES } from './heicToJpeg';

/** Read size of the binary store stream while uploading (fewer, larger chunks; still bounded memory). */
const UPLOAD_CHUNK_BYTES = 1024 * 1024;

export interface CheckedFile extends UploadSource {
	/** The binary field the file came from. */
	field: string;
	/** The HEIC file's own name, when the node converts it to JPEG before sending. */
	convertedFrom?: string;
}

/**
 * The files of one item, each checked before anything is sent: its leading bytes, name and MIME
 * type must agree on an accepted format and its size must fit the limit. Stored binaries are read
 * as streams (the head once, then reopened from the start for the upload); inline base64 binaries
 * are decoded once, as they are already in memory.
 */
export async function binaryFiles(
	ctx: IExecuteFunctions,
	itemIndex: number,
	convertHeic: boolean,
): Promise<CheckedFile[]> {
	const item = ctx.getInputData()[itemIndex];
	const available = Object.keys(item.binary ?? {});
	const fields = selectedFields(ctx, itemIndex, available);
	const files: CheckedFile[] = [];
	for (const field of fields) {
		const binary = item.binary?.[field] as IBinaryData;
		const file = binary.id
			? await storedFile(ctx, itemIndex, field, binary, binary.id, convertHeic)
			: inlineFile(ctx, itemIndex, field, binary, convertHeic);
		files.push(file);
	}
	return files;
}

/** The URLs of one item: a text (one per line, or comma separated) or an array from an expression. */
export function itemUrls(ctx: IExecuteFunctions, itemIndex: number): string[] {
	const raw = ctx.getNodeParameter('urls', itemIndex, '') as unknown;
	const values = (Array.isArray(raw) ? raw : [raw])
		.filter((value) => value !== null && value !== undefined)
		.map(String);
	const urls = values.flatMap((value) =>
		value
			.split(/\s+|,(?=\s*https?:\/\/)/i)
			.map((part) => part.trim().replace(/,+$/, ''))
			.filter((part) => part !== ''),
	);
	if (urls.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'URLs is empty', {
			itemIndex,
			description:
				'Give one or more public http(s) addresses of image, video or audio files, one per line or separated by commas, or an expression returning them, e.g. {{ $json.imageUrl }}.',
		});
	}
	return urls.map((url) => {
		const check = checkUrl(url);
		if (!check.ok)
			throw new NodeOperationError(ctx.getNode(), check.message, {
				itemIndex,
				description: `${check.fix} Nothing was uploaded for this item.`,
			});
		return check.url;
	});
}

function selectedFields(ctx: IExecuteFunctions, itemIndex: number, available: string[]): string[] {
	const selection = ctx.getNodeParameter('binaryFields', itemIndex, 'named') as string;
	const asTool = isToolRun(ctx);
	if (available.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'The item has no binary data to upload', {
			itemIndex,
			description: asTool
				? 'An AI agent tool cannot pass files: set Source to URL and let the agent give file addresses.'
				: 'Add a step that produces a file before this one (Read Files from Disk, Google Drive "Download", HTTP Request with Response Format "File", a form with a file field), or set Source to URL.',
		});
	}
	if (selection === 'all') return available;
	const raw = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '');
	const fields = raw
		.split(',')
		.map((field) => field.trim())
		.filter((field) => field !== '');
	if (fields.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Input Binary Fields is empty', {
			itemIndex,
			description: `Name the binary field(s) holding the files, e.g. data. This item has: ${available.join(', ')}.`,
		});
	}
	const missing = fields.find((field) => !available.includes(field));
	if (missing !== undefined) {
		throw new NodeOperationError(ctx.getNode(), `The item has no binary field "${missing}"`, {
			itemIndex,
			description: `This item's binary fields are: ${available.join(', ')}. Set Input Binary Fields to the field name (not the file name), or choose "All Binary Fields of the Item".`,
		});
	}
	return [...new Set(fields)];
}

async function storedFile(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	binary: IBinaryData,
	id: string,
	convertHeic: boolean,
): Promise<CheckedFile> {
	let head: Buffer;
	let metadata: { fileName?: string; mimeType?: string; fileSize?: number } | undefined;
	try {
		metadata = await ctx.helpers.getBinaryMetadata(id).catch(() => undefined);
		head = await readHead(await ctx.helpers.getBinaryStream(id, HEAD_BYTES));
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `The file in binary field "${field}" could not be read`, {
			itemIndex,
			description: `n8n's binary data store did not return it (${(error as Error).message}). Run the step that produced the file again.`,
		});
	}
	const size = finiteNumber(metadata?.fileSize) ?? finiteNumber(binary.bytes);
	return checked(ctx, itemIndex, field, binary, head, size, metadata, convertHeic, {
		open: async () => await ctx.helpers.getBinaryStream(id, UPLOAD_CHUNK_BYTES),
		replayable: true,
	});
}

function inlineFile(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	binary: IBinaryData,
	convertHeic: boolean,
): CheckedFile {
	const buffer = Buffer.from(binary.data ?? '', BINARY_ENCODING);
	return checked(ctx, itemIndex, field, binary, buffer.subarray(0, HEAD_BYTES), buffer.length, undefined, convertHeic, {
		open: async () => Readable.from([buffer], { objectMode: false }),
		replayable: true,
	});
}

function checked(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	binary: IBinaryData,
	head: Buffer,
	size: number | undefined,
	metadata: { fileName?: string; mimeType?: string } | undefined,
	convertHeic: boolean,
	reader: Pick<UploadSource, 'open' | 'replayable'>,
): CheckedFile {
	const fileName = binary.fileName || metadata?.fileName || '';
	const check = checkFile(
		{ fileName, mimeType: binary.mimeType || metadata?.mimeType, size, head },
		{ convertHeic, maxHeicBytes: MAX_HEIC_BYTES },
	);
	if (!check.ok) {
		throw new NodeOperationError(ctx.getNode(), `${check.message} (binary field "${field}")`, {
			itemIndex,
			description: `${check.found} ${check.fix} Nothing was uploaded for this item.`,
		});
	}
	if (check.convert === 'heicToJpeg') {
		// Converted when its part is reached (one at a time); the JPEG's size is known only then.
		const shown = fileName || check.uploadName;
		return {
			field,
			fileName: check.uploadName,
			contentType: check.contentType,
			convertedFrom: shown,
			replayable: reader.replayable,
			open: async () => Readable.from([await heicToJpeg(shown, reader.open)]),
		};
	}
	return { field, fileName: check.uploadName, contentType: check.contentType, size, ...reader };
}

function finiteNumber(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
