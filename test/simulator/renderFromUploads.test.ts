import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import FormData from 'form-data';
import type { Simulator } from '../../simulator';
import { call, fastSim, newSession, postForm, runSse, sleep } from './rawRequests';

const ASSETS = path.join(__dirname, '../../simulator/assets');
const IMAGES = path.join(__dirname, '../../examples/images');

/** A frame of a video (or an image laid on the frame as the render lays it), as 32x18 grey bytes. */
function grey(input: string[], filter: string): Buffer {
	return execFileSync(
		'ffmpeg',
		[
			'-v',
			'error',
			...input,
			'-vf',
			`${filter}scale=32:18:flags=area,format=gray`,
			'-frames:v',
			'1',
			'-f',
			'rawvideo',
			'-',
		],
		{
			maxBuffer: 1 << 20,
		},
	);
}
const meanAbsDiff = (a: Buffer, b: Buffer) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length / 255;
const onFrame = (file: string) =>
	grey(
		['-i', file],
		'scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2:color=black,',
	);
const frameAt = (mp4: string, seconds: number) => grey(['-ss', String(seconds), '-i', mp4], '');

function probe(mp4: string): { codec: string; width: number; height: number; frames: number; duration: number } {
	const out = JSON.parse(
		execFileSync('ffprobe', [
			'-v',
			'error',
			'-count_frames',
			'-show_entries',
			'stream=codec_name,width,height,nb_read_frames:format=duration',
			'-of',
			'json',
			mp4,
		]).toString(),
	);
	const s = out.streams[0];
	return {
		codec: s.codec_name,
		width: s.width,
		height: s.height,
		frames: Number(s.nb_read_frames),
		duration: Number(out.format.duration),
	};
}

