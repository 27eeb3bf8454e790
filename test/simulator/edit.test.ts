import * as http from 'http';
import { createHash } from 'crypto';
import type { Simulator } from '../../simulator';
import { call, fastSim, newSession, parseSse, runSse, SKILL, sleep, textOf, uploadImages } from './rawRequests';

const PROMPT = 'turn my photos into a 15-second video with smooth transitions and background music';

describe('simulator: SSE edit (/run_sse)', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await fastSim();
	});
	afterAll(() => sim.close());
	beforeEach(() => {
		sim.reset();
		sim.configure({ silentEditRate: 0.3, editDialect: 'random', editDurationMs: 40 });
	});

	async function setup(kind: 'anonymous' | 'registered' = 'anonymous', language = 'en', images = 3) {
		const token = sim.issueToken(kind);
		const sid = await newSession(sim, token, language);
		if (images) await uploadImages(sim, token, sid, images);
		return { token, sid };
	}

	test('an edit streams text/event-stream and leaves a ready draft (video, BGM) visible in the state endpoint', async () => {
		const { token, sid } = await setup();
		const r = await runSse(sim, token, sid, PROMPT);
		expect(r.status).toBe(200);
		expect(r.contentType).toMatch(/^text\/event-stream/);
		expect(r.error).toBeUndefined();
		const st = await call(sim, 'GET', `/api/state/nemo_agent/me/${sid}/latest`, { token });
		const draft = st.json.data.state.draft;
		expect(draft.d).toBe(15000);
		expect(draft.m).toMatchObject({ width: 1920, height: 1080 });
		const video = draft.t.find((t: any) => t.tt === 0);
		expect(video.sg).toHaveLength(3);
		expect(video.sg.map((s: any) => s.d).reduce((a: number, b: number) => a + b)).toBe(15000);
		expect(video.sg.every((s: any) => s.transition)).toBe(true);
		const bgm = draft.t.find((t: any) => t.tt === 1);
		expect(bgm).toMatchObject({ name: 'Lo-fi', volume: 0.35 });
		expect(draft.t.find((t: any) => t.tt === 7)).toBeUndefined();
		expect(st.json.data.state.video_analyses).toHaveLength(3);
	});

	test('defaults: 10 s without a duration; title track and 1080x1920 for a vertical prompt with a title', async () => {
		const { token, sid } = await setup('registered', 'en', 2);
		await runSse(sim, token, sid, 'make a slideshow');
		expect(sim.getSession(sid)!.state.draft).toMatchObject({ d: 10000, m: { width: 1920, height: 1080 } });
		await runSse(sim, token, sid, 'add the title "Urban Dreams" and make it vertical 9:16');
		const d: any = sim.getSession(sid)!.state.draft;
		expect(d.m).toMatchObject({ width: 1080, height: 1920, title: 'Urban Dreams' });
		expect(d.d).toBe(10000);
		expect(d.t.find((t: any) => t.tt === 7).sg[0]).toMatchObject({ text: 'Urban Dreams', s: 0, d: 3000 });
	});

	test('credits: the cost is frozen while the edit streams, then consumed', async () => {
		const { token, sid } = await setup();
		sim.configure({ editDurationMs: 400 });
		const pending = runSse(sim, token, sid, PROMPT);
		await sleep(150);
		const mid = await call(sim, 'GET', '/api/credits/balance/simple', { token });
		expect(mid.json.data).toMatchObject({ available: 50, frozen: 50, total: 100 });
		await pending;
		const after = await call(sim, 'GET', '/api/credits/balance/simple', { token });
		expect(after.json.data).toMatchObject({
			available: 50,
			frozen: 0,
			total: 50,
			total_consumed: 50,
			total_granted: 100,
		});
	});

	test('2001 as plain JSON when credits run out: registration link for anonymous, top-up hint for registered', async () => {
		const { token, sid } = await setup();
		await runSse(sim, token, sid, PROMPT);
		await runSse(sim, token, sid, 'add background music');
		const r = await runSse(sim, token, sid, 'one more change');
		expect(r.contentType).toMatch(/^application\/json/);
		expect(r.json.code).toBe(2001);
		const uid = sim.getSession(sid)!.userId;
		expect(r.json.message).toContain(`https://nemovideo.ai/register?bind=${uid}`);
		const reg = await setup('registered');
		sim.setCredits(reg.token, 10);
		const r2 = await runSse(sim, reg.token, reg.sid, PROMPT);
		expect(r2.json.code).toBe(2001);
		expect(r2.json.message).toMatch(/top up/i);
		expect(r2.json.message).not.toContain('bind=');
	});

	test('unknown session is 1002 as plain JSON (no stream)', async () => {
		const { token } = await setup('anonymous', 'en', 0);
		const r = await runSse(sim, token, 'no-such-session', PROMPT);
		expect(r.status).toBe(200);
		expect(r.contentType).toMatch(/^application\/json/);
		expect(r.json.code).toBe(1002);
	});

	test('an animate prompt adds generated_media, costs generateCost and streams heartbeats for generationMs', async () => {
		const { token, sid } = await setup('anonymous', 'en', 1);
		sim.configure({ editDialect: 'simple' });
		const t0 = Date.now();
		const r = await runSse(sim, token, sid, 'turn this image into a 5-second animated clip');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(120);
		expect(r.events.filter((e) => e && e.type === 'heartbeat').length).toBeGreaterThanOrEqual(3);
		const s = sim.getSession(sid)!;
		expect(s.state.generated_media).toHaveLength(1);
		expect(s.state.generated_media[0]).toMatchObject({ type: 'video', duration: 5 });
		expect((s.state.draft as any).t[0].sg[0].src).toBe(s.state.generated_media[0].url);
		const clip = await fetch(s.state.generated_media[0].url);
		expect(clip.headers.get('content-type')).toBe('video/mp4');
		expect(Buffer.from(await clip.arrayBuffer()).toString('latin1', 4, 8)).toBe('ftyp');
		const bal = await call(sim, 'GET', '/api/credits/balance/simple', { token });
		expect(bal.json.data.available).toBe(0);
	});

	test('silentEditRate 1: no text at all, but tool events and a ready draft', async () => {
		const { token, sid } = await setup('registered');
		sim.configure({ silentEditRate: 1 });
		for (let i = 0; i < 3; i++) {
			const r = await runSse(sim, token, sid, PROMPT);
			expect(textOf(r.events)).toBe('');
			expect(r.events.some((e) => e && (e.type === 'tool_call' || e.content?.parts?.[0]?.functionCall))).toBe(true);
		}
		expect((sim.getSession(sid)!.state.draft as any).t.length).toBeGreaterThan(0);
	});

	test('dialects: simple {type:...} events or ADK content.parts events with partial chunks and a full final text', async () => {
		const { token, sid } = await setup('registered');
		sim.configure({ silentEditRate: 0, editDialect: 'simple' });
		const simple = await runSse(sim, token, sid, PROMPT);
		expect(simple.events.some((e) => e && e.type === 'text')).toBe(true);
		expect(simple.events.some((e) => e && e.type === 'tool_result')).toBe(true);
		sim.configure({ editDialect: 'adk' });
		const adk = await runSse(sim, token, sid, PROMPT);
		const partials = adk.events.filter((e) => e && e.partial === true);
		const finals = adk.events.filter((e) => e && e.content?.parts?.[0]?.text !== undefined && e.partial !== true);
		expect(partials.length).toBeGreaterThan(0);
		expect(finals.length).toBe(2);
		const join = (list: any[]) => list.map((e) => e.content.parts[0].text).join('');
		expect(join(partials)).toBe(join(finals));
		expect(adk.events.some((e) => e && e.content?.parts?.[0]?.functionCall?.name)).toBe(true);
		expect(adk.events.some((e) => e && e.content?.parts?.[0]?.functionResponse?.response)).toBe(true);
		expect(adk.events.filter((e) => e && e.type).every((e) => e.type === 'heartbeat')).toBe(true);
	});

	test('dialect and silence are chosen per edit from the seed: same seed, same sequence; both dialects occur', async () => {
		const choices = async (s: Simulator) => {
			const token = s.issueToken('registered');
			const sid = await newSession(s, token);
			await uploadImages(s, token, sid, 1);
			for (let i = 0; i < 8; i++) await runSse(s, token, sid, 'make a video');
			return s.getSession(sid)!.edits.map((e) => `${e.dialect}/${e.silent}/${e.crlf}`);
		};
		const a = await fastSim({ seed: 42, editDurationMs: 5 });
		const b = await fastSim({ seed: 42, editDurationMs: 5 });
		try {
			const ca = await choices(a);
			expect(await choices(b)).toEqual(ca);
			expect(ca.some((c) => c.startsWith('adk'))).toBe(true);
			expect(ca.some((c) => c.startsWith('simple'))).toBe(true);
		} finally {
			await a.close();
			await b.close();
		}
	});

	test('zh sessions get Chinese replies; bytes arrive in pieces split inside multi-byte characters', async () => {
		const { token, sid } = await setup('registered', 'zh-CN');
		sim.configure({ silentEditRate: 0 });
		const chunks: Buffer[] = [];
		for (let i = 0; i < 3; i++) {
			await new Promise<void>((resolve, reject) => {
				const req = http.request(
					sim.url + '/run_sse',
					{
						method: 'POST',
						headers: { ...SKILL, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
					},
					(res) => {
						res.on('data', (c: Buffer) => chunks.push(c));
						res.on('end', resolve);
						res.on('error', reject);
					},
				);
				req.end(
					JSON.stringify({
						app_name: 'nemo_agent',
						user_id: 'me',
						session_id: sid,
						new_message: { parts: [{ text: PROMPT }] },
					}),
				);
			});
		}
		const text = textOf(parseSse(Buffer.concat(chunks).toString('utf8')));
		expect(text).toMatch(/[\u4e00-\u9fff]/);
		expect(text).toMatch(/点击|打开|拖拽|导出|已完成/);
		expect(chunks.some((c) => (c[0] & 0xc0) === 0x80)).toBe(true);
	});

	test('the edit is applied before the stream ends: an sseCut stream still changed the draft and charged credits', async () => {
		const { token, sid } = await setup();
		sim.injectFault({ path: '^/run_sse$', kind: 'sseCut', afterBytes: 60 });
		const r = await runSse(sim, token, sid, PROMPT);
		expect(r.raw.length).toBeLessThanOrEqual(60);
		expect(r.error).toBeDefined();
		expect((sim.getSession(sid)!.state.draft as any).d).toBe(15000);
		await sleep(20);
		const entry = sim.log.find((e) => e.path === '/run_sse')!;
		expect(entry.aborted).toBe(true);
		const bal = await call(sim, 'GET', '/api/credits/balance/simple', { token });
		expect(bal.json.data).toMatchObject({ available: 50, frozen: 0 });
	});

	test('a client that disconnects mid-stream: the request is logged as aborted and the credits are still consumed', async () => {
		const { token, sid } = await setup();
		sim.configure({ editDurationMs: 2000 });
		const ac = new AbortController();
		const r = await fetch(sim.url + '/run_sse', {
			method: 'POST',
			signal: ac.signal,
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({
				app_name: 'nemo_agent',
				user_id: 'me',
				session_id: sid,
				new_message: { parts: [{ text: PROMPT }] },
			}),
		});
		const reader = r.body!.getReader();
		await reader.read();
		ac.abort();
		await sleep(30);
		expect(sim.log.find((e) => e.path === '/run_sse')!.aborted).toBe(true);
		expect(sim.getSession(sid)!.edits[0].aborted).toBe(true);
		const bal = await call(sim, 'GET', '/api/credits/balance/simple', { token });
		expect(bal.json.data).toMatchObject({ available: 50, frozen: 0 });
	});

	test('without uploaded media the agent asks for files and the draft stays {}', async () => {
		const { token, sid } = await setup('registered', 'en', 0);
		sim.configure({ silentEditRate: 0 });
		const r = await runSse(sim, token, sid, PROMPT);
		expect(textOf(r.events)).toMatch(/upload/i);
		expect(sim.getSession(sid)!.state.draft).toEqual({});
	});
});

