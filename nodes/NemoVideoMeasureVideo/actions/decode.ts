import type { Readable } from 'node:stream';

import { runTool, ToolError, type Limits, type Tools } from './ffmpeg';

/**
 * Decodes a video's first video stream with ffmpeg into 8-bit luma frames (the Y plane exactly
 * as decoded: `extractplanes=y`, no range or matrix conversion; rotation applied as players do)
 * and hands them, in order, to `onFrame` with the frame before it. ffmpeg writes raw frames to a
 * pipe; the pipe's back-pressure paces the decoder, so memory stays at two frames whatever the
 * video's length. Frames are passed through as decoded (no duplication or dropping to a frame rate).
 */
export async function decodeLuma(
	tools: Tools,
	path: string,
	size: { width: number; height: number },
	limits: Limits,
	onFrame: (frame: Uint8Array, previous: Uint8Array | undefined) => void,
): Promise<number> {
	const frameBytes = size.width * size.height;
	const args = [
		'-nostdin',
		'-v',
		'error',
		'-i',
		path,
		'-map',
		'0:v:0',
		'-an',
		'-sn',
		'-dn',
		'-vsync',
		'passthrough',
		'-vf',
		'extractplanes=y,format=gray',
		'-f',
		'rawvideo',
		'-pix_fmt',
		'gray',
		'pipe:1',
	];
	let frames = 0;
	await runTool(tools.ffmpeg, args, limits, async (stdout: Readable) => {
		frames = await readFrames(stdout, frameBytes, onFrame);
	});
	if (frames === 0) throw new ToolError('ffmpeg decoded no frames from the video', 'failed');
	return frames;
}

/** Cuts a byte stream into frames of `frameBytes`, alternating between two buffers. */
export async function readFrames(
	stream: AsyncIterable<Buffer | Uint8Array>,
	frameBytes: number,
	onFrame: (frame: Uint8Array, previous: Uint8Array | undefined) => void,
): Promise<number> {
	const buffers = [new Uint8Array(frameBytes), new Uint8Array(frameBytes)];
	let filled = 0;
	let frames = 0;
	for await (const chunk of stream) {
		let offset = 0;
		while (offset < chunk.length) {
			const current = buffers[frames % 2];
			const take = Math.min(frameBytes - filled, chunk.length - offset);
			current.set(chunk.subarray(offset, offset + take), filled);
			filled += take;
			offset += take;
			if (filled === frameBytes) {
				onFrame(current, frames > 0 ? buffers[(frames + 1) % 2] : undefined);
				frames++;
				filled = 0;
			}
		}
	}
	if (filled !== 0)
		throw new ToolError(`ffmpeg's output ended inside a frame (${filled} of ${frameBytes} bytes)`, 'failed');
	return frames;
}
