import * as fs from 'fs';
import * as path from 'path';
import type { Simulator } from '../../simulator';
import { call, fastSim, newSession, runSse, sleep, uploadImages } from './rawRequests';

const ASSETS = path.join(__dirname, '../../simulator/assets');

describe('simulator: render', () => {
	let sim: Simulator;
	let token: string;
	let sid: string;
	let draft: any;
	beforeAll(async () => {
		sim = await fastSim({ renderMs: 400 });
	});
	afterAll(() => sim.close());
	beforeEach(async () => {
		sim.reset();
		sim.configure({ renderUrlStyle: 'alternate', renderMs: 400, renderOutputBytes: undefined });
		token = sim.issueToken('registered');
		sid = await newSession(sim, token);
		await uploadImages(sim, token, sid, 3);
		await runSse(sim, token, sid, 'turn my photos into a 15-second video with background music');
		draft = sim.getSession(sid)!.state.draft;
	});
	const start = (id: string, d: unknown = draft, headers?: Record<string, string>) =>
		call(sim, 'POST', '/api/render/proxy/lambda', {
			token,
			headers,
			body: { id, sessionId: sid, draft: d, output: { format: 'mp4', quality: 'high' } },
		});
	const poll = (id: string) => call(sim, 'GET', `/api/render/proxy/lambda/${id}`, { token });

	test('pending -> processing (progress) -> completed at renderMs, outputUrl then output.url (alternate)', async () => {
		sim.configure({ renderMs: 1000 });
		const s = await start('render_a');
		expect(s.json).toEqual({ success: true, data: { id: 'render_a', status: 'pending', progress: 0 } });
		expect((await poll('render_a')).json.data.status).toBe('pending');
		await sleep(400);
		const mid = (await poll('render_a')).json.data;
		expect(mid.status).toBe('processing');
		expect(mid.progress).toBeGreaterThan(0);
		expect(mid.progress).toBeLessThan(100);
		expect(mid.outputUrl).toBeUndefined();
		await sleep(650);
		const done = (await poll('render_a')).json.data;
		expect(done).toMatchObject({
			status: 'completed',
			progress: 100,
			outputUrl: `${sim.url}/cdn/renders/render_a.mp4`,
		});
		const rec = sim.getRender('render_a')!;
		expect(rec.completedAt).toBe(rec.submittedAt + 1000);
		const mp4 = Buffer.from(await (await fetch(done.outputUrl)).arrayBuffer());
		expect(mp4.equals(fs.readFileSync(path.join(ASSETS, 'sample-15s.mp4')))).toBe(true);

		sim.configure({ renderMs: 10 });
		await start('render_b');
		await sleep(30);
		const b = (await poll('render_b')).json.data;
		expect(b.outputUrl).toBeUndefined();
		expect(b.output.url).toBe(`${sim.url}/cdn/renders/render_b.mp4`);
	});

	test('renderUrlStyle outputUrl / output.url is used for every render', async () => {
		sim.configure({ renderUrlStyle: 'output.url', renderMs: 10 });
		await start('r1');
		await start('r2');
		await sleep(20);
		expect((await poll('r1')).json.data.output.url).toContain('/cdn/renders/r1.mp4');
		expect((await poll('r2')).json.data.output.url).toContain('/cdn/renders/r2.mp4');
		sim.configure({ renderUrlStyle: 'outputUrl' });
		await start('r3');
		await start('r4');
		await sleep(20);
		expect((await poll('r3')).json.data.outputUrl).toBeDefined();
		expect((await poll('r4')).json.data.outputUrl).toBeDefined();
	});

	test('a duplicate id is {success:false,error:"render id already exists"}', async () => {
		await start('dup');
		const again = await start('dup');
		expect(again.status).toBe(200);
		expect(again.json).toEqual({ success: false, error: 'render id already exists' });
	});

	test('a start for an unknown session is {success:false, code:1002}, the code the other routes use', async () => {
		const r = await call(sim, 'POST', '/api/render/proxy/lambda', {
			token,
			body: { id: 'r-nosession', sessionId: 'no-such-session', draft },
		});
		expect(r.json).toEqual({ success: false, code: 1002, error: 'session not found' });
		expect(sim.getRender('r-nosession')).toBeUndefined();
	});

	test('missing attribution headers -> HTTP 402; draft not ready -> success:false', async () => {
		const r = await fetch(sim.url + '/api/render/proxy/lambda', {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${token}`,
				'Content-Type': 'application/json',
				'X-Skill-Source': 'picture-to-video',
			},
			body: JSON.stringify({ id: 'r402', sessionId: sid, draft, output: { format: 'mp4', quality: 'high' } }),
		});
		expect(r.status).toBe(402);
		expect(((await r.json()) as any).success).toBe(false);
		expect(sim.getRender('r402')).toBeUndefined();
		const notReady = await start('r-empty', {});
		expect(notReady.json.success).toBe(false);
		expect(notReady.json.error).toMatch(/not ready/);
		const noSegments = await start('r-empty2', { t: [{ tt: 0, sg: [] }] });
		expect(noSegments.json.success).toBe(false);
	});

	test('cancel: status cancelled, recorded, and visible in the log', async () => {
		await start('rc');
		const c = await call(sim, 'POST', '/api/render/proxy/lambda/rc/cancel', { token });
		expect(c.json).toMatchObject({ success: true, data: { status: 'cancelled' } });
		await sleep(450);
		expect((await poll('rc')).json.data.status).toBe('cancelled');
		const rec = sim.getRender('rc')!;
		expect(rec.cancelled).toBe(true);
		expect(rec.cancelledAt).toEqual(expect.any(Number));
		expect(rec.completedAt).toBeUndefined();
		expect(sim.log.some((e) => e.method === 'POST' && e.path === '/api/render/proxy/lambda/rc/cancel')).toBe(true);
		expect((await fetch(`${sim.url}/cdn/renders/rc.mp4`)).status).toBe(404);
	});

	test('failNextRender (control API) makes the next render fail with that error', async () => {
		await call(sim, 'POST', '/__sim/config', { body: { failNextRender: 'GPU worker crashed' } });
		await start('rf');
		await start('ok-after');
		await sleep(420);
		const f = (await poll('rf')).json.data;
		expect(f).toMatchObject({ status: 'failed', error: 'GPU worker crashed' });
		expect(sim.getRender('rf')!.failedAt).toEqual(expect.any(Number));
		expect((await poll('ok-after')).json.data.status).toBe('completed');
	});

	test('cdnFail makes the result URL answer 403; the authenticated download serves the same bytes', async () => {
		sim.configure({ renderMs: 10 });
		await start('rd');
		await sleep(20);
		const url = (await poll('rd')).json.data.outputUrl;
		sim.injectFault({ path: '^/cdn/renders/', kind: 'cdnFail' });
		sim.injectFault({ path: '^/cdn/renders/', kind: 'cdnFail', status: 404 });
		expect((await fetch(url)).status).toBe(403);
		expect((await fetch(url)).status).toBe(404);
		const dl = await fetch(`${sim.url}/api/render/proxy/rd/download`, {
			headers: { Authorization: `Bearer ${token}` },
		});
		expect(dl.status).toBe(200);
		expect(dl.headers.get('content-type')).toBe('video/mp4');
		const bytes = Buffer.from(await dl.arrayBuffer());
		expect(bytes.equals(fs.readFileSync(path.join(ASSETS, 'sample-15s.mp4')))).toBe(true);
		expect((await fetch(`${sim.url}/api/render/proxy/rd/download`)).status).toBe(401);
		expect((await fetch(url)).status).toBe(200);
	});

	test('renderOutputBytes pads the MP4 with a trailing free box, streamed', async () => {
		sim.configure({ renderMs: 10, renderOutputBytes: 20 * 1024 * 1024 });
		await start('rp');
		await sleep(20);
		const data = (await poll('rp')).json.data;
		expect(data.size).toBe(20 * 1024 * 1024);
		const r = await fetch(data.outputUrl);
		expect(r.headers.get('content-length')).toBe(String(20 * 1024 * 1024));
		const body = Buffer.from(await r.arrayBuffer());
		const asset = fs.readFileSync(path.join(ASSETS, 'sample-15s.mp4'));
		expect(body.length).toBe(20 * 1024 * 1024);
		expect(body.subarray(0, asset.length).equals(asset)).toBe(true);
		expect(body.readUInt32BE(asset.length)).toBe(body.length - asset.length);
		expect(body.toString('latin1', asset.length + 4, asset.length + 8)).toBe('free');
		sim.configure({ renderOutputBytes: 500 * 1024 * 1024 });
		const head = await fetch(data.outputUrl, { method: 'HEAD' });
		expect(head.headers.get('content-length')).toBe(String(500 * 1024 * 1024));
	});

	test('the asset closest to the draft duration is served; unknown or foreign renders are 404', async () => {
		sim.configure({ renderMs: 10 });
		await start('r5', { ...draft, d: 4000 });
		await sleep(20);
		expect(sim.getRender('r5')!.asset).toBe('sample-5s.mp4');
		expect((await poll('nope')).status).toBe(404);
		const other = sim.issueToken('registered');
		expect((await call(sim, 'GET', '/api/render/proxy/lambda/r5', { token: other })).status).toBe(404);
	});
});