describe('simulator: renders made from the uploaded images (renderFrom uploads)', () => {
	let sim: Simulator;
	let token: string;
	let tmp: string;
	const savedFfmpeg = process.env.NEMOVIDEO_SIM_FFMPEG;
	beforeAll(async () => {
		sim = await fastSim({ renderMs: 50, renderFrom: 'uploads' });
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-render-test-'));
	});
	afterAll(async () => {
		await sim.close();
		fs.rmSync(tmp, { recursive: true, force: true });
	});
	beforeEach(() => {
		sim.reset();
		sim.configure({ renderMs: 50, renderFrom: 'uploads', renderOutputBytes: undefined });
		token = sim.issueToken('registered');
	});
	afterEach(() => {
		if (savedFfmpeg === undefined) delete process.env.NEMOVIDEO_SIM_FFMPEG;
		else process.env.NEMOVIDEO_SIM_FFMPEG = savedFfmpeg;
	});

	async function sessionWith(files: string[], prompt: string): Promise<string> {
		const sid = await newSession(sim, token);
		const form = new FormData();
		for (const f of files) form.append('files', fs.readFileSync(path.join(IMAGES, f)), { filename: f });
		expect((await postForm(sim, `/api/upload-video/nemo_agent/me/${sid}`, form, token)).json.code).toBe(0);
		await runSse(sim, token, sid, prompt);
		return sid;
	}

	async function renderToEnd(sid: string, id: string): Promise<any> {
		const draft = sim.getSession(sid)!.state.draft;
		const s = await call(sim, 'POST', '/api/render/proxy/lambda', {
			token,
			body: { id, sessionId: sid, draft, output: { format: 'mp4' } },
		});
		expect(s.json.success).toBe(true);
		for (;;) {
			const data = (await call(sim, 'GET', `/api/render/proxy/lambda/${id}`, { token })).json.data;
			if (data.status !== 'pending' && data.status !== 'processing') return data;
			await sleep(50);
		}
	}

	async function download(url: string, name: string): Promise<string> {
		const file = path.join(tmp, name);
		fs.writeFileSync(file, Buffer.from(await (await fetch(url)).arrayBuffer()));
		return file;
	}

	test('the MP4 is H.264 at the draft size and duration, showing the images in upload order', async () => {
		const sid = await sessionWith(['product-1.jpg', 'portrait.png'], 'turn my photos into a 4-second video');
		const draft = sim.getSession(sid)!.state.draft as any;
		const done = await renderToEnd(sid, 'render_up');
		expect(done.status).toBe('completed');
		const mp4 = await download(done.outputUrl ?? done.output.url, 'up.mp4');
		expect(done.outputUrl ? done.size : done.output.size).toBe(fs.statSync(mp4).size);
		expect(probe(mp4)).toEqual({
			codec: 'h264',
			width: draft.m.width,
			height: draft.m.height,
			frames: (draft.d / 1000) * draft.m.fps,
			duration: draft.d / 1000,
		});
		const first = frameAt(mp4, 0);
		const last = frameAt(mp4, draft.d / 1000 - 0.2);
		const one = onFrame(path.join(IMAGES, 'product-1.jpg'));
		const two = onFrame(path.join(IMAGES, 'portrait.png'));
		// each frame is its image (H.264 at ultrafast loses a little) and far from the other one
		expect(meanAbsDiff(first, one)).toBeLessThan(0.02);
		expect(meanAbsDiff(last, two)).toBeLessThan(0.02);
		expect(meanAbsDiff(first, two)).toBeGreaterThan(0.05);
		expect(meanAbsDiff(last, one)).toBeGreaterThan(0.05);
		// the same bytes from the authenticated download
		const dl = await fetch(`${sim.url}/api/render/proxy/render_up/download`, {
			headers: { Authorization: `Bearer ${token}` },
		});
		expect(Buffer.from(await dl.arrayBuffer()).equals(fs.readFileSync(mp4))).toBe(true);
	});

	test('renderOutputBytes pads the MP4 made from the uploads with a trailing free box', async () => {
		const sid = await sessionWith(['product-2.jpg'], 'a 2-second video');
		sim.configure({ renderOutputBytes: 3 * 1024 * 1024 });
		const done = await renderToEnd(sid, 'render_pad');
		const body = fs.readFileSync(await download(done.outputUrl ?? done.output.url, 'pad.mp4'));
		expect(body.length).toBe(3 * 1024 * 1024);
		expect(body.toString('latin1', 4, 8)).toBe('ftyp');
		const asset = sim.getRender('render_pad')!.asset;
		// an absolute path is the MP4 ffmpeg made from the upload (a bare name would be the sample)
		expect(path.isAbsolute(asset)).toBe(true);
		const made = fs.readFileSync(asset);
		expect(body.subarray(0, made.length).equals(made)).toBe(true);
		expect(body.toString('latin1', made.length + 4, made.length + 8)).toBe('free');
	});

	test('failNextRender still fails the render (no MP4 is made)', async () => {
		const sid = await sessionWith(['product-3.jpg'], 'a 2-second video');
		sim.configure({ failNextRender: 'GPU worker crashed' });
		expect(await renderToEnd(sid, 'render_fail')).toMatchObject({ status: 'failed', error: 'GPU worker crashed' });
	});

	test('URL uploads (no bytes kept) and a machine without ffmpeg get the sample MP4', async () => {
		const byUrl = await newSession(sim, token);
		const u = await call(sim, 'POST', `/api/upload-video/nemo_agent/me/${byUrl}`, {
			token,
			body: { urls: ['https://example.com/a.jpg'], source_type: 'url' },
		});
		expect(u.json.code).toBe(0);
		await runSse(sim, token, byUrl, 'a 5-second video');
		const a = await renderToEnd(byUrl, 'render_url');
		expect(
			fs
				.readFileSync(await download(a.outputUrl ?? a.output.url, 'url.mp4'))
				.equals(fs.readFileSync(path.join(ASSETS, 'sample-5s.mp4'))),
		).toBe(true);

		process.env.NEMOVIDEO_SIM_FFMPEG = path.join(tmp, 'no-such-ffmpeg');
		const sid = await sessionWith(['product-4.jpg'], 'a 10-second video');
		const b = await renderToEnd(sid, 'render_noffmpeg');
		expect(b.status).toBe('completed');
		expect(
			fs
				.readFileSync(await download(b.outputUrl ?? b.output.url, 'nof.mp4'))
				.equals(fs.readFileSync(path.join(ASSETS, 'sample-10s.mp4'))),
		).toBe(true);
	});

	test('an ffmpeg still running is killed when the render is cancelled and when the simulator closes', async () => {
		// a wrapper that records ffmpeg's pid (exec keeps it) so the test can see the process go
		const wrapper = path.join(tmp, 'ffmpeg-pid.sh');
		fs.writeFileSync(wrapper, `#!/bin/sh\necho $$ >> ${path.join(tmp, 'pids')}\nexec ffmpeg "$@"\n`, { mode: 0o755 });
		process.env.NEMOVIDEO_SIM_FFMPEG = wrapper;
		const own = await fastSim({ renderMs: 60_000, renderFrom: 'uploads' });
		const alive = (pid: number) => {
			try {
				process.kill(pid, 0);
				return true;
			} catch {
				return false;
			}
		};
		const pids = async (n: number) => {
			while (
				(fs.existsSync(path.join(tmp, 'pids'))
					? fs.readFileSync(path.join(tmp, 'pids'), 'utf8').trim().split('\n')
					: []
				).length < n
			)
				await sleep(20);
			return fs.readFileSync(path.join(tmp, 'pids'), 'utf8').trim().split('\n').map(Number);
		};
		const gone = async (pid: number) => {
			while (alive(pid)) await sleep(20);
			return true;
		};
		try {
			const tok = own.issueToken('registered');
			const sid = await newSession(own, tok);
			const form = new FormData();
			form.append('files', fs.readFileSync(path.join(IMAGES, 'product-5.jpg')), { filename: 'product-5.jpg' });
			await postForm(own, `/api/upload-video/nemo_agent/me/${sid}`, form, tok);
			await runSse(own, tok, sid, 'a 10-minute video');
			const draft = own.getSession(sid)!.state.draft;
			const start = (id: string) =>
				call(own, 'POST', '/api/render/proxy/lambda', { token: tok, body: { id, sessionId: sid, draft } });
			await start('render_c1');
			const [first] = await pids(1);
			expect(
				(await call(own, 'POST', '/api/render/proxy/lambda/render_c1/cancel', { token: tok })).json.data.status,
			).toBe('cancelled');
			expect(await gone(first)).toBe(true);
			await start('render_c2');
			const [, second] = await pids(2);
			expect(alive(second)).toBe(true);
			await own.close();
			expect(await gone(second)).toBe(true);
		} finally {
			await own.close();
		}
	});
});
