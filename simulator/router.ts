/** Route table of the simulated API (control routes are handled separately). */
import { handleRunSse } from './agent';
import { handleAnonymousToken } from './auth';
import { handleCdnGenerated, handleCdnRender, handleCdnUpload } from './cdn';
import { handleBalance } from './credits';
import { bizError, type Ctx } from './http';
import { handleRenderCancel, handleRenderDownload, handleRenderPoll, handleRenderStart } from './render';
import { handleCreateSession, handleState } from './sessions';
import { handleUpload } from './upload';

type Handler = (ctx: Ctx) => void | Promise<void>;
interface Route {
	methods: string[];
	re: RegExp;
	handler: Handler;
}

const SEG = '([^/]+)';
const GET = ['GET', 'HEAD'];

export const ROUTES: Route[] = [
	{ methods: ['POST'], re: /^\/api\/auth\/anonymous-token\/?$/, handler: handleAnonymousToken },
	{ methods: ['POST'], re: new RegExp(`^/api/tasks/${SEG}/with-session/nemo_agent/?$`), handler: handleCreateSession },
	{ methods: ['POST'], re: /^\/run_sse\/?$/, handler: handleRunSse },
	{ methods: ['POST'], re: new RegExp(`^/api/upload-video/nemo_agent/${SEG}/${SEG}/?$`), handler: handleUpload },
	{ methods: GET, re: /^\/api\/credits\/balance\/simple\/?$/, handler: handleBalance },
	{ methods: GET, re: new RegExp(`^/api/state/nemo_agent/${SEG}/${SEG}/latest/?$`), handler: handleState },
	{ methods: ['POST'], re: /^\/api\/render\/proxy\/lambda\/?$/, handler: handleRenderStart },
	{ methods: ['POST'], re: new RegExp(`^/api/render/proxy/lambda/${SEG}/cancel/?$`), handler: handleRenderCancel },
	{ methods: GET, re: new RegExp(`^/api/render/proxy/lambda/${SEG}/?$`), handler: handleRenderPoll },
	{ methods: GET, re: new RegExp(`^/api/render/proxy/${SEG}/download/?$`), handler: handleRenderDownload },
	{ methods: GET, re: /^\/cdn\/renders\/([^/]+)\.mp4$/, handler: handleCdnRender },
	{ methods: GET, re: /^\/cdn\/generated\/([^/]+)\.mp4$/, handler: handleCdnGenerated },
	{ methods: GET, re: new RegExp(`^/cdn/uploads/${SEG}/${SEG}$`), handler: handleCdnUpload },
];

export async function route(ctx: Ctx): Promise<void> {
	let pathMatched = false;
	for (const r of ROUTES) {
		const m = r.re.exec(ctx.path);
		if (!m) continue;
		pathMatched = true;
		if (!r.methods.includes(ctx.method)) continue;
		ctx.params = m.slice(1).map((p) => {
			try {
				return decodeURIComponent(p);
			} catch {
				return p;
			}
		});
		await r.handler(ctx);
		return;
	}
	if (pathMatched) bizError(ctx, 405, `method ${ctx.method} not allowed on ${ctx.path}`, 405);
	else bizError(ctx, 404, `no route for ${ctx.method} ${ctx.path}`, 404);
}