describe('simulator: big SSE streams for benchmarks', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await fastSim({ seed: 7 });
	});
	afterAll(() => sim.close());

	const sample = async (bytes: number, seed: number) =>
		Buffer.from(await (await fetch(`${sim.url}/__sim/sse-sample?bytes=${bytes}&seed=${seed}`)).arrayBuffer());

	test('/__sim/sse-sample is deterministic for a seed, ~N bytes, mixed shapes, and matches its summary', async () => {
		const a = await sample(200_000, 3);
		const b = await sample(200_000, 3);
		const c = await sample(200_000, 4);
		expect(a.equals(b)).toBe(true);
		expect(a.equals(c)).toBe(false);
		expect(a.length).toBeGreaterThanOrEqual(200_000);
		expect(a.length).toBeLessThan(202_000);
		const summary = (await call(sim, 'GET', '/__sim/sse-sample?bytes=200000&seed=3&summary=1')).json;
		expect(summary.bytes).toBe(a.length);
		const events = parseSse(a.toString('utf8'));
		const text = textOf(events);
		expect(createHash('sha256').update(text, 'utf8').digest('hex')).toBe(summary.textSha256);
		expect(events.filter((e) => e === '').length).toBe(summary.events.empty);
		expect(events.filter((e) => e && e.type === 'heartbeat').length).toBe(summary.events.heartbeat);
		for (const k of [
			'text',
			'adkPartial',
			'adkFinal',
			'toolCall',
			'toolResult',
			'functionCall',
			'functionResponse',
			'heartbeat',
			'empty',
			'comment',
		])
			expect(summary.events[k]).toBeGreaterThan(0);
		expect(sim.log).toHaveLength(0);
	});

	test('sseCut also applies to /__sim/sse-sample', async () => {
		await call(sim, 'POST', '/__sim/faults', { body: { path: 'sse-sample', kind: 'sseCut', afterBytes: 5000 } });
		const r = await fetch(`${sim.url}/__sim/sse-sample?bytes=100000&seed=3`);
		let n = 0;
		await expect(
			(async () => {
				for await (const c of r.body as any as AsyncIterable<Uint8Array>) n += c.length;
			})(),
		).rejects.toThrow();
		expect(n).toBe(5000);
	});

	test('config nextEditStreamBytes makes the next /run_sse stream the sample (seed from options), once', async () => {
		const token = sim.issueToken('registered');
		const sid = await newSession(sim, token);
		await uploadImages(sim, token, sid, 1);
		await call(sim, 'POST', '/__sim/config', { body: { nextEditStreamBytes: 100_000 } });
		const big = await runSse(sim, token, sid, PROMPT);
		expect(big.raw.equals(await sample(100_000, 7))).toBe(true);
		const normal = await runSse(sim, token, sid, PROMPT);
		expect(normal.raw.length).toBeLessThan(20_000);
	});
});
