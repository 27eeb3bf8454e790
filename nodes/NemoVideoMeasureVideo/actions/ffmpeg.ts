import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

/**
 * The host's ffmpeg and ffprobe. n8n installs community packages with install scripts off, so no
 * binary can be fetched at install time: the node uses what the host has (PATH, or the FFmpeg Path
 * option: the ffmpeg binary, or the folder holding ffmpeg and ffprobe).
 */
export interface Tools {
	ffmpeg: string;
	ffprobe: string;
}

/** Why a run of ffmpeg/ffprobe failed; the operation turns it into a NodeOperationError. */
export class ToolError extends Error {
	constructor(
		message: string,
		readonly kind: 'missing' | 'cancelled' | 'deadline' | 'failed',
		readonly stderr = '',
	) {
		super(message);
	}
}

const STDERR_KEEP = 4000;
const PROBE_STDOUT_LIMIT = 4 * 1024 * 1024;

export function locateTools(ffmpegPath: string): Tools {
	const given = ffmpegPath.trim();
	if (given === '') return { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
	let isFolder = false;
	try {
		isFolder = statSync(given).isDirectory();
	} catch {
		// A path that does not exist fails when spawned, with the message that names both fixes.
	}
	const exe = process.platform === 'win32' ? '.exe' : '';
	if (isFolder) return { ffmpeg: join(given, `ffmpeg${exe}`), ffprobe: join(given, `ffprobe${exe}`) };
	const name = basename(given).replace(/ffmpeg/i, 'ffprobe');
	return { ffmpeg: given, ffprobe: join(dirname(given), name === basename(given) ? `ffprobe${exe}` : name) };
}

/** A signal for one measurement: the execution's cancel signal, or the deadline, whichever comes first. */
export interface Limits {
	signal: AbortSignal;
	cancel?: AbortSignal;
	deadline: AbortSignal;
	deadlineMs: number;
}

export function limitsFor(cancel: AbortSignal | undefined, deadlineMs: number): Limits {
	const deadline = AbortSignal.timeout(deadlineMs);
	return { signal: cancel ? AbortSignal.any([cancel, deadline]) : deadline, cancel, deadline, deadlineMs };
}

/** The error for a run that `limits` stopped, or undefined when they did not. */
export function stoppedBy(limits: Limits): ToolError | undefined {
	if (limits.cancel?.aborted) return new ToolError('The execution was canceled while measuring the video', 'cancelled');
	if (limits.deadline.aborted) {
		return new ToolError(
			`Measuring the video took longer than ${Math.round(limits.deadlineMs / 1000)} s (the Timeout option)`,
			'deadline',
		);
	}
	return undefined;
}

/**
 * Runs a tool with `args`. `onStdout` consumes its output as a stream (the promise it returns is
 * awaited before the exit status counts). The child is killed (SIGKILL) as soon as the execution is
 * canceled or the deadline passes, and when `onStdout` fails.
 */
export async function runTool(
	binary: string,
	args: string[],
	limits: Limits,
	onStdout: (stdout: Readable) => Promise<void>,
): Promise<void> {
	const early = stoppedBy(limits);
	if (early) throw early;
	const child = spawn(binary, args, {
		stdio: ['ignore', 'pipe', 'pipe'],
		signal: limits.signal,
		killSignal: 'SIGKILL',
	});
	let stderr = '';
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (text: string) => {
		stderr = (stderr + text).slice(-STDERR_KEEP);
	});
	const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
		child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
		child.once('close', (code) => resolve({ code }));
	});
	let consumerError: unknown;
	try {
		await onStdout(child.stdout);
	} catch (error) {
		consumerError = error;
		child.kill('SIGKILL');
	}
	const { code, error } = await exited;
	const stopped = stoppedBy(limits);
	if (stopped) throw stopped;
	if (error?.code === 'ENOENT') throw missingTool(binary);
	if (consumerError) throw consumerError;
	if (error) throw new ToolError(`Could not run ${binary}: ${error.message}`, 'failed', stderr);
	if (code !== 0) {
		throw new ToolError(`${basename(binary)} failed (exit code ${code}): ${lastLine(stderr)}`, 'failed', stderr);
	}
}

/** Runs a tool and returns its (bounded) standard output as text. */
export async function runToolText(binary: string, args: string[], limits: Limits): Promise<string> {
	let text = '';
	await runTool(binary, args, limits, async (stdout) => {
		stdout.setEncoding('utf8');
		for await (const chunk of stdout) {
			text += chunk as string;
			if (text.length > PROBE_STDOUT_LIMIT)
				throw new ToolError(`${basename(binary)} printed more than expected`, 'failed');
		}
	});
	return text;
}

/** Runs a tool and returns its standard output as bytes, which must be exactly `size` long. */
export async function runToolBytes(binary: string, args: string[], limits: Limits, size: number): Promise<Buffer> {
	const out = Buffer.alloc(size);
	let length = 0;
	await runTool(binary, args, limits, async (stdout) => {
		for await (const chunk of stdout) {
			const bytes = chunk as Buffer;
			if (length + bytes.length > size) throw new ToolError('ffmpeg returned a larger image than expected', 'failed');
			bytes.copy(out, length);
			length += bytes.length;
		}
	});
	if (length !== size) throw new ToolError(`ffmpeg returned ${length} bytes of an image, expected ${size}`, 'failed');
	return out;
}

function missingTool(binary: string): ToolError {
	return new ToolError(
		`${basename(binary)} was not found (tried "${binary}"). Measure Video decodes videos with the host's ffmpeg and ffprobe`,
		'missing',
	);
}

function lastLine(text: string): string {
	const lines = text.trim().split('\n');
	return lines[lines.length - 1] || 'no message';
}
