/** Runs one cell of the fault matrix against its own simulator and reports what the user saw. */
import { startSimulator, type Simulator } from '../../simulator';
import { REGISTERED_TOKEN, requestsTo } from '../helpers/simulator';
import { CREDENTIAL_ID, nemoVideoCredentials, runChain } from '../helpers/workflow';
import type { Expected, FaultKind } from './faultKinds';
import { NODE_UNDER_TEST, type Target } from './targets';

export interface Observation {
	outcome: 'success' | 'error' | 'cancelled';
	message?: string;
	/** Sessions, files, edits or renders the call under test created on the service. */
	created: number;
	/** Requests the route under test received. */
	routeHits: number;
	/** Requests of any kind the simulator received during the run. */
	requests: number;
	tokenRequests: number;
	/** From the user's stop to the end of the execution (stopped cells only). */
	cancelMs?: number;
	/** Places a token appeared in the run's output or error. */
	leaks: number;
}

export interface CellResult {
	fault: string;
	target: string;
	expected: Expected;
	observed: Observation;
	pass: boolean;
	why?: string;
}

const CLIENT_ID = '0b8f2e1d-7c90-4c7e-9a55-3f2c8a4e6d1b';

export async function runCell(target: Target, fault: FaultKind, expected: Expected): Promise<CellResult> {
	const sim = await startSimulator({ quiet: true, seed: 7, renderMs: 300 });
	try {
		const observed = await observe(sim, target, fault);
		const why = judge(target, expected, observed, fault);
		return { fault: fault.name, target: target.name, expected, observed, pass: why === undefined, why };
	} finally {
		await sim.close();
	}
}

async function observe(sim: Simulator, target: Target, fault: FaultKind): Promise<Observation> {
	const token = fault.expiredAnonymousToken ? sim.issueToken('anonymous', { clientId: CLIENT_ID }) : REGISTERED_TOKEN;
	const prepared = await target.prepare(sim, token);
	const credentials = fault.expiredAnonymousToken
		? nemoVideoCredentials(sim.url, { apiToken: '', clientId: CLIENT_ID, sessionToken: token })
		: nemoVideoCredentials(sim.url);
	if (fault.expiredAnonymousToken) sim.expireToken(token);
	const logStart = sim.log.length;
	fault.inject(sim, target);

	const stop = new AbortController();
	const route = new RegExp(target.route);
	const running = runChain(prepared.nodes, credentials, { signal: stop.signal, timeoutMs: 120_000 });
	let stoppedAt: number | undefined;
	if (fault.stopWhenHit) {
		await untilSettledOr(running, () => requestsTo(sim, target.method, route).length > 0);
		stoppedAt = performance.now();
		stop.abort();
	}
	const result = await running;
	const endedAt = performance.now();

	const [item] = result.status === 'canceled' ? [] : result.output(NODE_UNDER_TEST);
	const failure = item?.json.error as string | undefined;
	const description = item?.json.description as string | undefined;
	const tokens = [REGISTERED_TOKEN, token, String(credentials.get(CREDENTIAL_ID)?.data.sessionToken ?? '')].filter(
		(t) => t.length > 8,
	);
	const shown =
		JSON.stringify(result.runData) +
		String(result.error?.message ?? '') +
		String((result.error?.error as { description?: string })?.description ?? '');
	const log = sim.log.slice(logStart);
	return {
		outcome: result.status === 'canceled' ? 'cancelled' : failure || result.status !== 'success' ? 'error' : 'success',
		message: failure ? `${failure}${description ? ` — ${description}` : ''}` : result.error?.message,
		created: prepared.created(),
		routeHits: log.filter((entry) => entry.method === target.method && route.test(entry.path)).length,
		requests: log.length,
		tokenRequests: log.filter((entry) => entry.path === '/api/auth/anonymous-token').length,
		cancelMs: stoppedAt === undefined ? undefined : Math.round(endedAt - stoppedAt),
		leaks: tokens.filter((t) => shown.includes(t)).length,
	};
}

/** Waits until `condition` holds (checked as the simulator logs requests), or the run ends first. */
async function untilSettledOr(running: Promise<unknown>, condition: () => boolean): Promise<void> {
	let settled = false;
	void running.finally(() => (settled = true));
	while (!settled && !condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Why the observation does not meet the expectation; undefined when it does. */
function judge(target: Target, expected: Expected, observed: Observation, fault: FaultKind): string | undefined {
	if (observed.leaks > 0) return 'a token appeared in the output';
	if (observed.outcome !== expected.outcome) return `expected ${expected.outcome}, got ${observed.outcome}`;
	if (expected.outcome === 'error' && !expected.message.test(observed.message ?? ''))
		return `message does not match ${expected.message}`;
	const creates = target.kind === 'create' || target.kind === 'upload';
	if (creates && observed.created > 1) return `created ${observed.created} times`;
	if (creates && observed.outcome === 'success' && observed.created !== 1)
		return `succeeded but created ${observed.created}`;
	if (fault.refusedLocally && observed.requests > 0)
		return `${observed.requests} requests sent for an input that can be checked locally`;
	if (fault.expiredAnonymousToken && observed.tokenRequests !== 1) return `${observed.tokenRequests} token requests`;
	return undefined;
}
