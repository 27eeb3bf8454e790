/** Unauthenticated CDN-like routes: render results, generated clips, uploaded media. */
import * as fs from 'fs';
import type { Ctx } from './http';
import { streamMp4 } from './mp4';
import { refreshRender } from './render';

function notFound(ctx: Ctx): void {
	const xml =
		'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>';
	ctx.res.writeHead(404, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(xml)) });
	ctx.res.end(xml);
}

/** GET|HEAD /cdn/renders/{id}.mp4 */
export async function handleCdnRender(ctx: Ctx): Promise<void> {
	const r = ctx.sim.renders.get(decodeURIComponent(ctx.params[0]));
	if (!r || refreshRender(ctx.sim, r).status !== 'completed') return notFound(ctx);
	await streamMp4(ctx.res, r.asset, { padTo: ctx.sim.opts.renderOutputBytes, head: ctx.method === 'HEAD' });
}

/** GET|HEAD /cdn/generated/{id}.mp4 */
export async function handleCdnGenerated(ctx: Ctx): Promise<void> {
	const asset = ctx.sim.generatedAssets.get(ctx.params[0]);
	if (!asset) return notFound(ctx);
	await streamMp4(ctx.res, asset, { head: ctx.method === 'HEAD' });
}

/** GET|HEAD /cdn/uploads/{id}/{name}: the stored upload, or a redirect to the original URL for URL uploads. */
export function handleCdnUpload(ctx: Ctx): void {
	const u = ctx.sim.uploads.get(ctx.params[0]);
	if (!u) return notFound(ctx);
	if (u.redirect) {
		ctx.res.writeHead(302, { location: u.redirect, 'content-length': '0' });
		ctx.res.end();
		return;
	}
	if (!u.file || !fs.existsSync(u.file)) return notFound(ctx);
	ctx.res.writeHead(200, { 'content-type': u.mime, 'content-length': String(u.size) });
	if (ctx.method === 'HEAD') {
		ctx.res.end();
		return;
	}
	fs.createReadStream(u.file).pipe(ctx.res);
}
