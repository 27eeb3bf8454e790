import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { Readable } from 'stream';
import FormData from 'form-data';
import type { Simulator } from '../../simulator';
import { call, fastSim, jpeg, newSession, png, postForm } from './rawRequests';

const ASSET = path.join(__dirname, '../../simulator/assets/sample-5s.mp4');

describe('simulator: upload', () => {
	let sim: Simulator;
	let token: string;
	let sid: string;
	beforeAll(async () => {
		sim = await fastSim();
	});
	afterAll(() => sim.close());
	beforeEach(async () => {
		sim.reset();
		sim.configure({ maxUploadBytes: 200 * 1024 * 1024 });
		token = sim.issueToken('anonymous');
		sid = await newSession(sim, token);
	});
	const up = (form: FormData, user = 'me', s = sid) =>
		postForm(sim, `/api/upload-video/nemo_agent/${user}/${s}`, form, token);

	test('multipart with several files: type sniffed by magic bytes, sizes parsed, hash is sha256, state applied', async () => {
		const p = png(1280, 720);
		const j = jpeg(640, 480);
		const mp4 = fs.readFileSync(ASSET);
		const form = new FormData();
		form.append('files', p, { filename: 'a.png', contentType: 'image/png' });
		form.append('files', j, { filename: 'b.jpg', contentType: 'image/jpeg' });
		form.append('files', mp4, { filename: 'clip.bin', contentType: 'application/octet-stream' });
		const r = await up(form);
		expect(r.json.code).toBe(0);
		expect(r.json.data.session_state_applied).toBe(true);
		const [a, b, c] = r.json.data.files;
		expect(a).toMatchObject({
			filename: 'a.png',
			file_type: 'image',
			width: 1280,
			height: 720,
			hash: createHash('sha256').update(p).digest('hex'),
		});
		expect(b).toMatchObject({ filename: 'b.jpg', file_type: 'image', width: 640, height: 480 });
		expect(c).toMatchObject({
			filename: 'clip.bin',
			file_type: 'video',
			width: 1920,
			height: 1080,
			fps: 25,
			duration: 5,
		});
		expect(c.cdn_url.startsWith(sim.url + '/cdn/uploads/')).toBe(true);
		const served = Buffer.from(await (await fetch(c.cdn_url)).arrayBuffer());
		expect(served.equals(mp4)).toBe(true);
		const state = await call(sim, 'GET', `/api/state/nemo_agent/me/${sid}/latest`, { token });
		expect(state.json.data.state.video_infos.map((m: any) => m.filename)).toEqual(['a.png', 'b.jpg', 'clip.bin']);
		expect(state.json.data.state.draft).toEqual({});
	});

	test.each([
		[
			'gif',
			Buffer.concat([Buffer.from('GIF89a'), Buffer.from([0x40, 0x01, 0xf0, 0x00]), Buffer.alloc(60)]),
			'image',
			320,
			240,
		],
		[
			'webp',
			Buffer.concat([
				Buffer.from('RIFF'),
				Buffer.alloc(4),
				Buffer.from('WEBPVP8X'),
				Buffer.alloc(8),
				Buffer.from([0x7f, 0x02, 0x00, 0xdf, 0x01, 0x00]),
				Buffer.alloc(40),
			]),
			'image',
			640,
			480,
		],
		[
			'mov',
			Buffer.concat([Buffer.from([0, 0, 0, 0x14]), Buffer.from('ftypqt  '), Buffer.alloc(60)]),
			'video',
			1920,
			1080,
		],
		[
			'avi',
			Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('AVI '), Buffer.alloc(60)]),
			'video',
			1920,
			1080,
		],
		[
			'webm',
			Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(4), Buffer.from('webm'), Buffer.alloc(60)]),
			'video',
			1920,
			1080,
		],
		['mp3', Buffer.concat([Buffer.from('ID3'), Buffer.alloc(70)]), 'audio', 0, 0],
		['mp3 frame', Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x44]), Buffer.alloc(70)]), 'audio', 0, 0],
		[
			'wav',
			Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE'), Buffer.alloc(60)]),
			'audio',
			0,
			0,
		],
		['m4a', Buffer.concat([Buffer.from([0, 0, 0, 0x14]), Buffer.from('ftypM4A '), Buffer.alloc(60)]), 'audio', 0, 0],
		['aac', Buffer.concat([Buffer.from([0xff, 0xf1, 0x50, 0x80]), Buffer.alloc(70)]), 'audio', 0, 0],
	])('accepts %s by magic bytes', async (_name, bytes, fileType, w, h) => {
		const form = new FormData();
		form.append('files', bytes, { filename: 'upload.dat' });
		const r = await up(form);
		expect(r.json.code).toBe(0);
		expect(r.json.data.files[0]).toMatchObject({ file_type: fileType, width: w, height: h });
	});

	test('an unsupported file is code 4001 naming the file, and nothing is applied', async () => {
		const form = new FormData();
		form.append('files', png(10, 10), { filename: 'ok.png' });
		form.append('files', Buffer.from('just some notes, not media at all.................................'), {
			filename: 'notes.txt',
		});
		const r = await up(form);
		expect(r.status).toBe(200);
		expect(r.json.code).toBe(4001);
		expect(r.json.message).toContain('notes.txt');
		expect(sim.getSession(sid)!.state.video_infos).toHaveLength(0);
	});

	test('HEIC, advertised but refused by the service, is code 4001 by content and by URL, and nothing is applied', async () => {
		const heic = Buffer.concat([
			Buffer.from([0, 0, 0, 0x18]),
			Buffer.from('ftypheic'),
			Buffer.alloc(12),
			Buffer.from([0, 0, 0, 0x14]),
			Buffer.from('ispe'),
			Buffer.alloc(4),
			Buffer.from([0, 0, 0x0f, 0xc0, 0, 0, 0x0b, 0xd0]),
			Buffer.alloc(40),
		]);
		const form = new FormData();
		form.append('files', heic, { filename: 'IMG_0001.HEIC', contentType: 'image/heic' });
		const r = await up(form);
		expect(r.json).toMatchObject({ code: 4001, message: expect.stringContaining('IMG_0001.HEIC') });
		expect(r.json.message).not.toMatch(/heic,/);
		const byUrl = await call(sim, 'POST', `/api/upload-video/nemo_agent/me/${sid}`, {
			token,
			body: { urls: ['https://example.com/IMG_0002.heic'], source_type: 'url' },
		});
		expect(byUrl.json.code).toBe(4001);
		expect(sim.getSession(sid)!.state.video_infos).toHaveLength(0);
	});

	test("'resetAfterBody' stores the upload, then destroys the socket instead of answering: one copy in the session", async () => {
		sim.injectFault({ method: 'POST', path: '^/api/upload-video/', kind: 'resetAfterBody' });
		const p = png(320, 240);
		const form = new FormData();
		form.append('files', p, { filename: 'a.png', contentType: 'image/png' });
		const r = await up(form);
		expect(r.status).toBe(0);
		expect(r.error).toBeDefined();
		const stored = sim.getSession(sid)!.state.video_infos;
		expect(stored.map((m) => [m.filename, m.size, m.hash])).toEqual([
			['a.png', p.length, createHash('sha256').update(p).digest('hex')],
		]);
		expect(sim.log.find((e) => e.path.startsWith('/api/upload-video'))!.aborted).toBe(true);
	});

	test("'truncatedAnswer' stores the upload, then answers HTTP 200 with the first half of its JSON: one copy in the session", async () => {
		sim.injectFault({ method: 'POST', path: '^/api/upload-video/', kind: 'truncatedAnswer' });
		const form = new FormData();
		form.append('files', png(320, 240), { filename: 'a.png', contentType: 'image/png' });
		const r = await up(form);
		expect(r.status).toBe(200);
		expect(r.json).toBeUndefined();
		expect(sim.getSession(sid)!.state.video_infos.map((m) => m.filename)).toEqual(['a.png']);
		// The fault is used up: the next upload is answered in full.
		const again = new FormData();
		again.append('files', png(10, 10), { filename: 'b.png', contentType: 'image/png' });
		expect((await up(again)).json.code).toBe(0);
	});

	test('a file over maxUploadBytes is code 4002 without reading the whole stream', async () => {
		sim.configure({ maxUploadBytes: 64 * 1024 });
		const total = 50 * 1024 * 1024;
		let produced = 0;
		const body = new Readable({
			read() {
				if (produced === 0) {
					produced += 64;
					this.push(png(100, 100, 31));
					return;
				}
				if (produced >= total) {
					this.push(null);
					return;
				}
				produced += 64 * 1024;
				this.push(Buffer.alloc(64 * 1024));
			},
		});
		const form = new FormData();
		form.append('files', body, { filename: 'huge.png', contentType: 'image/png' });
		const r = await up(form);
		expect(r.json?.code).toBe(4002);
		expect(r.json.message).toContain('huge.png');
		const entry = sim.log.find((e) => e.path.startsWith('/api/upload-video'))!;
		expect(entry.status).toBe(200);
		expect(entry.bytesIn).toBeLessThan(10 * 1024 * 1024);
		expect(sim.getSession(sid)!.state.video_infos).toHaveLength(0);
	});

	test('JSON url upload is accepted by extension (no fetching); an unknown extension is 4001', async () => {
		const ok = await call(sim, 'POST', `/api/upload-video/nemo_agent/me/${sid}`, {
			token,
			body: { urls: ['https://example.com/pics/beach.JPG', 'https://example.com/v/clip.mp4?x=1'], source_type: 'url' },
		});
		expect(ok.json.code).toBe(0);
		expect(ok.json.data.files.map((f: any) => [f.filename, f.file_type])).toEqual([
			['beach.JPG', 'image'],
			['clip.mp4', 'video'],
		]);
		const bad = await call(sim, 'POST', `/api/upload-video/nemo_agent/me/${sid}`, {
			token,
			body: { urls: ['https://example.com/doc.pdf'], source_type: 'url' },
		});
		expect(bad.json.code).toBe(4001);
		expect(bad.json.message).toContain('doc.pdf');
	});

	test('upload to an unknown session or with another user id is code 1002; no token is 401', async () => {
		const form = () => {
			const f = new FormData();
			f.append('files', png(10, 10), { filename: 'x.png' });
			return f;
		};
		expect((await up(form(), 'me', 'nope')).json.code).toBe(1002);
		expect((await up(form(), 'anon_someoneelse')).json.code).toBe(1002);
		const r = await postForm(sim, `/api/upload-video/nemo_agent/me/${sid}`, form());
		expect(r.status).toBe(401);
	});
});
