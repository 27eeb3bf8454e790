import * as http from 'http';
import FormData from 'form-data';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator';

import { png } from '../helpers/media';

export { jpeg, png } from '../helpers/media';

export const SKILL = {
	'X-Skill-Source': 'image-to-video-local',
	'X-Skill-Version': '1.0.0',
	'X-Skill-Platform': 'n8n',
};

export function fastSim(opts: SimulatorOptions = {}): Promise<Simulator> {
	return startSimulator({
		quiet: true,
		seed: 1,
		editDurationMs: 40,
		generationMs: 120,
		heartbeatIntervalMs: 20,
		renderMs: 300,
		...opts,
	});
}

export interface Res {
	status: number;
	headers: Headers;
	json: any;
	text: string;
}

export async function call(
	sim: Simulator,
	method: string,
	path: string,
	opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Res> {
	const headers: Record<string, string> = { ...SKILL, ...(opts.headers ?? {}) };
	if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
	if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
	const r = await fetch(sim.url + path, {
		method,
		headers,
		body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
	});
	const text = await r.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: r.status, headers: r.headers, json, text };
}

export async function newSession(sim: Simulator, token: string, language = 'en'): Promise<string> {
	const r = await call(sim, 'POST', '/api/tasks/me/with-session/nemo_agent', {
		token,
		body: { task_name: 'project', language },
	});
	expect(r.json.code).toBe(0);
	return r.json.data.session_id;
}

/** POST a form-data body over a real socket (streamed with pipe). */
export function postForm(
	sim: Simulator,
	path: string,
	form: FormData,
	token?: string,
): Promise<{ status: number; json: any; error?: Error }> {
	return new Promise((resolve) => {
		const url = new URL(sim.url + path);
		const req = http.request(
			{
				method: 'POST',
				hostname: url.hostname,
				port: url.port,
				path: url.pathname,
				headers: { ...form.getHeaders(), ...SKILL, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json: any;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode ?? 0, json });
				});
				res.on('error', (error) => resolve({ status: res.statusCode ?? 0, json: undefined, error }));
			},
		);
		req.on('error', (error) => resolve({ status: 0, json: undefined, error }));
		form.pipe(req);
	});
}

export async function uploadImages(sim: Simulator, token: string, sid: string, count: number): Promise<any> {
	const form = new FormData();
	for (let i = 0; i < count; i++)
		form.append('files', png(1920, 1080), { filename: `photo${i + 1}.png`, contentType: 'image/png' });
	const r = await postForm(sim, `/api/upload-video/nemo_agent/me/${sid}`, form, token);
	expect(r.json.code).toBe(0);
	return r.json.data;
}

export interface SseEvent {
	data: string;
}

/** Reads an SSE response to the end (or until the connection drops) and returns raw bytes + parsed data payloads. */
export async function runSse(
	sim: Simulator,
	token: string,
	sid: string,
	text: string,
): Promise<{
	status: number;
	contentType: string;
	raw: Buffer;
	events: any[];
	chunks: number;
	error?: Error;
	json?: any;
}> {
	const r = await fetch(sim.url + '/run_sse', {
		method: 'POST',
		headers: {
			...SKILL,
			Authorization: `Bearer ${token}`,
			'Content-Type': 'application/json',
			Accept: 'text/event-stream',
		},
		body: JSON.stringify({
			app_name: 'nemo_agent',
			user_id: 'me',
			session_id: sid,
			new_message: { parts: [{ text }] },
		}),
	});
	const contentType = r.headers.get('content-type') ?? '';
	if (!contentType.startsWith('text/event-stream')) {
		return { status: r.status, contentType, raw: Buffer.alloc(0), events: [], chunks: 0, json: await r.json() };
	}
	const parts: Buffer[] = [];
	let error: Error | undefined;
	let chunks = 0;
	try {
		for await (const c of r.body as any as AsyncIterable<Uint8Array>) {
			parts.push(Buffer.from(c));
			chunks++;
		}
	} catch (e) {
		error = e as Error;
	}
	const raw = Buffer.concat(parts);
	return { status: r.status, contentType, raw, events: parseSse(raw.toString('utf8')), chunks, error };
}

/** Tiny SSE parser for tests: returns JSON payloads of data events ('' for empty data lines). */
export function parseSse(text: string): any[] {
	const out: any[] = [];
	const blocks = text.replace(/\r\n/g, '\n').split('\n\n');
	for (const block of blocks) {
		const lines = block.split('\n').filter((l) => l.startsWith('data:'));
		if (!lines.length) continue;
		const payload = lines.map((l) => l.slice(5).replace(/^ /, '')).join('\n');
		if (payload === '') {
			out.push('');
			continue;
		}
		try {
			out.push(JSON.parse(payload));
		} catch {
			out.push({ unparsable: payload });
		}
	}
	return out;
}

export function textOf(events: any[]): string {
	let s = '';
	for (const e of events) {
		if (e && e.type === 'text') s += e.content;
		else if (e && e.content && Array.isArray(e.content.parts) && e.partial !== true) {
			for (const p of e.content.parts) if (typeof p.text === 'string') s += p.text;
		}
	}
	return s;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
