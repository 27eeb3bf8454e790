/** All mutable simulator state (options, tokens, sessions, renders, faults, log) in one object. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deriveRng, randomSeed, type Rng } from './rng';
import type { Fault, RenderRecord, RequestLogEntry, SessionRecord, SimulatorOptions, TokenRecord } from './types';

export type ResolvedOptions = Required<
	Omit<SimulatorOptions, 'seed' | 'failNextRender' | 'nextEditStreamBytes' | 'renderOutputBytes'>
> & {
	seed: number;
	failNextRender?: string;
	nextEditStreamBytes?: number;
	renderOutputBytes?: number;
};

export const DEFAULTS: Omit<ResolvedOptions, 'seed'> = {
	port: 0,
	anonymousCredits: 100,
	registeredTokens: ['nmv_sk_simulator'],
	registeredCredits: 10000,
	editCost: 50,
	generateCost: 100,
	silentEditRate: 0.3,
	editDurationMs: 300,
	generationMs: 1500,
	heartbeatIntervalMs: 100,
	renderMs: 1500,
	renderUrlStyle: 'alternate',
	userIdInSession: 'alternate',
	maxUploadBytes: 200 * 1024 * 1024,
	quiet: false,
	editDialect: 'random',
	anonymousTokensPerIpPerHour: 5,
	tokenRejection: 'http401',
	clientIdReuse: 'whileNoValidToken',
	renderFrom: 'sample',
};

export interface QueuedFault extends Fault {
	remaining: number;
}

export interface StoredUpload {
	file?: string;
	redirect?: string;
	mime: string;
	size: number;
}

export class SimState {
	opts: ResolvedOptions;
	baseUrl = '';
	log: RequestLogEntry[] = [];
	faults: QueuedFault[] = [];
	tokens = new Map<string, TokenRecord>();
	anonIssuesByClient = new Map<string, number>();
	ipIssues = new Map<string, number[]>();
	sessions = new Map<string, SessionRecord>();
	renders = new Map<string, RenderRecord>();
	uploads = new Map<string, StoredUpload>();
	/** generated media id -> asset file served for it */
	generatedAssets = new Map<string, string>();
	/** planned failures of renders: id -> (ms after submit, error) */
	renderFailures = new Map<string, { atMs: number; error: string }>();
	timers = new Set<NodeJS.Timeout>();
	/** stops child processes still running (ffmpeg making a render); all called on reset and close */
	children = new Set<() => void>();
	counters = { sessions: 0, balance: 0, renders: 0, edits: 0, ids: 0 };
	/**
	 * Where uploaded bytes and renders made from them are written: a fresh folder after every reset. Ids repeat
	 * after a reset (the id generator restarts from the seed), so a new upload can have an old one's name; a new
	 * folder keeps an earlier generation's late deletions (a killed ffmpeg cleaning up) away from it.
	 */
	uploadDir: string;
	private idRng: Rng;

	constructor(options: SimulatorOptions = {}) {
		const seed = options.seed ?? randomSeed();
		this.opts = { ...DEFAULTS, ...stripUndefined(options), seed } as ResolvedOptions;
		this.idRng = deriveRng(seed, 'ids');
		this.uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nemovideo-sim-'));
	}

	configure(patch: Partial<SimulatorOptions>): void {
		const clean = stripUndefined(patch);
		delete (clean as Partial<SimulatorOptions>).port;
		Object.assign(this.opts, clean);
		// null or an explicit undefined clears the optional / one-shot settings (JSON cannot carry undefined)
		const o = this.opts as unknown as Record<string, unknown>;
		for (const k of ['failNextRender', 'nextEditStreamBytes', 'renderOutputBytes']) {
			if (k in patch && (patch as Record<string, unknown>)[k] == null) o[k] = undefined;
		}
		if (patch.seed !== undefined) this.idRng = deriveRng(this.opts.seed, 'ids');
	}

	/** Random hex id; seeded, so a fixed seed gives reproducible ids. */
	hex(bytes: number): string {
		let s = '';
		for (let i = 0; i < bytes; i++)
			s += Math.floor(this.idRng() * 256)
				.toString(16)
				.padStart(2, '0');
		return s;
	}

	uuid(): string {
		const h = this.hex(16);
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
	}

	setTimer(fn: () => void, ms: number): NodeJS.Timeout {
		const t = setTimeout(() => {
			this.timers.delete(t);
			fn();
		}, ms);
		t.unref();
		this.timers.add(t);
		return t;
	}

	clearTimers(): void {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		for (const stop of this.children) stop();
		this.children.clear();
	}

	reset(): void {
		this.clearTimers();
		this.log.length = 0;
		this.faults.length = 0;
		this.tokens.clear();
		this.anonIssuesByClient.clear();
		this.ipIssues.clear();
		this.sessions.clear();
		this.renders.clear();
		fs.rmSync(this.uploadDir, { recursive: true, force: true });
		this.uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nemovideo-sim-'));
		this.uploads.clear();
		this.generatedAssets.clear();
		this.renderFailures.clear();
		this.counters = { sessions: 0, balance: 0, renders: 0, edits: 0, ids: 0 };
		this.opts.failNextRender = undefined;
		this.opts.nextEditStreamBytes = undefined;
		this.idRng = deriveRng(this.opts.seed, 'ids');
	}

	dispose(): void {
		this.clearTimers();
		fs.rmSync(this.uploadDir, { recursive: true, force: true });
	}
}

function stripUndefined<T extends object>(o: T): Partial<T> {
	const out: Partial<T> = {};
	for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
	return out;
}
