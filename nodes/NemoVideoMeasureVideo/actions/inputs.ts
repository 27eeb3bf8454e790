import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * The item's video and source images as files in a private temporary folder (ffmpeg seeks in
 * MP4s, so a pipe will not do: the moov box is often at the end). Binary data is streamed from
 * n8n's binary store to disk; URLs are streamed from the network, never held in memory.
 */
export class WorkFolder {
	private constructor(readonly path: string) {}

	static async create(): Promise<WorkFolder> {
		return new WorkFolder(await mkdtemp(join(tmpdir(), 'nemovideo-measure-')));
	}

	async remove(): Promise<void> {
		await rm(this.path, { recursive: true, force: true });
	}

	/** Writes the item's binary field `property` to a file; returns its path and file name. */
	async fromBinary(ctx: IExecuteFunctions, itemIndex: number, property: string, name: string, signal: AbortSignal) {
		const binary = ctx.helpers.assertBinaryData(itemIndex, property);
		const path = join(this.path, name);
		const source = binary.id
			? await ctx.helpers.getBinaryStream(binary.id)
			: Readable.from([Buffer.from(binary.data, 'base64')]);
		await pipeline(source, createWriteStream(path), { signal });
		return { path, fileName: binary.fileName ?? property };
	}

	/** Downloads `url` to a file; a failing answer is a NodeOperationError saying which URL. */
	async fromUrl(ctx: IExecuteFunctions, itemIndex: number, url: string, name: string, signal: AbortSignal) {
		let parsed: URL;
		try {
			parsed = new URL(url);
		} catch {
			throw new NodeOperationError(ctx.getNode(), `"${url}" is not a URL`, {
				itemIndex,
				description: 'Enter a full http(s) address, e.g. https://example.com/video.mp4.',
			});
		}
		if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
			throw new NodeOperationError(ctx.getNode(), `Only http(s) URLs can be measured, not "${parsed.protocol}"`, {
				itemIndex,
			});
		}
		const path = join(this.path, name);
		let response: Response;
		try {
			response = await fetch(parsed, { signal, redirect: 'follow' });
		} catch (error) {
			if (signal.aborted) throw error;
			throw new NodeOperationError(ctx.getNode(), `Could not download ${parsed.href}: ${(error as Error).message}`, {
				itemIndex,
				description: 'Check that the URL is reachable from this n8n.',
			});
		}
		if (!response.ok || !response.body) {
			throw new NodeOperationError(ctx.getNode(), `Downloading ${parsed.href} failed with HTTP ${response.status}`, {
				itemIndex,
				description: 'Check that the URL points at the file itself and has not expired.',
			});
		}
		await pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream), createWriteStream(path), {
			signal,
		});
		return { path, fileName: decodeURIComponent(parsed.pathname.split('/').pop() || name) };
	}
}

/** Field names separated by commas or new lines; URLs by new lines, or commas before "http". */
export function splitList(text: string, kind: 'names' | 'urls' = 'names'): string[] {
	return text
		.split(kind === 'urls' ? /\n|,(?=\s*https?:\/\/)/i : /[\n,]/)
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
}
