/** Request log entries (API routes only) and the one-line stderr access log (never prints tokens or bodies). */
import type { Ctx } from './http';
import { header } from './http';
import type { RequestLogEntry } from './types';

export function startEntry(ctx: Ctx): RequestLogEntry {
	const skillHeaders: RequestLogEntry['skillHeaders'] = {};
	const source = header(ctx, 'x-skill-source');
	const version = header(ctx, 'x-skill-version');
	const platform = header(ctx, 'x-skill-platform');
	if (source !== undefined) skillHeaders.source = source;
	if (version !== undefined) skillHeaders.version = version;
	if (platform !== undefined) skillHeaders.platform = platform;
	const entry: RequestLogEntry = {
		method: ctx.method,
		path: ctx.path,
		hasAuth: header(ctx, 'authorization') !== undefined,
		skillHeaders,
		startedAt: Date.now(),
		bytesIn: 0,
	};
	const clientId = header(ctx, 'x-client-id');
	if (clientId !== undefined) entry.clientId = clientId;
	return entry;
}

/** Completes the entry when the response closes (finished, cut, or client gone) and prints the access line. */
export function trackEntry(ctx: Ctx, entry: RequestLogEntry): void {
	ctx.res.once('close', () => {
		entry.finishedAt = Date.now();
		if (ctx.res.headersSent) entry.status = ctx.res.statusCode;
		if (!ctx.res.writableFinished) entry.aborted = true;
		if (!ctx.sim.opts.quiet) {
			const status = entry.status ?? '---';
			process.stderr.write(
				`${entry.method} ${entry.path} ${status} ${entry.finishedAt - entry.startedAt}ms${entry.aborted ? ' (aborted)' : ''}\n`,
			);
		}
	});
}
