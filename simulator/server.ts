/** HTTP server: per-request context, logging, faults, routing; tracks sockets so close() is immediate. */
import * as http from 'http';
import type { Socket } from 'net';
import { handleControl } from './control';
import { applyRequestFault } from './faults';
import { sendJson, type Ctx } from './http';
import { startEntry, trackEntry } from './log';
import { route } from './router';
import type { SimState } from './state';

export interface RunningServer {
	server: http.Server;
	port: number;
	close(): Promise<void>;
}

async function onRequest(sim: SimState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	const ac = new AbortController();
	res.once('close', () => ac.abort());
	const ctx: Ctx = {
		sim,
		req,
		res,
		method: (req.method ?? 'GET').toUpperCase(),
		path: url.pathname,
		query: url.searchParams,
		params: [],
		signal: ac.signal,
	};
	try {
		if (ctx.path.startsWith('/__sim/')) {
			await handleControl(ctx);
			return;
		}
		const entry = startEntry(ctx);
		ctx.entry = entry;
		sim.log.push(entry);
		trackEntry(ctx, entry);
		if (await applyRequestFault(ctx)) return;
		await route(ctx);
	} catch (e) {
		if (!sim.opts.quiet)
			process.stderr.write(`simulator error on ${ctx.method} ${ctx.path}: ${(e as Error).stack ?? e}\n`);
		if (!res.headersSent) sendJson(ctx, 500, { code: 500, message: 'internal simulator error' });
		else res.destroy();
	}
}

export function listen(sim: SimState, port: number): Promise<RunningServer> {
	const sockets = new Set<Socket>();
	const server = http.createServer((req, res) => void onRequest(sim, req, res));
	server.requestTimeout = 0; // SSE edits may stream for 15 minutes and uploads may be slow
	server.headersTimeout = 60_000;
	server.keepAliveTimeout = 5_000;
	server.on('connection', (s) => {
		sockets.add(s);
		s.once('close', () => sockets.delete(s));
	});
	server.on('clientError', (_err, socket) => socket.destroy());
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			const addr = server.address();
			const actual = typeof addr === 'object' && addr ? addr.port : port;
			resolve({
				server,
				port: actual,
				close: () =>
					new Promise<void>((done) => {
						server.close(() => done());
						for (const s of sockets) s.destroy();
						server.closeAllConnections?.();
					}),
			});
		});
	});
}
