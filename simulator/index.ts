/** NemoVideo simulator: a local stand-in for the NemoVideo API (contract: docs/nemovideo-api.md). */
import { issueToken as issue, lookupToken } from './auth';
import { setAvailable } from './credits';
import { queueFault } from './faults';
import { refreshRender } from './render';
import { listen } from './server';
import { SimState } from './state';
import type { Fault, RenderRecord, RequestLogEntry, SessionRecord, SimulatorOptions } from './types';

export type {
	Draft,
	EditRecord,
	Fault,
	FaultKind,
	GeneratedMedia,
	MediaInfo,
	RenderRecord,
	RenderStatus,
	RequestLogEntry,
	Segment,
	SessionRecord,
	SessionState,
	SimulatorOptions,
	TokenRecord,
	TokenRejection,
	Track,
} from './types';

export interface Simulator {
	url: string;
	close(): Promise<void>;
	log: RequestLogEntry[];
	injectFault(fault: Fault): void;
	configure(patch: Partial<SimulatorOptions>): void;
	reset(): void;
	issueToken(kind: 'anonymous' | 'registered', opts?: { credits?: number; clientId?: string }): string;
	expireToken(token: string): void;
	setCredits(token: string, available: number): void;
	getSession(sessionId: string): SessionRecord | undefined;
	getRender(id: string): RenderRecord | undefined;
	/** What the service has done so far: sessions created, renders started, edits run (since the last reset). */
	counts(): { sessions: number; renders: number; edits: number };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const sim = new SimState(options);
	let running;
	try {
		running = await listen(sim, options.port ?? 0);
	} catch (e) {
		sim.dispose();
		throw e;
	}
	sim.baseUrl = `http://127.0.0.1:${running.port}`;
	let closed = false;
	return {
		url: sim.baseUrl,
		// the same array object for the simulator's whole life (reset() empties it in place)
		log: sim.log,
		async close() {
			if (closed) return;
			closed = true;
			await running.close();
			sim.dispose();
		},
		injectFault: (fault) => queueFault(sim, fault),
		configure: (patch) => sim.configure(patch),
		reset: () => sim.reset(),
		issueToken: (kind, opts) => issue(sim, kind, opts ?? {}).token,
		expireToken(token) {
			const rec = lookupToken(sim, token);
			if (rec) rec.expired = true;
		},
		setCredits(token, available) {
			const rec = lookupToken(sim, token);
			if (!rec) throw new Error('unknown token');
			setAvailable(rec, available);
		},
		getSession(sessionId) {
			const s = sim.sessions.get(sessionId);
			return s ? structuredClone(s) : undefined;
		},
		counts: () => ({ sessions: sim.counters.sessions, renders: sim.counters.renders, edits: sim.counters.edits }),
		getRender(id) {
			const r = sim.renders.get(id);
			return r ? structuredClone(refreshRender(sim, r)) : undefined;
		},
	};
}
